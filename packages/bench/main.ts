/**
 * `pnpm bench [--json] [--smoke] [--only=ingest,cpu,rss,imports,api,http,fan-out] [--profile] [--help]`
 *
 * Measures every hot path against its baseline (docs/performance.md says what each figure
 * means, how it is taken, and the latest results). Prints a table; with --json, one JSON object
 * on the last line holding every figure. --smoke runs tiny sizes so the test line can check that
 * the benchmark still works (its figures mean nothing). --profile also writes V8 CPU profiles of
 * the CPU workers and prints their top frames.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FUNCTIONS } from "../adapters-lambda/src/wiring.ts";
import { round } from "./lib.ts";
import { measureHttpGet, measureWarmApi } from "./measure-api.ts";
import { buildBundles, measureImports, measureSourceMapCost } from "./measure-bundles.ts";
import { measureCpu } from "./measure-cpu.ts";
import { measureFanOut } from "./measure-fan-out.ts";
import { measureIngestVsRaw } from "./measure-ingest.ts";
import { measureRss } from "./measure-rss.ts";
import { newestProfile, summarizeProfile } from "./profile.ts";
import { startBenchServices } from "./services.ts";
import type { CpuStage } from "./worker.ts";

const MEASUREMENTS = ["ingest", "cpu", "rss", "imports", "api", "http", "fan-out"] as const;
type Measurement = (typeof MEASUREMENTS)[number];

const MB = 1024 * 1024;

/** Sizes of a full run and of the smoke run. */
const SIZES = {
  full: {
    ingestRows: 100_000,
    ingestRepeats: 2,
    cpuRows: 200_000,
    cpuRepeats: 3,
    cpuStages: ["parse", "domain", "pipeline", "sdk"] as CpuStage[],
    rssSmall: 10 * MB,
    rssLarge: 100 * MB,
    rssRepeats: 3,
    rssMemoryMb: [256, 1769],
    importRuns: 31,
    apiIterations: 2000,
    apiWarmup: 200,
    httpSeconds: 5,
    httpWarmup: 1,
    fanOut: { planBytes: 100 * MB, rssRows: 12_000_000, chunkRows: 400_000, repeats: 3 },
  },
  smoke: {
    ingestRows: 2_000,
    ingestRepeats: 1,
    cpuRows: 2_000,
    cpuRepeats: 1,
    cpuStages: ["parse", "pipeline"] as CpuStage[],
    rssSmall: 20_000,
    rssLarge: 200_000,
    rssRepeats: 1,
    rssMemoryMb: [256],
    importRuns: 1,
    apiIterations: 10,
    apiWarmup: 2,
    httpSeconds: 0.5,
    httpWarmup: 0.1,
    fanOut: { planBytes: 200_000, rssRows: 2_000, chunkRows: 2_000, repeats: 1 },
  },
};

/** Each key the issue names, with its target (undefined: reported only). */
const TARGETS: Readonly<Record<string, { readonly op: "<=" | ">="; readonly value: number }>> = {
  ingest_vs_raw: { op: ">=", value: 0.9 },
  cpu_us_per_row: { op: "<=", value: 15 },
  rss_ratio_100mb_10mb: { op: "<=", value: 1.1 },
  peak_rss_mb: { op: "<=", value: 256 },
  warm_get_vs_raw_p50: { op: "<=", value: 1.2 },
  warm_get_vs_raw_p99: { op: "<=", value: 1.2 },
  warm_patch_vs_raw_p50: { op: "<=", value: 1.2 },
  warm_patch_vs_raw_p99: { op: "<=", value: 1.2 },
  plan_mb_per_s: { op: ">=", value: 50 },
  plan_rss_mb_12m_ids: { op: "<=", value: 1024 },
  chunk_cpu_us_per_row: { op: "<=", value: 15 },
  warm_list_vs_raw_p50: { op: "<=", value: 1.2 },
};
const IMPORT_TARGET = { op: "<=" as const, value: 1.2 };
/** Our layer over the design's fixed cost (SDK plus ElectroDB): the API functions' cold start. */
const IMPORT_OVER_ELECTRODB_TARGETS: ReadonlySet<string> = new Set(
  FUNCTIONS.filter((f) => f.trigger.kind === "http").map(
    (f) => `import_vs_sdk_electrodb_${f.name}`,
  ),
);

const USAGE = `usage: pnpm bench [--json] [--smoke] [--only=${MEASUREMENTS.join(",")}] [--profile]

Measures every hot path against its baseline; docs/performance.md says what each figure means.
  --json     also print one JSON object holding every figure, on the last line
  --smoke    tiny sizes, only to check that the benchmark runs (its figures mean nothing)
  --only     a comma-separated subset of the measurements
  --profile  also write V8 CPU profiles of the CPU workers and print their top frames
  --help     this text`;

/** The options, or exits: 0 after --help, 2 with the usage for anything it does not take. */
function parse() {
  // pnpm passes a `--` written before the options on to the script.
  const args = process.argv.slice(2);
  if (args[0] === "--") args.shift();
  let values: { json: boolean; smoke: boolean; only?: string; profile: boolean; help: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        json: { type: "boolean", default: false },
        smoke: { type: "boolean", default: false },
        only: { type: "string" },
        profile: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...MEASUREMENTS];
  for (const name of only) {
    if (!(MEASUREMENTS as readonly string[]).includes(name)) {
      process.stderr.write(`bench: --only: unknown measurement ${name}\n\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return { ...values, only: new Set(only as Measurement[]) };
}

async function main(): Promise<void> {
  const args = parse();
  const sizes = args.smoke ? SIZES.smoke : SIZES.full;
  const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
  const figures: Record<string, number> = {};
  const details: Record<string, unknown> = {};
  const started = performance.now();
  const services = await startBenchServices();
  try {
    log(`DynamoDB Local via ${services.dynamo.via} at ${services.dynamo.endpoint}`);
    const step = async (name: Measurement, run: () => Promise<void>) => {
      if (!args.only.has(name)) return;
      const t0 = performance.now();
      log(`${name}...`);
      await run();
      log(`${name} took ${round((performance.now() - t0) / 1000, 1)} s`);
    };
    const profileDir = join(services.workDir, "profiles");
    const profiles: Record<string, unknown> = {};

    await step("cpu", async () => {
      const cpu = await measureCpu(services, {
        rows: sizes.cpuRows,
        repeats: sizes.cpuRepeats,
        stages: sizes.cpuStages,
      });
      Object.assign(figures, cpu);
      if (args.profile) {
        for (const stage of ["pipeline", "sdk"] as const) {
          await measureCpu(services, {
            rows: sizes.cpuRows,
            repeats: 1,
            stages: [stage],
            nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, stage)}`],
          });
          const file = await newestProfile(join(profileDir, stage));
          if (file) {
            // The file goes with the scratch directory; its summary is what is kept.
            const { file: _gone, ...summary } = await summarizeProfile(file);
            profiles[`cpu_${stage}`] = summary;
          }
        }
      }
    });
    await step("ingest", async () => {
      const ingest = await measureIngestVsRaw(services, {
        rows: sizes.ingestRows,
        repeats: sizes.ingestRepeats,
        maxInFlight: 4,
        warmup: !args.smoke,
      });
      const { runs, ...numbers } = ingest;
      Object.assign(figures, numbers);
      details["ingest_runs"] = runs;
    });
    const needsBundles = args.only.has("imports") || args.only.has("rss");
    const bundles = needsBundles
      ? await buildBundles(services, { breakdown: !args.smoke })
      : undefined;
    await step("imports", async () => {
      if (!bundles) return;
      const imports = await measureImports(services, bundles, sizes.importRuns, args.smoke ? 0 : 1);
      for (const [name, ratio] of Object.entries(imports.ratios)) {
        figures[`import_vs_sdk_${name}`] = ratio;
      }
      for (const [name, ratio] of Object.entries(imports.ratiosOverElectrodb)) {
        figures[`import_vs_sdk_electrodb_${name}`] = ratio;
      }
      for (const [name, ratio] of Object.entries(imports.cpuRatiosOverElectrodb)) {
        figures[`import_cpu_vs_sdk_electrodb_${name}`] = ratio;
      }
      for (const [name, ms] of Object.entries(imports.medianMs)) figures[`import_ms_${name}`] = ms;
      for (const [name, ms] of Object.entries(imports.medianCpuMs)) {
        figures[`import_cpu_ms_${name}`] = ms;
      }
      for (const [name, kb] of Object.entries(bundles.zipKb)) figures[`zip_kb_${name}`] = kb;
      const maps = await measureSourceMapCost(
        services,
        bundles,
        sizes.importRuns,
        args.smoke ? 0 : 1,
      );
      for (const [name, ms] of Object.entries(maps.withMs)) {
        figures[`import_ms_sourcemaps_${name}`] = ms;
      }
      for (const [name, ratio] of Object.entries(maps.ratios)) {
        figures[`sourcemaps_import_ratio_${name}`] = ratio;
      }
    });
    await step("rss", async () => {
      if (!bundles) return;
      Object.assign(
        figures,
        await measureRss(services, bundles, {
          smallBytes: sizes.rssSmall,
          largeBytes: sizes.rssLarge,
          repeats: sizes.rssRepeats,
          // The headline: the 256 MB function the target names. Then the deployed size.
          functionMemoryMb: sizes.rssMemoryMb,
        }),
      );
    });
    await step("api", async () => {
      const api = await measureWarmApi(services, {
        iterations: sizes.apiIterations,
        warmup: sizes.apiWarmup,
      });
      const { warm_ms, ...ratios } = api;
      Object.assign(figures, ratios);
      for (const [name, ms] of Object.entries(warm_ms)) figures[`warm_ms_${name}`] = ms;
    });
    await step("http", async () => {
      Object.assign(
        figures,
        await measureHttpGet(services, {
          seconds: sizes.httpSeconds,
          concurrency: 16,
          warmupSeconds: sizes.httpWarmup,
        }),
      );
    });
    await step("fan-out", async () => {
      Object.assign(figures, await measureFanOut(services, sizes.fanOut));
    });
    if (Object.keys(profiles).length > 0) details["profiles"] = profiles;
  } finally {
    await services.stop();
  }
  details["machine"] = {
    cpu: cpus()[0]?.model ?? "unknown",
    cpus: cpus().length,
    memory_gb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    dynamodb_local_via: process.env["MOVIES_DYNAMODB_ENDPOINT"] ? "env" : "started",
  };
  details["mode"] = args.smoke ? "smoke" : "full";
  details["seconds"] = round((performance.now() - started) / 1000, 1);

  printTable(figures);
  if (details["profiles"]) printProfiles(details["profiles"] as Record<string, ProfileLike>);
  if (args.json) console.log(JSON.stringify({ ...figures, details }));
}

function targetOf(key: string) {
  if (key.startsWith("import_vs_sdk_electrodb_")) {
    return IMPORT_OVER_ELECTRODB_TARGETS.has(key) ? IMPORT_TARGET : undefined;
  }
  if (key.startsWith("import_vs_sdk_")) return IMPORT_TARGET;
  return TARGETS[key];
}

function printTable(figures: Record<string, number>): void {
  const rows = Object.entries(figures).map(([key, value]) => {
    const target = targetOf(key);
    const met =
      target === undefined
        ? "report"
        : (target.op === "<=" ? value <= target.value : value >= target.value)
          ? "met"
          : "NOT MET";
    return [key, String(value), target ? `${target.op} ${target.value}` : "", met];
  });
  const header = ["figure", "value", "target", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

interface ProfileLike {
  readonly topFrames: readonly { frame: string; percent: number }[];
  readonly byPackage: readonly { owner: string; percent: number }[];
}

function printProfiles(profiles: Record<string, ProfileLike>): void {
  for (const [name, profile] of Object.entries(profiles)) {
    console.log(`\nprofile ${name}: self time by package`);
    for (const p of profile.byPackage.slice(0, 15))
      console.log(`  ${String(p.percent).padStart(5)}%  ${p.owner}`);
    console.log(`profile ${name}: top frames`);
    for (const f of profile.topFrames.slice(0, 20))
      console.log(`  ${String(f.percent).padStart(5)}%  ${f.frame}`);
  }
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
