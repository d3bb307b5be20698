/*
 * Damage fuzzing with an oracle written apart from the reader (test-kit/damaged-catalogue.ts):
 * valid catalogues in every encoding, delimiter and compression a spreadsheet or a pipeline
 * writes, damaged in several records each (a stray quote, text after a closing quote, a quote
 * never closed, a record over 64 KiB, bytes that do not decode), at random lines, the first and
 * the last included, and inside multi-line quoted fields. What must hold:
 * - every record that shares no line with damage is stored exactly (the last row of an id wins);
 * - every damaged record is in the rejects with the line it starts on, and every reject is a line
 *   of a damaged record;
 * - the counts add up: rows_read = written + rejected + duplicates, written = the ids expected;
 * - the status is `completed`, or `rejected` when every data row was rejected.
 * Thousands of files through the reader and the domain in memory; a sample through S3, the
 * handler's ingest and DynamoDB Local.
 */

import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type IngestSummary, ingestMovieInfos, type MovieInfo } from "@movies/domain";
import { InMemoryMovieStore } from "@movies/domain/testing";
import { freshBucket } from "@movies/local-aws/test-kit";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import {
  DAMAGE_KINDS,
  type DamagedCatalogue,
  type DamageKind,
  damagedCatalogue,
} from "../../test-kit/damaged-catalogue.ts";
import { freshTable } from "../../test-kit/fresh-table.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { summaryOfReport } from "../../test-kit/report-summary.ts";
import { sortedEntries, storedMovieInfos } from "../../test-kit/table-contents.ts";
import { movieStore } from "../clients.ts";
import { createLogger } from "../observability/logger.ts";
import { createMetrics } from "../observability/metrics.ts";
import { reportKey } from "../wiring.ts";
import { catalogueRecords } from "./catalogue-records.ts";
import type { IngestReport } from "./ingest-report.ts";
import { ingestS3Object } from "./ingest-s3-object.ts";

const figures = {
  files: 0,
  filesThroughS3AndDynamoDb: 0,
  records: 0,
  damagedRecords: 0,
  damageKinds: Object.fromEntries(DAMAGE_KINDS.map((k) => [k, 0])) as Record<DamageKind, number>,
  encodings: {} as Record<string, number>,
  gzipFiles: 0,
  goodRowsLost: 0,
};
afterAll(() => reportFigures("damage fuzzing", figures));

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Holds an ingest's counts, rejects and table to what the damaged catalogue says they must be. */
function expectOracle(
  file: DamagedCatalogue,
  summary: IngestSummary,
  stored: ReadonlyMap<string, MovieInfo>,
): void {
  const rejectLines = summary.rejects.map((r) => r.line);
  for (const { first } of file.damaged)
    expect(rejectLines, `damaged line ${first}`).toContain(first);
  for (const line of rejectLines) {
    expect(
      file.damaged.some((d) => d.first <= line && line <= d.last),
      `reject at line ${line} is a line of a damaged record`,
    ).toBe(true);
  }
  for (const reject of summary.rejects) expect(reject.reason).toMatch(/\S/);
  expect(summary.rowsRead).toBe(summary.written + summary.rejected + summary.duplicates);
  expect(summary).toMatchObject({
    written: file.expected.size,
    duplicates: file.duplicates,
    rejected: summary.rejects.length,
    headerRows: file.header ? 1 : 0,
    blankRows: file.blankLines,
  });
  const lost = [...file.expected.keys()].filter((id) => !stored.has(id)).length;
  figures.goodRowsLost += lost;
  expect(sortedEntries(stored)).toEqual(sortedEntries(file.expected));
}

function count(file: DamagedCatalogue): void {
  figures.files++;
  figures.records += file.records;
  figures.damagedRecords += file.damaged.length;
  for (const { kind } of file.damaged) figures.damageKinds[kind]++;
  figures.encodings[file.encoding] = (figures.encodings[file.encoding] ?? 0) + 1;
  if (file.gzip) figures.gzipFiles++;
}

describe("damage fuzzing", () => {
  test("thousands of damaged catalogues through the reader and the domain, in memory", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4096 }),
        async (seed, chunk) => {
          const file = damagedCatalogue(seed);
          count(file);
          // Small chunks test every boundary; a 64 KiB record in them would only test patience
          // (fast-csv parses an unfinished record again with each chunk).
          const size = file.bytes.length > 20_000 ? Math.max(chunk, 8192) : chunk;
          const body = catalogueRecords(chunksOf(file.bytes, size), file.bytes.length);
          const store = new InMemoryMovieStore();
          const summary = await ingestMovieInfos(store, body.records, { batchSize: 7 });
          expect(body.format.delimiter).toBe(file.delimiter);
          expect(body.compression()).toBe(file.gzip ? "gzip" : null);
          expectOracle(file, summary, store.infos);
        },
      ),
      // Found by this test: a damaged line's CRLF cut after its CR read as a blank line more.
      { numRuns: 2000, examples: [[2113656807, 1]] },
    );
  });

  test("a sample through S3, the ingest and DynamoDB Local, with its report", async () => {
    const { client: s3, bucket } = await freshBucket("movies-damage");
    const table = await freshTable("movies-damage");
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const file = damagedCatalogue(seed);
        count(file);
        figures.filesThroughS3AndDynamoDb++;
        const key = `damage/${++n}.csv${file.gzip ? ".gz" : ""}`;
        const put = await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: file.bytes }),
        );
        const object = {
          bucket,
          key,
          versionId: undefined,
          eTag: put.ETag?.replaceAll('"', ""),
          eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
        };
        const store = movieStore(table.client, table.tableName);
        const report = await ingestS3Object(
          { s3, ...store, logger: createLogger(), metrics: createMetrics() },
          object,
        );
        const { Body } = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: reportKey(object) }),
        );
        expect(JSON.parse((await Body?.transformToString()) ?? "")).toEqual(report);
        const everyRowRejected = report.rows_read > 0 && report.rejected === report.rows_read;
        expect(report.status).toBe(everyRowRejected ? "rejected" : "completed");
        expect(report).toMatchObject({
          delimiter: file.delimiter,
          compression: file.gzip ? "gzip" : null,
          bytes_read: file.bytes.length,
          bytes_total: file.bytes.length,
        });
        const summary = summaryOfReport(report);
        // Each file's ids are its own (m<seed>-…), so one table serves the sample.
        const prefix = `m${seed}-`;
        expectOracle(file, summary, await storedMovieInfos(table.client, table.tableName, prefix));
      }),
      { numRuns: 25 },
    );
  });
});

export type { IngestReport };
