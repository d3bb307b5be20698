/**
 * The fan-out's figures (issue "Any catalogue size"), a step of `pnpm bench` (`--only=fan-out`):
 * - plan_mb_per_s: the plan over a generated catalogue read from the bench's S3 server.
 * - plan_rss_mb_12m_ids: peak RSS of a process that plans 12 million rows of distinct ids
 *   (generated in that process, so only the plan's own memory counts).
 * - chunk_cpu_us_per_row: CPU per row of the chunk step's reading and ingest code over its byte
 *   range, against an in-memory sink (no SDK, no HTTP), like `cpu_us_per_row`.
 */
import { spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ingestMovieInfos } from "@movies/domain";
import { csvRecords } from "../adapters-lambda/src/ingest/csv-records.ts";
import { planChunks } from "../adapters-lambda/src/ingest/fan-out/plan-chunks.ts";
import { writeCatalogueCsv } from "./csv-gen.ts";
import { median, round } from "./lib.ts";
import { type BenchServices, BUCKET } from "./services.ts";

const MB = 1_000_000;

export interface FanOutSizes {
  readonly planBytes: number;
  readonly rssRows: number;
  readonly chunkRows: number;
  readonly repeats: number;
}

export interface FanOutFigures {
  readonly plan_mb_per_s: number;
  readonly plan_rss_mb_12m_ids: number;
  readonly chunk_cpu_us_per_row: number;
}

export async function measureFanOut(
  services: BenchServices,
  sizes: FanOutSizes,
): Promise<FanOutFigures> {
  const plan_mb_per_s = await planMbPerS(services, sizes);
  const chunk_cpu_us_per_row = await chunkCpuUsPerRow(services.workDir, sizes);
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "plan-rss", String(sizes.rssRows)],
    { encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`plan-rss failed: ${child.stderr}`);
  const { peakMb } = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
    peakMb: number;
  };
  return { plan_mb_per_s, plan_rss_mb_12m_ids: round(peakMb, 1), chunk_cpu_us_per_row };
}

async function planMbPerS(services: BenchServices, sizes: FanOutSizes): Promise<number> {
  const path = join(services.workDir, "fan-out-plan.csv");
  await writeCatalogueCsv(path, { bytes: sizes.planBytes });
  const size = (await stat(path)).size;
  const client = services.s3Client;
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: "fan-out-plan.csv",
      Body: createReadStream(path),
      ContentLength: size,
    }),
  );
  const rates: number[] = [];
  for (let run = 0; run < sizes.repeats; run++) {
    const started = performance.now();
    const { Body } = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "fan-out-plan.csv" }),
    );
    await planChunks(Body as AsyncIterable<Uint8Array>, { size });
    rates.push(size / MB / ((performance.now() - started) / 1000));
  }
  return round(median(rates));
}

async function* distinctRows(rows: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let text = "";
  for (let i = 0; i < rows; i++) {
    text += `tt${String(i).padStart(8, "0")},A Movie Title ${i % 977},United States,2001-02-03\n`;
    if (text.length > 1 << 16) {
      yield encoder.encode(text);
      text = "";
    }
  }
  yield encoder.encode(text);
}

/** Runs in a child process: its peak RSS is the plan's. */
async function planRss(rows: number): Promise<void> {
  const plan = await planChunks(distinctRows(rows));
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ peakMb, chunks: plan.chunks.length }));
}

async function chunkCpuUsPerRow(directory: string, sizes: FanOutSizes): Promise<number> {
  const path = join(directory, "fan-out-chunk.csv");
  await writeCatalogueCsv(path, { rows: sizes.chunkRows });
  const bytes = new Uint8Array(await readFile(path));
  const pieces = async function* (from: number, to: number) {
    for (let at = from; at <= to; at += 1 << 16)
      yield bytes.subarray(at, Math.min(at + (1 << 16), to + 1));
  };
  const plan = await planChunks(pieces(0, bytes.length - 1), {
    targetRows: Math.ceil(sizes.chunkRows / 4),
  });
  const sink = { putBatch: async () => undefined };
  const samples: number[] = [];
  for (let run = 0; run < sizes.repeats; run++) {
    const cpu = process.cpuUsage();
    let rows = 0;
    for (const chunk of plan.chunks.slice(1)) {
      const records = csvRecords(pieces(chunk.first_byte, chunk.last_byte), {
        delimiter: plan.delimiter,
        part: {
          encoding: plan.encoding,
          byteOffset: chunk.first_byte,
          firstLine: chunk.first_line,
        },
      });
      const summary = await ingestMovieInfos(sink, records, {
        columnOrder: plan.columnOrder,
        supersededIds: { has: (id) => (plan.superseded.get(id) ?? -1) > chunk.index },
      });
      rows += summary.rowsRead;
    }
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / rows);
  }
  return round(median(samples));
}

// The child process that measures the plan's memory (see measureFanOut).
if (process.argv[2] === "plan-rss") await planRss(Number(process.argv[3]));
