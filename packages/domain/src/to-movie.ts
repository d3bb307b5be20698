import type { Movie, StoredMovie } from "./movie.ts";

/** What a reader sees of a stored movie; a rating never set is `null`. */
export function toMovie(stored: StoredMovie): Movie {
  const { info, rating } = stored;
  // Fields are picked one by one so that whatever else a store keeps on its items (keys,
  // timestamps) never reaches a reader.
  return {
    movie_id: info.movie_id,
    name: info.name,
    country_of_origin: info.country_of_origin,
    release_date: info.release_date,
    rotten_tomatoes_rating: rating?.rotten_tomatoes_rating ?? null,
    imdb_rating: rating?.imdb_rating ?? null,
  };
}
