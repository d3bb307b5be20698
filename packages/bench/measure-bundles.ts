import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { type BundleSpec, buildZips } from "../adapters-lambda/scripts/build.ts";
import { FUNCTIONS } from "../adapters-lambda/src/wiring.ts";
import { median, PACKAGE_DIR, RESULT_MARK, round, runNode } from "./lib.ts";
import { functionEnv } from "./measure-ingest.ts";
import type { BenchServices } from "./services.ts";

export const SDK_ONLY = "sdk-only";
/** The design's fixed cost: the SDK-only baseline plus ElectroDB, imported and unused. */
export const SDK_ELECTRODB = "sdk-electrodb";
/** Bundles that break the handlers' import time down further; no ratio of their own. */
export const BREAKDOWN = ["sdk-movies-service"] as const;
/** Every bundle that is not a function. */
const NOT_FUNCTIONS: readonly string[] = [SDK_ONLY, SDK_ELECTRODB, ...BREAKDOWN];

export interface Bundles {
  /** Function name (and SDK_ONLY) to the unzipped `index.mjs`. */
  readonly entries: Readonly<Record<string, string>>;
  /** Zip size in KB per function (the SDK-only baseline included). */
  readonly zipKb: Readonly<Record<string, number>>;
}

/** Builds every function zip and the SDK-only baseline with scripts/build.ts, and unzips them. */
export async function buildBundles(
  services: BenchServices,
  options: { breakdown: boolean },
): Promise<Bundles> {
  const specs: BundleSpec[] = [
    ...FUNCTIONS.map((f) => ({ name: f.name, entry: f.entry, zip: f.zip })),
    { name: SDK_ONLY, entry: "../bench/sdk-only.ts", zip: `dist/${SDK_ONLY}.zip` },
    {
      name: SDK_ELECTRODB,
      entry: "../bench/import-electrodb.ts",
      zip: `dist/${SDK_ELECTRODB}.zip`,
    },
    ...(options.breakdown
      ? [
          {
            name: BREAKDOWN[0],
            entry: "../bench/import-service.ts",
            zip: `dist/${BREAKDOWN[0]}.zip`,
          },
        ]
      : []),
  ];
  const outDir = join(services.workDir, "build");
  const built = await buildZips(specs, { rootDir: PACKAGE_DIR, outDir });
  const entries: Record<string, string> = {};
  const zipKb: Record<string, number> = {};
  for (const zip of built) {
    zipKb[zip.name] = round(zip.bytes / 1024, 1);
    const dir = join(services.workDir, "unzipped", zip.name);
    await mkdir(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(unzipSync(await readFile(zip.zipPath)))) {
      await writeFile(join(dir, name), bytes);
    }
    entries[zip.name] = join(dir, "index.mjs");
  }
  return { entries, zipKb };
}

// What a fresh Lambda process does at init: load the handler module (its top level builds the
// config, logger and clients). Timed inside the process, so Node's own start-up is left out.
// Wall time is what a cold start waits; CPU time (user + system) is the same work without the
// waits for a core, so it moves far less when other processes share the machine.
const IMPORT_SCRIPT = `
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await import(process.env.BENCH_IMPORT_URL);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(${JSON.stringify(RESULT_MARK)} + JSON.stringify({ ms, cpuMs }) + "\\n");
process.exit(0);
`;

interface ImportTime {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Wall and CPU milliseconds one fresh process takes to import a bundle. */
async function importOnce(entry: string, env: Record<string, string>): Promise<ImportTime> {
  const run = await runNode(["--input-type=module", "-e", IMPORT_SCRIPT], {
    env: { ...env, BENCH_IMPORT_URL: pathToFileURL(entry).href },
  });
  const line = run.stdout.split("\n").find((l) => l.startsWith(RESULT_MARK)) ?? "";
  return JSON.parse(line.slice(RESULT_MARK.length)) as ImportTime;
}

/** What the deployed functions set (infra-terraform's functions.tf): stack traces through the maps. */
export const SOURCE_MAPS_NODE_OPTIONS = "--enable-source-maps";

export interface SourceMapFigures {
  /** Function -> median import ms with source maps on. */
  readonly withMs: Readonly<Record<string, number>>;
  /** Function -> median import ms with source maps on over off, measured alike. */
  readonly ratios: Readonly<Record<string, number>>;
}

/**
 * The init cost of NODE_OPTIONS=--enable-source-maps: each function bundle imported in fresh
 * processes with and without it, alternately, so that noise hits both sides alike.
 */
export async function measureSourceMapCost(
  services: BenchServices,
  bundles: Bundles,
  runs: number,
  warmupRuns = 1,
): Promise<SourceMapFigures> {
  const env = functionEnv(services, "bench-import");
  const names = FUNCTIONS.map((f) => f.name);
  const off: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const on: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = -warmupRuns; i < runs; i++) {
    for (const name of names) {
      const entry = bundles.entries[name] as string;
      const withoutMs = (await importOnce(entry, env)).ms;
      const withMs = (await importOnce(entry, { ...env, NODE_OPTIONS: SOURCE_MAPS_NODE_OPTIONS }))
        .ms;
      if (i >= 0) {
        off[name]?.push(withoutMs);
        on[name]?.push(withMs);
      }
    }
  }
  const withMs = Object.fromEntries(names.map((n) => [n, round(median(on[n] ?? []), 2)]));
  const ratios = Object.fromEntries(
    names.map((n) => [n, round(median(on[n] ?? []) / median(off[n] ?? []), 3)]),
  );
  return { withMs, ratios };
}

export interface ImportFigures {
  /** Function -> its median over the SDK-only bundle's. */
  readonly ratios: Readonly<Record<string, number>>;
  /** Function -> its median over the SDK-plus-ElectroDB bundle's: what our own layer adds. */
  readonly ratiosOverElectrodb: Readonly<Record<string, number>>;
  /** The same in CPU time of the same processes. */
  readonly cpuRatiosOverElectrodb: Readonly<Record<string, number>>;
  /** Bundle -> median import CPU ms. */
  readonly medianCpuMs: Readonly<Record<string, number>>;
  readonly medianMs: Readonly<Record<string, number>>;
}

/**
 * Median fresh-process import time of each bundle over `runs` processes (after one unmeasured
 * run each, so the files are in the page cache), taken round-robin so that noise spreads evenly.
 */
export async function measureImports(
  services: BenchServices,
  bundles: Bundles,
  runs: number,
  warmupRuns = 1,
): Promise<ImportFigures> {
  const env = functionEnv(services, "bench-import");
  const names = Object.keys(bundles.entries);
  const samples: Record<string, ImportTime[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = -warmupRuns; i < runs; i++) {
    for (const name of names) {
      const time = await importOnce(bundles.entries[name] as string, env);
      if (i >= 0) samples[name]?.push(time);
    }
  }
  const medians = (of: (time: ImportTime) => number) =>
    Object.fromEntries(names.map((n) => [n, round(median((samples[n] ?? []).map(of)), 2)]));
  const medianMs = medians((time) => time.ms);
  const medianCpuMs = medians((time) => time.cpuMs);
  const functions = names.filter((n) => !NOT_FUNCTIONS.includes(n));
  const over = (ms: Readonly<Record<string, number>>, baseline: string) =>
    Object.fromEntries(
      functions.map((n) => [n, round((ms[n] as number) / (ms[baseline] as number), 3)]),
    );
  return {
    ratios: over(medianMs, SDK_ONLY),
    ratiosOverElectrodb: over(medianMs, SDK_ELECTRODB),
    cpuRatiosOverElectrodb: over(medianCpuMs, SDK_ELECTRODB),
    medianMs,
    medianCpuMs,
  };
}
