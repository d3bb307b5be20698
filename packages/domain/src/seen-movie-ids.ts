/**
 * The movie ids an ingest has already accepted, to tell a first row from a duplicate. It is the
 * one structure of an ingest that grows with the number of distinct ids (a plain `Set` costs tens
 * of bytes per id); it stays behind this interface so a more compact one can replace it.
 */
export interface SeenMovieIds {
  /** Records `movieId`; `true` when it had not been seen before. */
  add(movieId: string): boolean;
}

export function createSeenMovieIds(): SeenMovieIds {
  const seen = new Set<string>();
  return {
    add(movieId) {
      // One hash lookup instead of `has` then `add`: this runs once per valid row.
      const before = seen.size;
      seen.add(movieId);
      return seen.size !== before;
    },
  };
}
