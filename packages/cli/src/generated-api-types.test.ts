import { readFile } from "node:fs/promises";
import { expect, test } from "vitest";
import { API_TYPES, apiTypesSource } from "../scripts/write-api-types.ts";

test("the committed API types are what openapi-typescript makes of openapi.json today", async () => {
  // When this fails, openapi.json changed: run `node packages/cli/scripts/write-api-types.ts`.
  expect(await readFile(API_TYPES, "utf8")).toBe(await apiTypesSource());
});
