/** A movie's descriptive data, as ingested from the catalogue CSV. */
export interface MovieInfo {
  readonly movie_id: string;
  readonly name: string;
  readonly country_of_origin: string;
  /** ISO 8601 calendar date, `YYYY-MM-DD`. */
  readonly release_date: string;
}

/** A movie's ratings; each is 0 to 100. */
export interface MovieRating {
  readonly movie_id: string;
  readonly rotten_tomatoes_rating: number;
  readonly imdb_rating: number;
}

/** What a reader sees: info and rating merged; a rating never set is `null`. */
export interface Movie {
  readonly movie_id: string;
  readonly name: string;
  readonly country_of_origin: string;
  readonly release_date: string;
  readonly rotten_tomatoes_rating: number | null;
  readonly imdb_rating: number | null;
}

/**
 * A validated PATCH: at least one of the two ratings; one left out keeps its stored value, one
 * set to `null` (JSON Merge Patch only) is cleared.
 */
export type RatingChanges =
  | { readonly rotten_tomatoes_rating: number | null; readonly imdb_rating?: number | null }
  | { readonly rotten_tomatoes_rating?: number | null; readonly imdb_rating: number | null };

/**
 * A conditional write's test of the movie as stored just before it (an HTTP `If-Match`): the
 * store writes only if it holds for the state the write replaces, in the same atomic step.
 */
export type Precondition = (current: Movie) => boolean;

/** One page of a listing: `next` names the following page, `undefined` on the last. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | undefined;
}

/** Which page: at most `limit` items, after the position `cursor` names (from the start without). */
export interface PageRequest {
  readonly limit: number;
  readonly cursor: string | undefined;
}

/** A movie as stored: its info, and its ratings where any were ever set. */
export interface StoredMovie {
  readonly info: MovieInfo;
  readonly rating: Partial<Omit<MovieRating, "movie_id">> | undefined;
}
