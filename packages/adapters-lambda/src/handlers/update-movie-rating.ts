import httpJsonBodyParser from "@middy/http-json-body-parser";
import { type RateMovieDeps, rateMovie } from "@movies/domain";
import { etagOf, ifMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { httpBodyLimit } from "../http/http-body-limit.ts";
import { type HttpEdgeDeps, httpEdge } from "../http/http-edge.ts";
import { httpIJson, httpJsonContentType, patchFormatOf } from "../http/http-json-body.ts";
import { jsonResponse } from "../http/problem.ts";

const BODY_LIMIT_BYTES = 16 * 1024;

export interface UpdateMovieRatingHandlerDeps extends HttpEdgeDeps {
  readonly store: RateMovieDeps;
}

/**
 * PATCH /movies/{movie_id}: sets (JSON) or also clears (JSON Merge Patch) the ratings the body
 * names, if the `If-Match` holds, and answers the movie as this write left it, with its ETag.
 */
export function makeUpdateMovieRatingHandler({ store, ...edge }: UpdateMovieRatingHandlerDeps) {
  return httpEdge(edge)
    .use(httpBodyLimit(BODY_LIMIT_BYTES))
    .use(httpJsonContentType())
    .use(httpJsonBodyParser())
    .use(httpIJson())
    .handler(async (event) => {
      const movie = await rateMovie(store, event.pathParameters?.["movie_id"], event.body, {
        format: patchFormatOf(event),
        precondition: ifMatch(headerOf(event, "if-match")),
      });
      return jsonResponse(200, movie, { ETag: etagOf(movie) });
    });
}
