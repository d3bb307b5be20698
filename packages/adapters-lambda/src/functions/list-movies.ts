import { coldStart } from "../clients.ts";
import { makeListMoviesHandler } from "../handlers/list-movies.ts";

export const handler = makeListMoviesHandler(coldStart(process.env));
