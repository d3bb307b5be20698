/**
 * The fan-out's figures (issue "Any catalogue size"), measured apart from `pnpm bench` for now:
 *   node bench/measure-fan-out.ts            prints { plan_mb_per_s, plan_rss_mb_12m_ids, chunk_cpu_us_per_row }
 * - plan_mb_per_s: the plan over a 100 MB generated catalogue read from the local S3 server.
 * - plan_rss_mb_12m_ids: peak RSS of a process planning 12 million rows of distinct ids
 *   (generated in the process, so only the plan's own memory counts).
 * - chunk_cpu_us_per_row: CPU per row of the chunk step's reading and ingest code over its byte
 *   range, against an in-memory sink (no SDK, no HTTP), like `cpu_us_per_row`.
 */
import { spawnSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ingestMovieInfos } from "@movies/domain";
import { csvRecords } from "../src/ingest/csv-records.ts";
import { planChunks } from "../src/ingest/fan-out/plan-chunks.ts";
import { localS3Client, startS3Local } from "../src/local/s3-local.ts";
import { writeCatalogueCsv } from "./csv-gen.ts";
import { round } from "./lib.ts";

const MB = 1_000_000;

async function planMbPerS(directory: string): Promise<number> {
  const path = join(directory, "plan.csv");
  await writeCatalogueCsv(path, { bytes: 100 * MB });
  const size = (await stat(path)).size;
  const s3 = await startS3Local({ directory: join(directory, "s3"), buckets: [] });
  const client = localS3Client(s3.endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: "bench" }));
    await client.send(
      new PutObjectCommand({
        Bucket: "bench",
        Key: "big.csv",
        Body: createReadStream(path),
        ContentLength: size,
      }),
    );
    const rates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const { Body } = await client.send(new GetObjectCommand({ Bucket: "bench", Key: "big.csv" }));
      await planChunks(Body as AsyncIterable<Uint8Array>, { size });
      rates.push(size / MB / ((performance.now() - started) / 1000));
    }
    return round(rates.sort((a, b) => a - b)[1] as number);
  } finally {
    client.destroy();
    await s3.stop();
  }
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
async function planRss(): Promise<void> {
  const plan = await planChunks(distinctRows(12_000_000));
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ peakMb, chunks: plan.chunks.length }));
}

async function chunkCpuUsPerRow(directory: string): Promise<number> {
  const path = join(directory, "chunk.csv");
  const generated = await writeCatalogueCsv(path, { rows: 400_000 });
  const bytes = new Uint8Array(await readFile(path));
  const pieces = async function* (from: number, to: number) {
    for (let at = from; at <= to; at += 1 << 16)
      yield bytes.subarray(at, Math.min(at + (1 << 16), to + 1));
  };
  const plan = await planChunks(pieces(0, bytes.length - 1), { targetRows: 100_000 });
  const sink = { putBatch: async () => undefined };
  const samples: number[] = [];
  for (let run = 0; run < 3; run++) {
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
  void generated;
  return round(samples.sort((a, b) => a - b)[1] as number);
}

async function main(): Promise<void> {
  if (process.argv[2] === "plan-rss") return planRss();
  const directory = await mkdtemp(join(tmpdir(), "movies-fan-out-bench-"));
  try {
    const plan_mb_per_s = await planMbPerS(directory);
    const chunk_cpu_us_per_row = await chunkCpuUsPerRow(directory);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "plan-rss"], {
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(`plan-rss failed: ${child.stderr}`);
    const { peakMb } = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
      peakMb: number;
    };
    console.log(
      JSON.stringify({
        plan_mb_per_s,
        plan_rss_mb_12m_ids: round(peakMb, 1),
        chunk_cpu_us_per_row,
      }),
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
