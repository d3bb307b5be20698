/** The seed workshop's test flow: its PATCH body, byte for byte, and the movie GET returns after. */
export const SEED_PATCH_BODY =
  '{\n\t"movie_id": "mv1",\n\t"rotten_tomatoes_rating": 98,\n\t"imdb_rating": 43\n}';

export const SEED_MV1_RATED = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
  rotten_tomatoes_rating: 98,
  imdb_rating: 43,
} as const;
