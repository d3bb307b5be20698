import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duplicateKey } from "./http-json-body.ts";

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
