export * from "./errors.ts";
export * from "./ingest-movie-infos.ts";
export type * from "./movie.ts";
export type * from "./ports.ts";
