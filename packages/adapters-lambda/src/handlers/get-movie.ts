import { type GetMovieDeps, getMovie } from "@movies/domain";
import { etagOf, noneMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { type HttpEdgeDeps, httpEdge } from "../http/http-edge.ts";
import { jsonResponse } from "../http/problem.ts";

export interface GetMovieHandlerDeps extends HttpEdgeDeps {
  readonly store: GetMovieDeps;
}

/** GET (and HEAD) /movies/{movie_id}: the merged movie with its ETag, 304, or a problem. */
export function makeGetMovieHandler({ store, ...edge }: GetMovieHandlerDeps) {
  return httpEdge(edge).handler(async (event) => {
    const movie = await getMovie(store, event.pathParameters?.["movie_id"]);
    const etag = etagOf(movie);
    if (noneMatch(headerOf(event, "if-none-match"), etag)) {
      return { statusCode: 304, headers: { ETag: etag }, body: "" };
    }
    return jsonResponse(200, movie, { ETag: etag });
  });
}
