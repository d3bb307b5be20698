import { type FieldError, ValidationError } from "./errors.ts";
import { describeValue, quote } from "./message-values.ts";
import type { Movie, Page } from "./movie.ts";
import type { MovieInfoRepo } from "./ports.ts";
import { toMovie } from "./to-movie.ts";

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 500;

export interface ListMoviesDeps {
  readonly movieInfos: Pick<MovieInfoRepo, "listMovies">;
}

/** A listing's query as a caller sent it: strings, or absent. */
export interface ListMoviesQuery {
  readonly limit?: unknown;
  readonly cursor?: unknown;
}

const DIGITS = /^[0-9]{1,4}$/;

/**
 * One page of the catalogue. `limit` is a decimal count from 1 to 500 (default 50); `cursor` is a
 * page's `next`. Rejects with one `ValidationError` naming each bad parameter; the repo's own
 * `ValidationError` on `cursor` when a well-formed string is no cursor it gave out.
 */
export async function listMovies(
  deps: ListMoviesDeps,
  query: ListMoviesQuery,
): Promise<Page<Movie>> {
  const errors: FieldError[] = [];
  let limit = LIST_LIMIT_DEFAULT;
  if (query.limit !== undefined) {
    const n = typeof query.limit === "string" && DIGITS.test(query.limit) ? Number(query.limit) : 0;
    if (n >= 1 && n <= LIST_LIMIT_MAX) limit = n;
    else {
      errors.push({
        field: "limit",
        message: `must be a whole number from 1 to ${LIST_LIMIT_MAX} (found ${typeof query.limit === "string" ? quote(query.limit) : describeValue(query.limit)})`,
      });
    }
  }
  const { cursor } = query;
  if (cursor !== undefined && (typeof cursor !== "string" || cursor === "")) {
    errors.push({ field: "cursor", message: "must be the `next` of an earlier page" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const page = await deps.movieInfos.listMovies({ limit, cursor: cursor as string | undefined });
  return { items: page.items.map(toMovie), next: page.next };
}
