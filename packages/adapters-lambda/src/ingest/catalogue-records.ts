import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { CsvRecord } from "@movies/domain";
import { type CsvFormat, type CsvRecordsOptions, csvRecords } from "./csv-records.ts";

/** A catalogue object being read: its records, and what is known of its bytes and format. */
export interface CatalogueBody {
  readonly records: AsyncIterable<CsvRecord>;
  /** The encoding and delimiter, filled in as the reader learns them. */
  readonly format: CsvFormat;
  /** Bytes of the object consumed so far (compressed bytes for a gzip object). */
  bytesRead(): number;
  readonly bytesTotal: number | null;
  /** Null until the first bytes are in; "gzip" when they start with gzip's magic number. */
  compression(): "gzip" | null;
  /** Releases the object's stream (idempotent). */
  close(): void;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** The object cannot be read as a catalogue at all (a broken gzip stream); retrying cannot help. */
export class UnreadableCatalogueError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = "UnreadableCatalogueError";
  }
}

/**
 * The records of a catalogue object's body, streaming: a gzip body (a `.csv.gz` key, told by its
 * first bytes rather than its name) is decompressed on the way, and every byte is counted.
 */
export function catalogueRecords(
  body: AsyncIterable<Uint8Array> & { destroy?: () => void },
  bytesTotal: number | null,
  options: Omit<CsvRecordsOptions, "format"> = {},
): CatalogueBody {
  let bytesRead = 0;
  let compression: "gzip" | null = null;
  const format: CsvFormat = { encoding: null, delimiter: null };
  async function* counted(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of body) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  async function* bytes(): AsyncGenerator<Uint8Array, void, undefined> {
    const source = counted();
    // Enough bytes to tell gzip's magic number, however small the first chunks are.
    let head: Uint8Array = new Uint8Array(0);
    while (head.length < GZIP_MAGIC.length) {
      const next = await source.next();
      if (next.done === true) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    if (head.length === 0) return;
    if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
      yield head;
      yield* source;
      return;
    }
    compression = "gzip";
    const gunzip = createGunzip();
    async function* again(): AsyncGenerator<Uint8Array, void, undefined> {
      yield head;
      yield* source;
    }
    // pipeline() keeps backpressure (the object is read as fast as the text is taken) and ends
    // both sides when either fails or the reader stops early.
    const piping = pipeline(Readable.from(again()), gunzip);
    piping.catch(() => undefined);
    try {
      yield* gunzip;
      await piping;
    } catch (error) {
      // zlib's errors carry a Z_ code; anything else (the S3 stream) passes through as it is.
      const { code } = error as { code?: unknown };
      if (typeof code === "string" && code.startsWith("Z_")) {
        throw new UnreadableCatalogueError(
          `the object starts like gzip but is not a valid gzip stream (${(error as Error).message})`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      gunzip.destroy();
    }
  }
  return {
    records: csvRecords(bytes(), { ...options, format }),
    format,
    bytesRead: () => bytesRead,
    bytesTotal,
    compression: () => compression,
    close: () => body.destroy?.(),
  };
}
