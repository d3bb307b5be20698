import { type DeleteMovieDeps, deleteMovie } from "@movies/domain";
import { ifMatch } from "../http/etag.ts";
import { headerOf } from "../http/headers.ts";
import { type HttpEdgeDeps, httpEdge } from "../http/http-edge.ts";

export interface DeleteMovieHandlerDeps extends HttpEdgeDeps {
  readonly store: DeleteMovieDeps;
}

/** DELETE /movies/{movie_id}: removes info and ratings if the `If-Match` holds; 204. */
export function makeDeleteMovieHandler({ store, ...edge }: DeleteMovieHandlerDeps) {
  return httpEdge(edge).handler(async (event) => {
    await deleteMovie(
      store,
      event.pathParameters?.["movie_id"],
      ifMatch(headerOf(event, "if-match")),
    );
    return { statusCode: 204, headers: {}, body: "" };
  });
}
