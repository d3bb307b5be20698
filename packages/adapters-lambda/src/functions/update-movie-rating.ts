import { coldStart } from "../clients.ts";
import { makeUpdateMovieRatingHandler } from "../handlers/update-movie-rating.ts";

export const handler = makeUpdateMovieRatingHandler(coldStart(process.env));
