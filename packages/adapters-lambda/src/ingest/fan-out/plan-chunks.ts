import { type CsvColumnOrder, createLastRowsByChunk } from "@movies/domain";
import type { CatalogueEncoding } from "../catalogue-text.ts";
import type { CsvDelimiter } from "../csv-delimiter.ts";
import { type CsvFormat, csvRecords, MAX_RECORD_LENGTH } from "../csv-records.ts";
import type { ChunkRef } from "./fan-out-layout.ts";
import { LineStarts } from "./line-starts.ts";

export interface ChunkingOptions {
  /** Data rows a chunk holds at least (but the last); default 200,000. */
  readonly targetRows?: number;
  /** Chunks at most: chunks grow past `targetRows` to keep the state machine's payload small. */
  readonly maxChunks?: number;
  /** The size of the object, to spread chunks when `maxChunks` binds. */
  readonly size?: number;
  /** The reader's record limit; the ingest's default unless a test lowers it. */
  readonly maxRecordLength?: number;
}

export interface ChunkPlan {
  readonly encoding: CatalogueEncoding;
  readonly delimiter: CsvDelimiter;
  readonly columnOrder: CsvColumnOrder;
  readonly chunks: readonly ChunkRef[];
  readonly chunkRows: readonly number[];
  /** Id → chunk of its last valid row, for every id with several valid rows. */
  readonly superseded: ReadonlyMap<string, number>;
  readonly size: number;
}

export const TARGET_CHUNK_ROWS = 200_000;
/** About 80 bytes each in the payload: 1000 chunks stay under a third of the 256 KB limit. */
export const MAX_CHUNKS = 1000;

/** The object cannot be split (its bytes are compressed); why, for the report. */
export class NotSplittableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "NotSplittableError";
  }
}

/**
 * Reads a catalogue file once, with the reader the ingest uses, and cuts it into chunks at
 * records the reader starts: each chunk, read on its own from its first byte with the file's
 * dialect, gives exactly the records the whole-file reading gives for its lines.
 *
 * A cut is never placed within the text a damaged record's rejection depended on (a quote never
 * closed reads on up to the next quote, or up to the record limit): a chunk that ended there
 * would see less of it, and could resolve the damage differently.
 *
 * Memory: the reader's read-ahead, and what `createLastRowsByChunk` keeps: the compact set of
 * ids seen, and the ids seen more than once (none for a catalogue of distinct ids).
 *
 * Rejects with `InvalidHeaderError` as the ingest would (a first row that looks like a header but
 * does not name the columns), and with `NotSplittableError` for a gzip object.
 */
export async function planChunks(
  bytes: AsyncIterable<Uint8Array>,
  options: ChunkingOptions = {},
): Promise<ChunkPlan> {
  const targetRows = options.targetRows ?? TARGET_CHUNK_ROWS;
  const maxRecordLength = options.maxRecordLength ?? MAX_RECORD_LENGTH;
  const minBytes = Math.ceil((options.size ?? 0) / (options.maxChunks ?? MAX_CHUNKS));
  const lines = new LineStarts();
  let size = 0;
  async function* scanned(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of bytes) {
      if (size === 0 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        throw new NotSplittableError(
          "a gzip object cannot be split into chunks (it can only be read from its start); upload it uncompressed to ingest it in parallel",
        );
      }
      lines.scan(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  const format: CsvFormat = { encoding: null, delimiter: null };
  const rowsByChunk = createLastRowsByChunk();
  const starts: { byte: number; line: number }[] = [{ byte: 0, line: 1 }];
  const chunkRows: number[] = [0];
  let rows = 0;
  const reach = { line: 0 };
  for await (const record of csvRecords(scanned(), { format, maxRecordLength, reach })) {
    lines.release(record.line);
    const start = lines.offsetOf(record.line);
    const chunkStart = starts[starts.length - 1] as { byte: number };
    // One line more than the reader's reach: its last line may end in a CR whose LF is next.
    if (rows >= targetRows && start - chunkStart.byte >= minBytes && record.line > reach.line + 1) {
      starts.push({ byte: start, line: record.line });
      chunkRows.push(0);
      rows = 0;
    }
    const chunk = starts.length - 1;
    if (rowsByChunk.take(record, chunk) !== "row") continue;
    rows++;
    chunkRows[chunk] = (chunkRows[chunk] as number) + 1;
  }
  const chunks = starts.map(
    ({ byte, line }, index): ChunkRef => ({
      index,
      first_byte: byte,
      last_byte: (starts[index + 1]?.byte ?? size) - 1,
      first_line: line,
    }),
  );
  return {
    encoding: format.encoding ?? "utf-8",
    delimiter: format.delimiter ?? ",",
    columnOrder: rowsByChunk.columnOrder,
    chunks,
    chunkRows,
    superseded: rowsByChunk.superseded(),
    size,
  };
}
