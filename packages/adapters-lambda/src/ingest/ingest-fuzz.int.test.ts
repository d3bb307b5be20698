/*
 * Fuzzing the ingest with fast-check: random bytes, CSV-like bytes and near-valid catalogues
 * (valid files broken by a stray quote, a cut, a flipped byte, an odd line end). Whatever comes
 * in, the ingest never crashes and never fails: every record is accounted for (header, blank,
 * written, duplicate or rejected with its line and a reason, as an independent reading of the
 * spec says it must be), damaged records included (the reader rejects them and reads on).
 */

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  type CsvRecord,
  type IngestSummary,
  InvalidHeaderError,
  ingestMovieInfos,
  type MovieInfo,
} from "@movies/domain";
import { InMemoryMovieStore } from "@movies/domain/testing";
import { freshBucket } from "@movies/local-aws/test-kit";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { oracle } from "../../test-kit/ingest-oracle.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { summaryOfReport } from "../../test-kit/report-summary.ts";
import { sortedEntries, storedMovieInfos } from "../../test-kit/table-contents.ts";
import { movieStore } from "../clients.ts";
import { createLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { reportKey } from "../wiring.ts";
import { csvRecords } from "./csv-records.ts";
import type { IngestReport } from "./ingest-report.ts";
import { ingestS3Object } from "./ingest-s3-object.ts";

const utf8 = new TextEncoder();
const cases = {
  randomBytes: 0,
  csvLikeBytes: 0,
  nearValidCatalogues: 0,
  throughS3AndDynamoDb: 0,
  refusedOnInvalidHeader: 0,
  recordsAccountedFor: 0,
  damagedRecordsRejected: 0,
};
afterAll(() => reportFigures("ingest fuzz cases", cases));

// --- generators ---------------------------------------------------------------------------------

const CSV_TOKENS = [
  ...["a", "Z", "0", "9", "-", "_", ".", ",", ",", '"', '"', "\r", "\n", "\n", "\r\n", " ", "\t"],
  ...["é", "😀", "\uFEFF", "\u0000", "tt1", "TT1", "2001-01-01", "2014-02-30", "1849-12-31"],
  ...["Peru", "movie_id,name,country_of_origin,release_date", "tt2,Heat,US,1995-12-15\n"],
];
const INVALID_UTF8 = [
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xed, 0xa0, 0x80),
];

const csvLikeBytes = fc
  .array(
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...CSV_TOKENS).map((t) => utf8.encode(t)) },
      { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8) },
    ),
    { maxLength: 120 },
  )
  .map((parts) => concat(parts));

const idField = fc.oneof(
  fc.constantFrom("tt1", "TT1", "tt2", "mv.1", "a_b-c", "x".repeat(64), "x".repeat(65), "bad id"),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
);
const textField = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 0, maxLength: 24 }),
  fc.constantFrom(
    "Crouching Tiger, Hidden Dragon",
    'The "Best" Movie',
    "Two\nLines",
    "Three\r\nLines",
    "  padded  ",
    "",
    "   ",
    "😀".repeat(100),
    "x".repeat(101),
    "é".repeat(501),
  ),
);
const dateField = fc.oneof(
  fc
    .record({
      year: fc.integer({ min: 1840, max: 2210 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
    })
    .map(
      ({ year, month, day }) =>
        `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
    ),
  fc.constantFrom(
    "2000-02-29",
    "1900-02-29",
    "2200-12-31",
    "1850-01-01",
    "2001-1-1",
    " 2001-01-01 ",
  ),
);
const row = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(idField, textField, textField, dateField) },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(idField, textField), { minLength: 1, maxLength: 6 }),
  },
  { weight: 1, arbitrary: fc.constantFrom([""], [" "], ["\t "]) },
);
type Mutation =
  | { kind: "quote"; at: number }
  | { kind: "text-after-quote"; at: number }
  | { kind: "cut"; at: number }
  | { kind: "flip"; at: number; byte: number }
  | { kind: "line-end"; at: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("quote" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("text-after-quote" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant("line-end" as const),
    at: fc.nat(),
    text: fc.constantFrom("\n", "\r", "\r\n"),
  }),
);
const nearValid = fc.record({
  bom: fc.boolean(),
  header: fc.boolean(),
  rows: fc.array(fc.record({ fields: row, quoteAll: fc.boolean(), crlf: fc.boolean() }), {
    maxLength: 40,
  }),
  mutations: fc.array(mutation, { maxLength: 3 }),
});
type NearValid = typeof nearValid extends fc.Arbitrary<infer T> ? T : never;

/** RFC 4180, quoting what must be quoted, the other delimiters (which would decide) and what fast-csv would trim before a comma. */
function serialise(file: NearValid): { text: string; rows: string[][] } {
  const rows = file.rows.map((r) => [...r.fields]);
  // A blank last line reads as nothing, which a round-trip comparison would call a loss.
  while (rows.length > 0 && rows.at(-1)?.length === 1 && rows.at(-1)?.[0]?.trim() === "") {
    rows.pop();
  }
  if (file.header) rows.unshift(["movie_id", "name", "country_of_origin", "release_date"]);
  const text = rows
    .map((fields, i) => {
      const quoteAll = file.rows[i]?.quoteAll ?? false;
      const line = fields
        .map((f) => (quoteAll || /[",;\t\r\n]|^\s/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
        .join(",");
      return `${line}${file.rows[i]?.crlf ? "\r\n" : "\n"}`;
    })
    .join("");
  return { text: `${file.bom ? "\uFEFF" : ""}${text}`, rows };
}

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    const insert = (text: string) =>
      concat([out.subarray(0, at), utf8.encode(text), out.subarray(at)]);
    switch (m.kind) {
      case "quote":
        out = insert('"');
        break;
      case "text-after-quote": {
        const quote = out.indexOf(0x22, at);
        if (quote >= 0)
          out = concat([out.subarray(0, quote + 1), utf8.encode("x"), out.subarray(quote + 1)]);
        break;
      }
      case "cut":
        out = out.subarray(0, at);
        break;
      case "flip":
        if (at < out.length) out = Uint8Array.from(out, (b, i) => (i === at ? m.byte : b));
        break;
      case "line-end":
        out = insert(m.text);
        break;
    }
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function* chunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const end of [...at, bytes.length]) {
    if (end > start) yield bytes.subarray(start, end);
    start = Math.max(start, end);
  }
}

// --- the check ------------------------------------------------------------------------------------

/** Holds an ingest to the oracle: it counted every record and stored the last valid row of each id. */
function expectAccountedFor(
  records: readonly CsvRecord[],
  summary: IngestSummary,
  stored: ReadonlyMap<string, MovieInfo>,
): void {
  const expected = oracle(records);
  expect(expected.invalidHeaderLine).toBeUndefined();
  expect({
    headerRows: summary.headerRows,
    blankRows: summary.blankRows,
    rowsRead: summary.rowsRead,
    rejected: summary.rejected,
    duplicates: summary.duplicates,
  }).toEqual({
    headerRows: expected.headerRows,
    blankRows: expected.blankRows,
    rowsRead: expected.rowsRead,
    rejected: expected.rejectedLines.length,
    duplicates: expected.duplicates,
  });
  expect(summary.rejects.map((r) => r.line)).toEqual(expected.rejectedLines.slice(0, 1000));
  for (const reject of summary.rejects) expect(reject.reason).toMatch(/\S/);
  expect(summary.written).toBe(expected.expected.size);
  expect(sortedEntries(stored)).toEqual(sortedEntries(expected.expected));
  cases.recordsAccountedFor += records.length;
  cases.damagedRecordsRejected += records.filter((r) => r.rejected !== undefined).length;
}

/** A file whose first record looks like a header but cannot map the columns stores nothing. */
function expectNothingStored(
  records: readonly CsvRecord[],
  stored: ReadonlyMap<string, MovieInfo>,
): void {
  expect(stored.size).toBe(0);
  cases.recordsAccountedFor += records.length;
  cases.refusedOnInvalidHeader++;
}

/** The records the CSV reader yields for `bytes` (as the ingest sees them), and how it ends. */
async function readRecords(bytes: Uint8Array, cuts: readonly number[] = []) {
  const records: CsvRecord[] = [];
  for await (const record of csvRecords(chunks(bytes, cuts))) records.push(record);
  return { records };
}

/** The ingest use case on the CSV reader, into memory, checked against the oracle. */
async function ingestIntoMemory(bytes: Uint8Array, cuts: readonly number[]): Promise<void> {
  const seen: CsvRecord[] = [];
  async function* tapped(): AsyncGenerator<CsvRecord> {
    for await (const record of csvRecords(chunks(bytes, cuts))) {
      seen.push(record);
      yield record;
    }
  }
  const store = new InMemoryMovieStore();
  let summary: IngestSummary;
  try {
    summary = await ingestMovieInfos(store, tapped(), { batchSize: 5, maxInFlight: 2 });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidHeaderError);
    expect((error as InvalidHeaderError).line).toBe(oracle(seen).invalidHeaderLine);
    expectNothingStored(seen, store.infos);
    return;
  }
  expectAccountedFor(seen, summary, store.infos);
  expect(store.violations).toEqual([]);
}

const cuts = fc.array(fc.nat(), { maxLength: 8 });

describe("ingest fuzzing, into memory (many cases)", () => {
  test("random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), cuts, async (bytes, at) => {
        cases.randomBytes++;
        await ingestIntoMemory(bytes, at);
      }),
      { numRuns: 300 },
    );
  });

  test("CSV-like bytes: separators, quotes, line ends, dates, ids and broken UTF-8", async () => {
    await fc.assert(
      fc.asyncProperty(csvLikeBytes, cuts, async (bytes, at) => {
        cases.csvLikeBytes++;
        await ingestIntoMemory(bytes, at);
      }),
      { numRuns: 400 },
    );
  });

  test("near-valid catalogues: an RFC 4180 file read back row for row, then broken in places", async () => {
    await fc.assert(
      fc.asyncProperty(nearValid, cuts, async (file, at) => {
        cases.nearValidCatalogues++;
        const { text, rows } = serialise(file);
        const bytes = utf8.encode(text);
        if (file.mutations.length === 0) {
          // Unbroken, the file reads back as the rows written (fields compared trimmed).
          const { records } = await readRecords(bytes, at);
          expect(records.filter((r) => r.rejected !== undefined)).toEqual([]);
          const trimmed = (r: readonly string[]) => r.map((f) => f.trim());
          expect(records.map((r) => trimmed(r.fields))).toEqual(rows.map(trimmed));
        }
        await ingestIntoMemory(mutate(bytes, file.mutations), at);
      }),
      { numRuns: 500 },
    );
  });
});

describe("ingest fuzzing, through S3 and DynamoDB Local (fewer cases)", () => {
  test("near-valid and CSV-like files as the deployed ingest reads and writes them", async () => {
    const { client: s3, bucket } = await freshBucket("movies-fuzz");
    const logger = createLogger();
    const metrics = createMetrics();
    let n = 0;
    const file = fc.oneof(
      {
        weight: 3,
        arbitrary: nearValid.map((f) => mutate(utf8.encode(serialise(f).text), f.mutations)),
      },
      { weight: 1, arbitrary: csvLikeBytes },
    );
    await fc.assert(
      fc.asyncProperty(file, async (bytes) => {
        cases.throughS3AndDynamoDb++;
        const key = `fuzz/${++n}.csv`;
        const table = await freshTable("movies-fuzz");
        const store = movieStore(table.client, table.tableName);
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
        const object = {
          bucket,
          key,
          versionId: undefined,
          eTag: put.ETag?.replaceAll('"', ""),
          eventTime: new Date().toISOString(),
        };
        const deps = { s3, ...store, logger, metrics };
        await ingestS3Object(deps, object);
        const { records } = await readRecords(bytes);
        const { Body } = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: reportKey(object) }),
        );
        const report = JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
        if (oracle(records).invalidHeaderLine !== undefined) {
          expect(report).toMatchObject({
            status: "rejected",
            reason: expect.stringMatching(/header/),
          });
          expectNothingStored(records, await storedMovieInfos(table.client, table.tableName, ""));
          return;
        }
        const everyRowRejected = report.rows_read > 0 && report.rejected === report.rows_read;
        expect(report.status).toBe(everyRowRejected ? "rejected" : "completed");
        const summary = summaryOfReport(report);
        expectAccountedFor(
          records,
          summary,
          await storedMovieInfos(table.client, table.tableName, ""),
        );
      }),
      { numRuns: 30 },
    );
  });
});
