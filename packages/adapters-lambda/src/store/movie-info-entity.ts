import { Entity } from "electrodb";

/** A movie's info: one item in the movie's partition, in the `movie` collection. */
export const movieInfoEntity = () =>
  new Entity({
    model: { service: "movies", entity: "movie_info", version: "1" },
    attributes: {
      movie_id: { type: "string", required: true, readOnly: true },
      name: { type: "string", required: true },
      country_of_origin: { type: "string", required: true },
      release_date: { type: "string", required: true },
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
