// The adapters' public surface, for services that reuse the table model or the local stack.
export { type Config, ConfigError, loadConfig } from "./config.ts";
export { startLocalStack } from "./local/local-stack.ts";
export { DynamoMovieInfoRepo } from "./store/movie-info-repo.ts";
export { type MoviesService, moviesService } from "./store/movies-service.ts";
export { DynamoRatingRepo } from "./store/rating-repo.ts";
export { ensureTable } from "./store/table.ts";
export * from "./wiring.ts";
