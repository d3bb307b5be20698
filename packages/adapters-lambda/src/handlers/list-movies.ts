import { type ListMoviesDeps, listMovies } from "@movies/domain";
import { etagOfJson } from "../http/etag.ts";
import { type HttpEdgeDeps, httpEdge } from "../http/http-edge.ts";
import { jsonResponse } from "../http/problem.ts";

export interface ListMoviesHandlerDeps extends HttpEdgeDeps {
  readonly store: ListMoviesDeps;
}

/** GET (and HEAD) /movies?limit&cursor: a page of movies, each with its ETag, and the next cursor. */
export function makeListMoviesHandler({ store, ...edge }: ListMoviesHandlerDeps) {
  return httpEdge(edge).handler(async (event) => {
    const query = event.queryStringParameters ?? {};
    const page = await listMovies(store, { limit: query["limit"], cursor: query["cursor"] });
    // Each movie is serialized once, for its ETag and for the page: the item is that JSON with
    // the ETag as its last member.
    const movies = page.items.map((movie) => {
      const json = JSON.stringify(movie);
      return `${json.slice(0, -1)},"etag":${JSON.stringify(etagOfJson(json))}}`;
    });
    return {
      ...jsonResponse(200, null),
      body: `{"movies":[${movies.join(",")}],"next":${JSON.stringify(page.next ?? null)}}`,
    };
  });
}
