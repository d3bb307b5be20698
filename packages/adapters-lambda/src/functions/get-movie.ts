import { coldStart } from "../clients.ts";
import { makeGetMovieHandler } from "../handlers/get-movie.ts";

export const handler = makeGetMovieHandler(coldStart(process.env));
