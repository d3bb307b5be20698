// The adapters' public surface: the table's repositories and the handler factories, for the
// local stack and for services that reuse the table model. `./wiring` holds the wiring alone.
export {
  bucketColdStart,
  coldStart,
  ingestColdStart,
  type MovieStore,
  movieStore,
} from "./clients.ts";
export {
  type Config,
  ConfigError,
  FAN_OUT_MAX_CONCURRENCY,
  FAN_OUT_THRESHOLD_BYTES,
  type FanOutConfig,
  INLINE_ONLY,
  loadConfig,
} from "./config.ts";
export { type DeleteMovieHandlerDeps, makeDeleteMovieHandler } from "./handlers/delete-movie.ts";
export { type GetMovieHandlerDeps, makeGetMovieHandler } from "./handlers/get-movie.ts";
export {
  type IngestFanOutHandlerDeps,
  makeIngestFanOutHandler,
} from "./handlers/ingest-fan-out.ts";
export {
  type IngestMovieInfosHandlerDeps,
  makeIngestMovieInfosHandler,
} from "./handlers/ingest-movie-infos.ts";
export { type ListMoviesHandlerDeps, makeListMoviesHandler } from "./handlers/list-movies.ts";
export {
  makeUpdateMovieRatingHandler,
  type UpdateMovieRatingHandlerDeps,
} from "./handlers/update-movie-rating.ts";
export {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  type CorsPolicy,
  corsPolicy,
  ORIGIN_PATTERN,
  parseOrigins,
  withHeaders,
} from "./http/cors.ts";
export {
  GATEWAY_RESPONSES,
  type GatewayResponseType,
  gatewayProblem,
  gatewayResponse,
} from "./http/gateway-responses.ts";
export { type Problem, problemResponse } from "./http/problem.ts";
export type { IngestReport } from "./ingest/ingest-report.ts";
export { decodeS3Key } from "./ingest/s3-object-ref.ts";
export { createLogger } from "./observability/logger.ts";
export { createMetrics } from "./observability/metrics.ts";
export { DynamoMovieInfoRepo } from "./store/movie-info-repo.ts";
export { type MoviesService, moviesService } from "./store/movies-service.ts";
export { DynamoRatingRepo } from "./store/rating-repo.ts";
export { ensureTable } from "./store/table.ts";
export * from "./wiring.ts";
