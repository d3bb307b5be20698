import type {
  MovieInfo,
  Page,
  PageRequest,
  Precondition,
  RatingChanges,
  StoredMovie,
} from "./movie.ts";

/** Where movie infos live. Implemented by the adapters (ElectroDB on DynamoDB). */
export interface MovieInfoRepo {
  /**
   * Upserts every info of the batch: at most 25, with distinct movie ids. Resolves only when
   * all of them are stored; otherwise rejects (an `UnwrittenItemsError` names the ids left).
   * Never touches ratings. Once `signal` is aborted it retries no more and rejects with what is
   * left, so a deadline is not spent in back-off.
   */
  putBatch(
    infos: readonly MovieInfo[],
    options?: { readonly signal?: { readonly aborted: boolean } },
  ): Promise<void>;

  /** The movie's info and ratings in one strongly consistent read; `undefined` without info. */
  findMovie(movieId: string): Promise<StoredMovie | undefined>;

  /**
   * One page of every movie, in an order that stays the same while nothing changes, each page
   * read in bounded work whatever the catalogue's size. `cursor` is one this repo returned as
   * `next`; anything else rejects with a `ValidationError` on field `cursor`.
   */
  listMovies(page: PageRequest): Promise<Page<StoredMovie>>;

  /**
   * Removes the movie's info and its ratings in one atomic step. Rejects with
   * `MovieNotFoundError` without info, and with `PreconditionFailedError` when `precondition`
   * does not hold for the movie as stored; either way nothing is removed.
   */
  remove(movieId: string, precondition?: Precondition): Promise<void>;
}

/** Where ratings live. */
export interface RatingRepo {
  /**
   * Applies the changes in one atomic step that also checks the movie's info exists, and
   * returns the movie exactly as this write left it (never a later writer's state). Rejects,
   * writing nothing, with `MovieNotFoundError` when there is no info and with
   * `PreconditionFailedError` when `precondition` does not hold for the state it would replace.
   */
  update(
    movieId: string,
    changes: RatingChanges,
    precondition?: Precondition,
  ): Promise<StoredMovie>;
}
