export type { CsvColumnOrder } from "./csv-movie-info-row.ts";
export { type DeleteMovieDeps, deleteMovie } from "./delete-movie.ts";
export * from "./errors.ts";
export { type GetMovieDeps, getMovie } from "./get-movie.ts";
export {
  type CsvRecord,
  type IngestOptions,
  ingestMovieInfos,
  MAX_BATCH_SIZE,
} from "./ingest-movie-infos.ts";
export type { IngestSummary, RejectedRow } from "./ingest-summary.ts";
export { createLastRowsByChunk, type LastRowsByChunk } from "./last-rows-by-chunk.ts";
export {
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  type ListMoviesDeps,
  type ListMoviesQuery,
  listMovies,
} from "./list-movies.ts";
export type * from "./movie.ts";
export { isMovieId, parseMovieId } from "./movie-id.ts";
export { validateMovieInfo } from "./movie-info-rules.ts";
export type * from "./ports.ts";
export { type RateMovieDeps, type RateMovieOptions, rateMovie } from "./rate-movie.ts";
export { applyRatingChanges, type PatchFormat, parseRatingChanges } from "./rating-changes.ts";
export { toMovie } from "./to-movie.ts";
