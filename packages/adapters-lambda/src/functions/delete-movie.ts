import { coldStart } from "../clients.ts";
import { makeDeleteMovieHandler } from "../handlers/delete-movie.ts";

export const handler = makeDeleteMovieHandler(coldStart(process.env));
