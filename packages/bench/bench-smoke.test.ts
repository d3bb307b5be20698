import { join } from "node:path";
import type {} from "@movies/local-aws/test-kit";
import { expect, inject, test } from "vitest";
import { FUNCTIONS } from "../adapters-lambda/src/wiring.ts";
import { BENCH_DIR, runNode } from "./lib.ts";

/** Every figure the benchmark must print (issue 7); the smoke run checks presence, not speed. */
const KEYS = [
  "ingest_vs_raw",
  "cpu_us_per_row",
  "parse_us_per_row",
  "rss_ratio_100mb_10mb",
  "peak_rss_mb",
  ...FUNCTIONS.map((f) => `import_vs_sdk_${f.name}`),
  ...FUNCTIONS.map((f) => `import_vs_sdk_electrodb_${f.name}`),
  ...FUNCTIONS.map((f) => `import_cpu_vs_sdk_electrodb_${f.name}`),
  ...FUNCTIONS.map((f) => `zip_kb_${f.name}`),
  "warm_get_vs_raw_p50",
  "warm_get_vs_raw_p99",
  "warm_patch_vs_raw_p50",
  "warm_patch_vs_raw_p99",
  "warm_list_vs_raw_p50",
  "http_get_rps",
  "plan_mb_per_s",
  "plan_rss_mb_12m_ids",
  "chunk_cpu_us_per_row",
];

test("the benchmark runs end to end in its smoke mode and prints every figure", async () => {
  // The run's DynamoDB Local, so that no second one starts; everything else the bench starts
  // and stops itself.
  const run = await runNode([join(BENCH_DIR, "main.ts"), "--smoke", "--json"], {
    env: { MOVIES_DYNAMODB_ENDPOINT: inject("dynamoDbEndpoint") },
    timeoutMs: 110_000,
  });
  const lastLine = run.stdout.trim().split("\n").at(-1) ?? "";
  const figures = JSON.parse(lastLine) as Record<string, unknown>;
  const missing = KEYS.filter((key) => typeof figures[key] !== "number");
  expect(missing).toEqual([]);
  for (const key of KEYS) expect(Number.isFinite(figures[key])).toBe(true);
}, 120_000);

test("--help prints the usage and exits 0; an unknown option exits 2 with the usage", async () => {
  const help = await runNode([join(BENCH_DIR, "main.ts"), "--help"]);
  expect(help.stdout).toMatch(/^usage: pnpm bench .*--only=/);
  const wrong = runNode([join(BENCH_DIR, "main.ts"), "--nope"]);
  await expect(wrong).rejects.toThrow(
    /exit code 2\):\nbench: Unknown option '--nope'[\s\S]*usage: pnpm bench/,
  );
});
