import { Entity } from "electrodb";

/**
 * A movie's ratings: a separate item beside its info (same partition, `movie` collection), so
 * that ingestion's whole-item puts of infos can never overwrite a rating.
 */
export const movieRatingEntity = () =>
  new Entity({
    model: { service: "movies", entity: "movie_rating", version: "1" },
    attributes: {
      movie_id: { type: "string", required: true, readOnly: true },
      rotten_tomatoes_rating: { type: "number" },
      imdb_rating: { type: "number" },
    },
    indexes: {
      byMovie: {
        collection: "movie",
        // Movie ids are case-sensitive: ElectroDB lowercases keys unless told not to,
        // which made "Mv1" and "mv1" one item (and a batch holding both a DynamoDB error).
        pk: { field: "pk", composite: ["movie_id"], casing: "none" },
        sk: { field: "sk", composite: [] },
      },
    },
  });
