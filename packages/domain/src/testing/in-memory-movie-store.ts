import { MovieNotFoundError, PreconditionFailedError, ValidationError } from "../errors.ts";
import { MAX_BATCH_SIZE } from "../ingest-movie-infos.ts";
import type {
  MovieInfo,
  MovieRating,
  Page,
  PageRequest,
  Precondition,
  RatingChanges,
  StoredMovie,
} from "../movie.ts";
import { isMovieId } from "../movie-id.ts";
import type { MovieInfoRepo, RatingRepo } from "../ports.ts";
import { applyRatingChanges } from "../rating-changes.ts";
import { toMovie } from "../to-movie.ts";

/** One call into the store, as the `before` hook sees it. */
export type StoreCall =
  | { readonly method: "putBatch"; readonly index: number; readonly infos: readonly MovieInfo[] }
  | { readonly method: "findMovie"; readonly movieId: string }
  | { readonly method: "update"; readonly movieId: string; readonly changes: RatingChanges }
  | { readonly method: "listMovies"; readonly page: PageRequest }
  | { readonly method: "remove"; readonly movieId: string };

// The in-memory cursor: the last movie id of the page, after this mark.
const CURSOR_MARK = "after:";

export interface InMemoryMovieStoreOptions {
  /**
   * Runs at the start of every call, before anything is read or written. Return a promise to
   * delay the call (to vary the order in which concurrent writes finish); throw or reject to make
   * the call fail with that error, having written nothing.
   */
  readonly before?: (call: StoreCall) => Promise<void> | void;
}

export type StoredRating = Partial<Omit<MovieRating, "movie_id">>;

/**
 * Both ports in memory, for tests of code that uses them. It holds callers to the ports' contract
 * the way DynamoDB would: a `putBatch` of more than 25 items, with a repeated id, or with an id
 * that another `putBatch` is still writing, is recorded in `violations` and rejected.
 */
export class InMemoryMovieStore implements MovieInfoRepo, RatingRepo {
  readonly infos = new Map<string, MovieInfo>();
  readonly ratings = new Map<string, StoredRating>();
  /** Every `putBatch` call, in call order, whether it succeeded or not. */
  readonly batches: (readonly MovieInfo[])[] = [];
  /** Every breach of the `putBatch` contract, in words. */
  readonly violations: string[] = [];
  /** `putBatch` calls not yet settled. */
  inFlight = 0;
  /** The most `putBatch` calls ever unsettled at once. */
  maxInFlight = 0;

  private readonly before: InMemoryMovieStoreOptions["before"];
  private readonly writing = new Set<string>();

  constructor(options: InMemoryMovieStoreOptions = {}) {
    this.before = options.before;
  }

  /** Stores an info, and a rating when given, directly (no hook, no recording). */
  seed(info: MovieInfo, rating?: StoredRating): void {
    this.infos.set(info.movie_id, { ...info });
    if (rating !== undefined) this.ratings.set(info.movie_id, { ...rating });
  }

  async putBatch(infos: readonly MovieInfo[]): Promise<void> {
    // Copied at call time: what a caller does to its array afterwards must not change the record.
    const batch = infos.map((info) => ({ ...info }));
    const index = this.batches.length;
    this.batches.push(batch);
    const violation = this.violationOf(batch);
    if (violation !== undefined) {
      this.violations.push(`batch ${index}: ${violation}`);
      throw new Error(`putBatch contract broken: ${violation}`);
    }
    for (const info of batch) this.writing.add(info.movie_id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.before?.({ method: "putBatch", index, infos: batch });
      for (const info of batch) this.infos.set(info.movie_id, info);
    } finally {
      this.inFlight--;
      for (const info of batch) this.writing.delete(info.movie_id);
    }
  }

  async findMovie(movieId: string): Promise<StoredMovie | undefined> {
    await this.before?.({ method: "findMovie", movieId });
    return this.stored(movieId);
  }

  async update(
    movieId: string,
    changes: RatingChanges,
    precondition?: Precondition,
  ): Promise<StoredMovie> {
    await this.before?.({ method: "update", movieId, changes });
    // Checked at write time, as the transaction's condition check is.
    this.checked(movieId, precondition);
    this.ratings.set(movieId, applyRatingChanges(this.ratings.get(movieId), changes));
    return this.checked(movieId);
  }

  async remove(movieId: string, precondition?: Precondition): Promise<void> {
    await this.before?.({ method: "remove", movieId });
    this.checked(movieId, precondition);
    this.infos.delete(movieId);
    this.ratings.delete(movieId);
  }

  /** Movies in movie id order (code unit order); the cursor is the page's last id. */
  async listMovies(page: PageRequest): Promise<Page<StoredMovie>> {
    await this.before?.({ method: "listMovies", page });
    let after = "";
    if (page.cursor !== undefined) {
      const id = page.cursor.slice(CURSOR_MARK.length);
      if (!page.cursor.startsWith(CURSOR_MARK) || !isMovieId(id)) {
        throw new ValidationError([{ field: "cursor", message: "is not a cursor of this list" }]);
      }
      after = id;
    }
    const ids = [...this.infos.keys()].filter((id) => id > after).sort();
    const items = ids.slice(0, page.limit).flatMap((id) => this.stored(id) ?? []);
    const last = items.at(-1)?.info.movie_id;
    const more = ids.length > page.limit && last !== undefined;
    return { items, next: more ? `${CURSOR_MARK}${last}` : undefined };
  }

  /** The stored movie, after checking it exists and meets `precondition`. */
  private checked(movieId: string, precondition?: Precondition): StoredMovie {
    const stored = this.stored(movieId);
    if (stored === undefined) throw new MovieNotFoundError(movieId);
    if (precondition !== undefined && !precondition(toMovie(stored))) {
      throw new PreconditionFailedError(movieId);
    }
    return stored;
  }

  private stored(movieId: string): StoredMovie | undefined {
    const info = this.infos.get(movieId);
    if (info === undefined) return undefined;
    const rating = this.ratings.get(movieId);
    return { info: { ...info }, rating: rating === undefined ? undefined : { ...rating } };
  }

  private violationOf(batch: readonly MovieInfo[]): string | undefined {
    if (batch.length === 0) return "empty batch";
    if (batch.length > MAX_BATCH_SIZE) {
      return `${batch.length} items, more than ${MAX_BATCH_SIZE}`;
    }
    const ids = new Set<string>();
    for (const { movie_id } of batch) {
      if (ids.has(movie_id)) return `movie id ${movie_id} twice in one batch`;
      if (this.writing.has(movie_id)) {
        return `movie id ${movie_id} sent while another batch is still writing it`;
      }
      ids.add(movie_id);
    }
    return undefined;
  }
}
