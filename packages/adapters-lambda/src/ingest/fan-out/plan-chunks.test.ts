/*
 * The plan's cuts, checked the way the fan-out uses them: every chunk read on its own (from its
 * first byte, with the plan's dialect) must give exactly the records the whole file gives, and
 * the chunks ingested apart, in any order, must leave what one ingest of the file leaves.
 */
import {
  type CsvRecord,
  type IngestSummary,
  InvalidHeaderError,
  ingestMovieInfos,
  type MovieInfo,
} from "@movies/domain";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type FanOutEncoding, fanOutCatalogue } from "../../../test-kit/fan-out-catalogue.ts";
import { csvRecords } from "../csv-records.ts";
import { sumOf } from "./fan-out-steps.ts";
import { type ChunkPlan, NotSplittableError, planChunks } from "./plan-chunks.ts";

const MAX_RECORD_LENGTH = 256;

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(records: AsyncIterable<CsvRecord>): Promise<CsvRecord[]> {
  const all: CsvRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

function plan(bytes: Uint8Array, targetRows: number, piece = 4096): Promise<ChunkPlan> {
  return planChunks(pieces(bytes, piece), {
    targetRows,
    maxRecordLength: MAX_RECORD_LENGTH,
    size: bytes.length,
  });
}

/** What the chunk step reads: its byte range, with the plan's dialect and line numbers. */
function chunkRecords(bytes: Uint8Array, planned: ChunkPlan, index: number, piece = 1000) {
  const chunk = planned.chunks[index];
  if (chunk === undefined) throw new Error(`no chunk ${index}`);
  const range = bytes.subarray(chunk.first_byte, chunk.last_byte + 1);
  return csvRecords(pieces(range, piece), {
    delimiter: planned.delimiter,
    maxRecordLength: MAX_RECORD_LENGTH,
    ...(index > 0 && {
      part: {
        encoding: planned.encoding,
        byteOffset: chunk.first_byte,
        firstLine: chunk.first_line,
      },
    }),
  });
}

/** TEST DOUBLE: a table in memory (the order batches land in is what matters here). */
function memoryTable() {
  const items = new Map<string, MovieInfo>();
  return {
    items,
    repo: {
      putBatch: async (infos: readonly MovieInfo[]) => {
        for (const info of infos) items.set(info.movie_id, info);
      },
    },
  };
}

async function ingestInChunks(bytes: Uint8Array, planned: ChunkPlan, order: readonly number[]) {
  const table = memoryTable();
  const summaries: IngestSummary[] = [];
  for (const index of order) {
    summaries[index] = await ingestMovieInfos(table.repo, chunkRecords(bytes, planned, index), {
      ...(index > 0 && { columnOrder: planned.columnOrder }),
      supersededIds: { has: (id) => (planned.superseded.get(id) ?? -1) > index },
    });
  }
  const summary = sumOf(summaries.map((chunk, index) => ({ index, summary: chunk })));
  return { items: table.items, summary };
}

async function ingestWhole(bytes: Uint8Array) {
  const table = memoryTable();
  const summary = await ingestMovieInfos(
    table.repo,
    csvRecords(pieces(bytes, 4096), { maxRecordLength: MAX_RECORD_LENGTH }),
  );
  return { items: table.items, summary };
}

const ENCODINGS: readonly FanOutEncoding[] = ["utf-8", "utf-8-bom", "utf-16le", "windows-1252"];

describe("planChunks", () => {
  test.each(ENCODINGS)(
    "cuts a %s file where records start, with the dialect the file has",
    async (encoding) => {
      const file = fanOutCatalogue({ seed: 7, rows: 600, encoding, delimiter: ";", header: true });
      const planned = await plan(file.bytes, 50);
      expect(planned.chunks.length).toBeGreaterThanOrEqual(8);
      expect(planned.delimiter).toBe(";");
      expect(planned.encoding).toBe(encoding === "utf-8-bom" ? "utf-8" : encoding);
      expect(planned.columnOrder).toEqual([1, 2, 3, 0]);
      // The ranges tile the file.
      expect(planned.chunks[0]?.first_byte).toBe(0);
      expect(planned.chunks.at(-1)?.last_byte).toBe(file.bytes.length - 1);
      for (const [i, chunk] of planned.chunks.entries()) {
        if (i > 0) expect(chunk.first_byte).toBe((planned.chunks[i - 1]?.last_byte ?? 0) + 1);
      }
      const whole = await collect(
        csvRecords(pieces(file.bytes, 4096), { maxRecordLength: MAX_RECORD_LENGTH }),
      );
      const parts: CsvRecord[] = [];
      for (const index of planned.chunks.keys())
        parts.push(...(await collect(chunkRecords(file.bytes, planned, index))));
      expect(parts).toEqual(whole);
      expect(whole.filter((r) => r.rejected !== undefined).map((r) => r.line)).toEqual(
        file.rejectedLines,
      );
    },
  );

  test("never cuts inside a quoted field with line breaks, even where the target row count falls", async () => {
    // Every row is a record of three lines: a cut by physical lines would land inside one.
    const file = fanOutCatalogue({ seed: 3, rows: 200, multiLine: 1, damage: 0 });
    const planned = await plan(file.bytes, 7, 13);
    expect(planned.chunks.length).toBeGreaterThanOrEqual(8);
    const whole = await collect(
      csvRecords(pieces(file.bytes, 4096), { maxRecordLength: MAX_RECORD_LENGTH }),
    );
    const recordStarts = new Set(whole.map((record) => record.line));
    for (const chunk of planned.chunks) expect(recordStarts.has(chunk.first_line)).toBe(true);
    // Chunks do start after records of several lines (not only after blank lines).
    const multi = new Set(file.multiLineRecords);
    expect(planned.chunks.some((chunk) => multi.has(chunk.first_line - 2))).toBe(true);
    const { items } = await ingestInChunks(file.bytes, planned, [...planned.chunks.keys()]);
    expect(items).toEqual(file.expected);
  });

  test("damage near a cut: every damaged record is rejected with the reason and line the whole file gives", async () => {
    const file = fanOutCatalogue({ seed: 11, rows: 1500, damage: 0.05 });
    const planned = await plan(file.bytes, 10);
    expect(planned.chunks.length).toBeGreaterThanOrEqual(8);
    const inline = await ingestWhole(file.bytes);
    const fanned = await ingestInChunks(file.bytes, planned, [...planned.chunks.keys()]);
    expect(fanned.summary.rejects).toEqual(inline.summary.rejects);
    expect(fanned.summary.rejects.map((r) => r.line)).toEqual(file.rejectedLines);
    expect(fanned.items).toEqual(file.expected);
  });

  test("resolves ids repeated across chunks: each id's last row wins, whatever order chunks run in", async () => {
    const file = fanOutCatalogue({ seed: 5, rows: 900, distinct: 0.3, header: true });
    const planned = await plan(file.bytes, 60);
    expect(planned.chunks.length).toBeGreaterThanOrEqual(8);
    expect(planned.superseded.size).toBeGreaterThan(0);
    const inline = await ingestWhole(file.bytes);
    const forward = [...planned.chunks.keys()];
    for (const order of [forward, [...forward].reverse()]) {
      const fanned = await ingestInChunks(file.bytes, planned, order);
      expect(fanned.items).toEqual(file.expected);
      expect(fanned.summary).toEqual(inline.summary);
    }
    expect(inline.summary.duplicates).toBe(file.duplicates);
  });

  test("property: chunks read apart give the whole file's records and its ingest's result", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          rows: fc.integer({ min: 1, max: 120 }),
          encoding: fc.constantFrom(...ENCODINGS),
          delimiter: fc.constantFrom(",", ";", "\t"),
          header: fc.boolean(),
          damage: fc.constantFrom(0, 0.05, 0.2),
          multiLine: fc.constantFrom(0, 0.1, 0.5),
          distinct: fc.constantFrom(0.1, 0.5, 1),
          target: fc.integer({ min: 1, max: 15 }),
          piece: fc.integer({ min: 1, max: 300 }),
        }),
        async ({ target, piece, ...options }) => {
          const file = fanOutCatalogue(options);
          const planned = await plan(file.bytes, target, piece);
          const whole = await collect(
            csvRecords(pieces(file.bytes, 4096), { maxRecordLength: MAX_RECORD_LENGTH }),
          );
          const parts: CsvRecord[] = [];
          for (const index of planned.chunks.keys()) {
            parts.push(...(await collect(chunkRecords(file.bytes, planned, index, piece))));
          }
          expect(parts).toEqual(whole);
          const inline = await ingestWhole(file.bytes);
          const fanned = await ingestInChunks(
            file.bytes,
            planned,
            [...planned.chunks.keys()].reverse(),
          );
          expect(fanned.items).toEqual(inline.items);
          expect(fanned.items).toEqual(file.expected);
          expect(fanned.summary).toEqual(inline.summary);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("refuses a file whose header names unknown columns, as the ingest does", async () => {
    const bytes = new TextEncoder().encode(
      "movie_id,title,country_of_origin,release_date\ntt1,A,Peru,2001-01-01\n",
    );
    await expect(plan(bytes, 1)).rejects.toBeInstanceOf(InvalidHeaderError);
  });

  test("refuses a gzip object: it can only be read from its start", async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]);
    await expect(plan(bytes, 1)).rejects.toBeInstanceOf(NotSplittableError);
  });
});
