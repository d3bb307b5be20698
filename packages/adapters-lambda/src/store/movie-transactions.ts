import type { MovieInfo, Precondition, StoredMovie } from "@movies/domain";
import { MovieNotFoundError, PreconditionFailedError, StorageError, toMovie } from "@movies/domain";
import type { MoviesService } from "./movies-service.ts";
import { backoffDelay, type RetryPolicy } from "./retry-policy.ts";
import { isRetryable, storageError } from "./store-errors.ts";

type Writes = Parameters<MoviesService["transaction"]["write"]>[0];
type Entities = Parameters<Writes>[0];
type Rating = NonNullable<StoredMovie["rating"]>;

const RATING_FIELDS = ["rotten_tomatoes_rating", "imdb_rating"] as const;

/** How one transaction ended: written, or cancelled by the condition on the info or the rating. */
type Outcome = "written" | "info_changed" | "rating_changed" | "retry";

/**
 * A write that holds only if the movie is still as it was read: it is built from the state read
 * just before, and its conditions compare the stored attributes with that state. The ingest's
 * BatchWriteItem puts carry no condition and no version counter, so comparing the attributes
 * themselves is what notices an ingest that changed the info in between. A lost race is read
 * again and retried; with a precondition (`If-Match`) a change in between is a
 * `PreconditionFailedError` instead, since the state the caller named is gone.
 */
export async function writeAgainstState<T>(
  options: {
    readonly service: MoviesService;
    readonly retry: RetryPolicy;
    readonly movieId: string;
    readonly action: string;
    readonly read: () => Promise<StoredMovie | undefined>;
    readonly precondition: Precondition | undefined;
  },
  write: (before: StoredMovie) => { readonly writes: Writes; readonly result: T },
): Promise<T> {
  const { movieId, precondition, retry } = options;
  for (let attempt = 1; ; attempt++) {
    const before = await options.read();
    if (before === undefined) throw new MovieNotFoundError(movieId);
    if (precondition !== undefined && !precondition(toMovie(before))) {
      throw new PreconditionFailedError(movieId);
    }
    const { writes, result } = write(before);
    const outcome = await transact(options.service, writes, options.action, movieId);
    if (outcome === "written") return result;
    if (outcome !== "retry" && precondition !== undefined) {
      if ((await options.read()) === undefined) throw new MovieNotFoundError(movieId);
      throw new PreconditionFailedError(movieId);
    }
    if (attempt >= retry.maxAttempts) {
      throw new StorageError(`${options.action} of ${movieId} kept conflicting`);
    }
    await retry.sleep(backoffDelay(retry, attempt));
  }
}

async function transact(
  service: MoviesService,
  writes: Writes,
  action: string,
  movieId: string,
): Promise<Outcome> {
  const result = await service.transaction
    .write(writes)
    .go()
    .catch((error: unknown) => {
      if (isRetryable(error)) return undefined;
      throw storageError(action, error);
    });
  if (!result) return "retry";
  if (!result.canceled) return "written";
  const codes = (result.data as readonly { readonly code?: string }[]).map((item) => item.code);
  if (codes[0] === "ConditionalCheckFailed") return "info_changed";
  if (codes[1] === "ConditionalCheckFailed") return "rating_changed";
  // Another transaction held one of the items; the SDK does not retry a cancelled transaction.
  if (codes.includes("TransactionConflict")) return "retry";
  throw new StorageError(`${action} of ${movieId} was cancelled: ${codes.join(", ")}`);
}

type Where = Parameters<ReturnType<Entities["movieInfo"]["check"]>["where"]>[0];
type RatingWhere = Parameters<ReturnType<Entities["movieRating"]["check"]>["where"]>[0];

/** The info item holds exactly `info`'s values (so it also exists). */
export function infoIs(info: MovieInfo): Where {
  return (attr, op) =>
    [
      op.eq(attr.movie_id, info.movie_id),
      op.eq(attr.name, info.name),
      op.eq(attr.country_of_origin, info.country_of_origin),
      op.eq(attr.release_date, info.release_date),
    ].join(" AND ");
}

/** Each rating in `fields` is stored as `rating` has it (absent when `rating` lacks it). */
export function ratingsAre(
  rating: Rating | undefined,
  fields: readonly (typeof RATING_FIELDS)[number][] = RATING_FIELDS,
): RatingWhere | undefined {
  if (fields.length === 0) return undefined;
  return (attr, op) =>
    fields
      .map((field) => {
        const value = rating?.[field];
        return value === undefined ? op.notExists(attr[field]) : op.eq(attr[field], value);
      })
      .join(" AND ");
}

export { RATING_FIELDS };
