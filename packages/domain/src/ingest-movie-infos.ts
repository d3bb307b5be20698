import {
  CSV_COLUMNS,
  type CsvColumnOrder,
  DEFAULT_COLUMN_ORDER,
  isBlankRecord,
  movieInfoFromCsvFields,
  readHeader,
} from "./csv-movie-info-row.ts";
import { IngestIncompleteError, InvalidHeaderError } from "./errors.ts";
import type { IngestSummary, RejectedRow } from "./ingest-summary.ts";
import { MovieInfoBatchWriter } from "./movie-info-batch-writer.ts";
import type { MovieInfoRepo } from "./ports.ts";
import { createSeenMovieIds } from "./seen-movie-ids.ts";

/** One parsed CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
  /**
   * Set by the CSV reader when the record could not be read (a stray quote, an unreadable byte):
   * why, in words a person understands. Such a record is a rejected data row.
   */
  readonly rejected?: string;
}

export interface IngestOptions {
  /** Batches being written at once; default 4. */
  readonly maxInFlight?: number;
  /** Items per batch, 1 to 25; default 25. */
  readonly batchSize?: number;
  /** Rejected rows kept in the summary; default 1000. */
  readonly maxRejects?: number;
  /**
   * Checked before each record (an `AbortSignal` fits); once aborted, reading stops, batches in
   * flight settle, and the ingest fails with `IngestIncompleteError`.
   */
  readonly signal?: { readonly aborted: boolean; readonly reason?: unknown };
  /**
   * The input is a later part of a file whose header (if any) an earlier part held: no record is
   * taken for a header, and rows have the columns in this order.
   */
  readonly columnOrder?: CsvColumnOrder;
  /**
   * Ids whose last row is in a later part of the same file, ingested apart (maybe at the same
   * time): their rows here are counted as duplicates and not written, so the last row still wins.
   */
  readonly supersededIds?: { has(movieId: string): boolean };
}

export const MAX_BATCH_SIZE = 25;

/**
 * Upserts the movie info of every valid data row of a catalogue CSV, already split
 * into records, and tells what happened to each record: header, blank, rejected (with its line and
 * reason, never stopping the rows after it), duplicate, or written. Within the input the last row
 * of a movie id wins.
 *
 * Memory stays flat: records are pulled only as fast as batches are confirmed (at most
 * `maxInFlight` batches in flight plus one being filled), except for the set of ids seen.
 *
 * A header (the first non-blank record, when it names the columns) sets the column order of the
 * rows after it, in any order and letter case. A first record that looks like a header but does
 * not name each column once rejects with `InvalidHeaderError`, before anything is written.
 *
 * Rejects with `IngestIncompleteError` when a write fails, the source throws, or `signal` aborts:
 * reading stops, the batches in flight settle, and the error carries the counts reached so far.
 */
export async function ingestMovieInfos(
  repo: Pick<MovieInfoRepo, "putBatch">,
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const batchSize = integerOption("batchSize", options.batchSize, 25, 1, MAX_BATCH_SIZE);
  const maxInFlight = integerOption("maxInFlight", options.maxInFlight, 4, 1, Infinity);
  const maxRejects = integerOption("maxRejects", options.maxRejects, 1000, 0, Infinity);
  const { signal } = options;

  const writer = new MovieInfoBatchWriter(repo, batchSize, maxInFlight);
  const seen = createSeenMovieIds();
  const rejects: RejectedRow[] = [];
  let rowsRead = 0;
  let rejected = 0;
  let duplicates = 0;
  let headerRows = 0;
  let blankRows = 0;
  let sawData = options.columnOrder !== undefined;
  let order: CsvColumnOrder = options.columnOrder ?? DEFAULT_COLUMN_ORDER;
  const { supersededIds } = options;
  let badHeader: InvalidHeaderError | undefined;
  let lastLine = 0;
  let stop: Stop | undefined;
  let source: RecordSource | undefined;
  const writeFailed = (): Stop | undefined =>
    writer.failure === undefined
      ? undefined
      : { reason: "a batch write failed", cause: writer.failure.cause };
  /** Why the ingest must stop now: the signal aborted or a write failed. */
  const whyStopped = (): Stop | undefined =>
    signal?.aborted === true ? { reason: "it was aborted", cause: signal.reason } : writeFailed();

  try {
    source = openRecords(records);
  } catch (cause) {
    stop = { reason: "the input could not be read", cause };
  }

  // Not a `for await`: a sync source is read without a microtask per record, and the signal is
  // checked before each record is pulled rather than after.
  // Every way out of the loop but the end of the input is a `break` with `stop` set.
  while (source !== undefined) {
    stop = whyStopped();
    if (stop !== undefined) break;
    let step: IteratorResult<CsvRecord>;
    try {
      step = source.sync !== undefined ? source.sync.next() : await source.async.next();
    } catch (cause) {
      // A source that threw is finished; it must not be asked to close.
      source = undefined;
      stop = { reason: "reading the input failed", cause };
      break;
    }
    if (step.done === true) {
      source = undefined;
      break;
    }
    const { line, fields, rejected: unreadable } = step.value;
    lastLine = line;
    if (unreadable !== undefined) {
      sawData = true;
      rowsRead++;
      rejected++;
      if (rejects.length < maxRejects) rejects.push({ line, reason: unreadable });
      continue;
    }
    if (isBlankRecord(fields)) {
      blankRows++;
      continue;
    }
    if (!sawData) {
      sawData = true;
      const header = readHeader(fields);
      if (header !== undefined && "problems" in header) {
        badHeader = new InvalidHeaderError(line, CSV_COLUMNS, header.problems);
        break;
      }
      if (header !== undefined) {
        order = header.order;
        headerRows++;
        continue;
      }
    }
    rowsRead++;
    const info = movieInfoFromCsvFields(fields, order);
    if (typeof info === "string") {
      rejected++;
      if (rejects.length < maxRejects) rejects.push({ line, reason: info });
      continue;
    }
    if (supersededIds?.has(info.movie_id) === true) {
      duplicates++;
      continue;
    }
    const firstOfId = seen.add(info.movie_id);
    if (!firstOfId) duplicates++;
    writer.add(info, firstOfId);
    // Backpressure: nothing more is pulled until the full batch has gone out.
    if (writer.isFull) await writer.send(signal);
  }

  if (source !== undefined) await closeQuietly(source);
  // The first non-blank record is the header: no row has been sent yet.
  if (badHeader !== undefined) throw badHeader;
  // `send` refuses only for a reason `whyStopped` names.
  if (stop === undefined && !(await writer.send(signal))) stop = whyStopped();
  await writer.drain();
  // Once every row is sent, only a failed write stops the ingest: an abort now comes too late.
  stop ??= writeFailed();

  const summary: IngestSummary = {
    rowsRead,
    written: writer.written,
    rejected,
    duplicates,
    headerRows,
    blankRows,
    rejects,
  };
  if (stop !== undefined) {
    const detail = stop.cause instanceof Error ? `: ${stop.cause.message}` : "";
    throw new IngestIncompleteError(
      `ingest stopped after line ${lastLine} because ${stop.reason}${detail}`,
      summary,
      { cause: stop.cause },
    );
  }
  return summary;
}

interface Stop {
  readonly reason: string;
  readonly cause: unknown;
}

type RecordSource =
  | { readonly sync: Iterator<CsvRecord>; readonly async?: undefined }
  | { readonly sync?: undefined; readonly async: AsyncIterator<CsvRecord> };

function openRecords(records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>): RecordSource {
  if (Symbol.asyncIterator in records) return { async: records[Symbol.asyncIterator]() };
  return { sync: records[Symbol.iterator]() };
}

/** Lets a source left before its end release what it holds (an open stream, a socket). */
async function closeQuietly(source: RecordSource): Promise<void> {
  const iterator = source.sync ?? source.async;
  try {
    // Stryker disable next-line OptionalChaining: without `?.` a source that has no `return` throws a TypeError, which the catch swallows just the same
    await iterator.return?.();
  } catch {
    // The ingest is already failing for a reason of its own; a failed close adds nothing to it.
  }
}

function integerOption(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${name} must be an integer ${range} (got ${value})`);
  }
  return value;
}
