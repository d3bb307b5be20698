import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { inMemoryHttpHandlers } from "../../test-kit/in-memory-http-handlers.ts";
import { movieRouteEvent } from "../../test-kit/movie-route-event.ts";
import { duplicateKey, MAX_JSON_DEPTH } from "./http-json-body.ts";
import { problems } from "./problem.ts";

const JSON_TYPE = { "Content-Type": "application/json" };

// Objects with distinct keys, nested in arrays and objects, with strings that look like JSON.
const json = fc.jsonValue({ maxDepth: 4 });

describe("duplicateKey", () => {
  it("finds nothing in any JSON document a serializer writes (keys are distinct)", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(duplicateKey(JSON.stringify(value))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("finds a key written twice in any one object, however deep, escaped or spaced", () => {
    fc.assert(
      fc.property(
        json,
        fc.string(),
        json,
        fc.boolean(),
        fc.array(fc.constantFrom("array", "object")),
        (a, key, b, escaped, path) => {
          const second = escaped
            ? `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`
            : JSON.stringify(key);
          let text = `{ ${JSON.stringify(key)} : ${JSON.stringify(a)} ,\n ${second}:${JSON.stringify(b)} }`;
          for (const level of path) text = level === "array" ? `[1, ${text}]` : `{"k": ${text}}`;
          expect(duplicateKey(text)).toBe(key);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("tells a key from a string value equal to it", () => {
    expect(duplicateKey('{"a": "a", "b": ["a", {"a": 1}]}')).toBeUndefined();
    expect(duplicateKey('{"a": "\\"", "a": 1}')).toBe("a");
  });
});

/*
 * The body's edge as a client meets it: the real PATCH handler on the in-memory ports, one movie
 * stored (Interstellar, mv1).
 */
describe("PATCH bodies: nesting, repeated keys, charset and encoding", () => {
  const send = (body: string, headers: Record<string, string> = JSON_TYPE) =>
    inMemoryHttpHandlers().patch(movieRouteEvent("PATCH", "mv1", { headers, body }));
  /** As API Gateway passes a body it took for binary: base64, flagged. */
  const sendBase64 = (body: string) => {
    const event = movieRouteEvent("PATCH", "mv1", { headers: JSON_TYPE, body });
    return inMemoryHttpHandlers().patch({
      ...event,
      body: Buffer.from(body).toString("base64"),
      isBase64Encoded: true,
    });
  };
  const tooDeep = { statusCode: 400, body: problems.nestedTooDeep(MAX_JSON_DEPTH) };
  const UNKNOWN =
    "is not a known field (known fields: movie_id, rotten_tomatoes_rating, imdb_rating)";
  const unknownX = {
    statusCode: 400,
    body: problems.invalidInput([{ field: "x", message: UNKNOWN }]),
  };
  const nested = (levels: number, open = "[", close = "]") =>
    `${open.repeat(levels)}${close.repeat(levels)}`;

  test(`nesting: ${MAX_JSON_DEPTH} levels are read, one more is malformed`, async () => {
    expect(await send(`{"imdb_rating": 5, "x": ${nested(MAX_JSON_DEPTH - 1)}}`)).toMatchObject(
      unknownX,
    );
    expect(await send(`{"imdb_rating": 5, "x": ${nested(MAX_JSON_DEPTH)}}`)).toMatchObject(tooDeep);
    // Objects count as arrays do.
    const objects = `${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${"}".repeat(MAX_JSON_DEPTH + 1)}`;
    expect(await send(objects)).toMatchObject(tooDeep);
    // The deepest point counts, not the depth where the body ends or the last array opened.
    expect(await send(`{"imdb_rating": 5, "x": ${nested(MAX_JSON_DEPTH)}, "y": []}`)).toMatchObject(
      tooDeep,
    );
  });

  test("nesting: siblings do not add up, and brackets inside strings do not count", async () => {
    const many = MAX_JSON_DEPTH * 2;
    expect(
      await send(`{"imdb_rating": 5, "x": [${Array(many).fill("[]").join(",")}]}`),
    ).toMatchObject(unknownX);
    expect(
      await send(`{"imdb_rating": 5, "x": [${Array(many).fill("{}").join(",")}]}`),
    ).toMatchObject(unknownX);
    expect(await send(`{"imdb_rating": 5, "x": "${"[{".repeat(many)}"}`)).toMatchObject(unknownX);
    // An escaped quote does not end the string; an escaped backslash does not escape the quote.
    expect(await send(`{"imdb_rating": 5, "x": "\\"${"[".repeat(many)}"}`)).toMatchObject(unknownX);
    expect(
      await send(`{"imdb_rating": 5, "x": ["\\\\", ${nested(MAX_JSON_DEPTH - 2)}]}`),
    ).toMatchObject(unknownX);
    expect(
      await send(`{"imdb_rating": 5, "x": ["\\\\", ${nested(MAX_JSON_DEPTH - 1)}]}`),
    ).toMatchObject(tooDeep);
  });

  test("a body API Gateway passed as base64 is read decoded: ratings, depth and repeated keys", async () => {
    expect(await sendBase64('{"imdb_rating": 61}')).toMatchObject({
      statusCode: 200,
      body: { movie_id: "mv1", imdb_rating: 61 },
    });
    expect(await sendBase64(`{"x": ${nested(MAX_JSON_DEPTH)}}`)).toMatchObject(tooDeep);
    expect(await sendBase64('{"imdb_rating": 1, "imdb_rating": 2}')).toMatchObject({
      statusCode: 400,
      body: problems.duplicateKey("imdb_rating"),
    });
  });

  test("a key repeated only across objects or arrays is no repetition", async () => {
    expect(
      await send('{"x": [{"a": 1}, {"a": 2}], "y": {"x": {"x": 1}}, "imdb_rating": 7}'),
    ).toMatchObject({
      statusCode: 400,
      body: problems.invalidInput([
        { field: "x", message: UNKNOWN },
        { field: "y", message: UNKNOWN },
      ]),
    });
    expect(duplicateKey('{"a": [1, {"b": 2}], "b": 3, "c": {"a": 1, "b": [2]}}')).toBeUndefined();
    expect(duplicateKey('{"a": 1, "b": {"c": [], "c": 2}}')).toBe("c");
    expect(duplicateKey('[{"a": 1, "b": 2}, "a", {"b": 1, "b": 1}]')).toBe("b");
    expect(duplicateKey('{"a": ["b", "b"], "b": 1}')).toBeUndefined();
  });

  test("charset: UTF-8 however spelled is read; any other, even spaced or quoted, is 415", async () => {
    const body = '{"imdb_rating": 61}';
    for (const type of [
      "application/json; charset=utf8",
      'application/json; charset="UTF-8"',
      "application/json; charset = utf-8",
    ]) {
      expect((await send(body, { "Content-Type": type })).statusCode, type).toBe(200);
    }
    for (const type of [
      "application/json; charset = utf-16",
      "application/json;charset=latin1",
      "application/json; charset=",
    ]) {
      expect(await send(body, { "Content-Type": type }), type).toMatchObject({
        statusCode: 415,
        body: problems.unsupportedMediaType(),
      });
    }
  });

  test("only a merge-patch media type makes null clear a rating", async () => {
    const clear = '{"imdb_rating": null}';
    for (const type of [
      "  application/merge-patch+json",
      "application/merge-patch+json ; charset=utf-8",
      "APPLICATION/MERGE-PATCH+JSON",
    ]) {
      expect(await send(clear, { "Content-Type": type }), type).toMatchObject({
        statusCode: 200,
        body: { movie_id: "mv1", imdb_rating: null },
      });
    }
    // JSON whose parameter mentions merge-patch is still plain JSON, where null is no rating.
    for (const type of [
      "application/json; profile=application/merge-patch+json",
      "application/merge-patch+jsonx+json",
    ]) {
      expect((await send(clear, { "Content-Type": type })).statusCode, type).toBe(400);
    }
  });

  test("a header literally named `undefined` is no Content-Type", async () => {
    expect(await send('{"imdb_rating": 61}', { undefined: "application/json" })).toMatchObject({
      statusCode: 415,
    });
  });
});
