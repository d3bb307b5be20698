import { Readable } from "node:stream";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MovieInfo } from "@movies/domain";
import { Entity } from "electrodb";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ItemShapeError } from "./electrodb-probes.ts";
import { movieInfoItems } from "./movie-info-items.ts";
import { DynamoMovieInfoRepo } from "./movie-info-repo.ts";
import { moviesService } from "./movies-service.ts";

/*
 * The fast item builder is only allowed to exist if it builds exactly the items ElectroDB does.
 * These tests prove it for generated infos: item by item against `put(batch).params()`, and
 * byte for byte on the wire, where the ElectroDB path's document client has marshalled them.
 */

const TABLE = "movies-items-test";

/** A client whose transport records request bodies and answers as DynamoDB does on success. */
function recordingClient() {
  const bodies: string[] = [];
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    requestHandler: {
      handle: async (request: { body?: unknown; headers: Record<string, string> }) => {
        const { body } = request;
        const text = typeof body === "string" ? body : new TextDecoder().decode(body as Uint8Array);
        bodies.push(`${request.headers["x-amz-target"]} ${text}`);
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: Readable.from([Buffer.from('{"UnprocessedItems":{}}')]),
          },
        };
      },
    } as never,
  });
  return { client, bodies };
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".split("");

const movieId = fc
  .array(fc.constantFrom(...ID_CHARS), { minLength: 1, maxLength: 64 })
  .map((chars) => chars.join(""));

// Any text the CSV can carry: quotes, commas, backslashes, control characters, line breaks,
// non-ASCII, astral characters; and, beyond what a CSV decodes to, lone surrogates.
const text = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
    fc.string({ minLength: 1, maxLength: 500 }),
    fc.constantFrom('"Quoted", with commas', "back\\slash", "tab\there", "line\r\nbreak", "\u0000"),
  )
  .filter((s) => s.length > 0);

const info: fc.Arbitrary<MovieInfo> = fc.record({
  movie_id: movieId,
  name: text,
  country_of_origin: text,
  release_date: fc.oneof(fc.constant("2014-10-26"), text),
});

const batch = fc.uniqueArray(info, {
  minLength: 1,
  maxLength: 25,
  selector: (i) => i.movie_id,
});

/** The item as plain strings, failing if any attribute value is not exactly `{ S: string }`. */
function plain(item: Record<string, AttributeValue> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(item ?? {})) {
    expect(Object.keys(value)).toEqual(["S"]);
    out[name] = (value as { S: string }).S;
  }
  return out;
}

describe("the fast movie info items", () => {
  const { client } = recordingClient();
  const service = moviesService(client, TABLE);
  const items = movieInfoItems(service.entities.movieInfo);

  test("writes to the entity's table", () => {
    expect(items.table).toBe(TABLE);
  });

  test("are ElectroDB's own items, attribute for attribute and in order", () => {
    fc.assert(
      fc.property(batch, (infos) => {
        const params = service.entities.movieInfo.put(infos).params() as {
          RequestItems: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;
        }[];
        expect(params).toHaveLength(1);
        const electro = params[0]?.RequestItems[TABLE]?.map((r) => r.PutRequest.Item);
        const fast = infos.map((i) => plain(items.putRequest(i).Item));
        expect(fast).toStrictEqual(electro);
        for (let i = 0; i < fast.length; i++) {
          expect(Object.keys(fast[i] ?? {})).toEqual(Object.keys(electro?.[i] ?? {}));
          expect(items.movieIdOf(items.putRequest(infos[i] as MovieInfo).Item)).toBe(
            infos[i]?.movie_id,
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("put the same bytes on the wire as ElectroDB's batch put", async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (infos) => {
        const electroPath = recordingClient();
        await moviesService(electroPath.client, TABLE).entities.movieInfo.put(infos).go();
        const fastPath = recordingClient();
        await new DynamoMovieInfoRepo(
          fastPath.client,
          moviesService(fastPath.client, TABLE),
        ).putBatch(infos);
        expect(fastPath.bodies).toHaveLength(1);
        expect(fastPath.bodies).toEqual(electroPath.bodies);
      }),
      { numRuns: 200 },
    );
  });

  test("follow ElectroDB's key casing: a default-cased entity lowercases the key", () => {
    const lowercased = defaultCasedEntity();
    const lowerItems = movieInfoItems(lowercased);
    fc.assert(
      fc.property(info, (i) => {
        const params = lowercased.put([i]).params() as {
          RequestItems: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;
        }[];
        const electro = params[0]?.RequestItems[TABLE]?.[0]?.PutRequest.Item;
        expect(plain(lowerItems.putRequest(i).Item)).toStrictEqual(electro);
      }),
      { numRuns: 300 },
    );
  });

  test("refuse an entity whose items they cannot reproduce", () => {
    const entity = new Entity(
      {
        model: { service: "movies", entity: "movie_info", version: "1" },
        attributes: {
          movie_id: { type: "string", required: true },
          name: { type: "string", required: true },
          country_of_origin: { type: "string", required: true },
          release_date: { type: "string", required: true },
        },
        indexes: {
          byMovie: {
            pk: { field: "pk", composite: ["movie_id", "release_date"], casing: "none" },
            sk: { field: "sk", composite: [] },
          },
        },
      },
      { client, table: TABLE },
    );
    expect(() => movieInfoItems(entity)).toThrow(ItemShapeError);
  });
});

function defaultCasedEntity() {
  return new Entity(
    {
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
          pk: { field: "pk", composite: ["movie_id"] },
          sk: { field: "sk", composite: [] },
        },
      },
    },
    { client: recordingClient().client, table: TABLE },
  );
}
