import { ingestColdStart } from "../clients.ts";
import { makeIngestMovieInfosHandler } from "../handlers/ingest-movie-infos.ts";

export const handler = makeIngestMovieInfosHandler(ingestColdStart(process.env));
