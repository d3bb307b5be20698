import {
  CSV_COLUMNS,
  type CsvColumnOrder,
  DEFAULT_COLUMN_ORDER,
  isBlankRecord,
  movieInfoFromCsvFields,
  readHeader,
} from "./csv-movie-info-row.ts";
import { InvalidHeaderError } from "./errors.ts";
import type { CsvRecord } from "./ingest-movie-infos.ts";
import { createSeenMovieIds } from "./seen-movie-ids.ts";

/**
 * Follows a catalogue's records as `ingestMovieInfos` reads them, for a file to be ingested in
 * consecutive chunks at once: what each record is (with the same header and row rules), the
 * header's column order (which later chunks need), and, for every id with valid rows in several
 * places, the chunk of its last one. A chunk given `supersededIds` = "ids whose last chunk is
 * after mine" then skips exactly the rows a later chunk overrides, and counts them as duplicates,
 * so that the chunks, in any order, leave what one ingest of the file leaves.
 *
 * Memory: the compact set of ids seen, and the ids seen more than once.
 */
export interface LastRowsByChunk {
  /**
   * Takes the next record, which belongs to chunk `chunk` (chunks in file order). Throws
   * `InvalidHeaderError` where the ingest would refuse the file.
   */
  take(record: CsvRecord, chunk: number): "header" | "blank" | "row";
  /** The header's column order (the default when there is none), once the header is past. */
  readonly columnOrder: CsvColumnOrder;
  /** Id → chunk of its last valid row, for ids whose last row is after the first chunk. */
  superseded(): ReadonlyMap<string, number>;
}

export function createLastRowsByChunk(): LastRowsByChunk {
  const seen = createSeenMovieIds();
  const repeated = new Map<string, number>();
  let sawData = false;
  let order: CsvColumnOrder = DEFAULT_COLUMN_ORDER;
  return {
    take({ line, fields, rejected }, chunk) {
      if (rejected !== undefined) {
        sawData = true;
        return "row";
      }
      if (isBlankRecord(fields)) return "blank";
      if (!sawData) {
        sawData = true;
        const header = readHeader(fields);
        if (header !== undefined && "problems" in header) {
          throw new InvalidHeaderError(line, CSV_COLUMNS, header.problems);
        }
        if (header !== undefined) {
          order = header.order;
          return "header";
        }
      }
      const info = movieInfoFromCsvFields(fields, order);
      // A repeated id's first chunk is not kept: a chunk skips an id only if it has rows of it.
      if (typeof info !== "string" && !seen.add(info.movie_id)) repeated.set(info.movie_id, chunk);
      return "row";
    },
    get columnOrder() {
      return order;
    },
    superseded() {
      for (const [id, chunk] of repeated) if (chunk === 0) repeated.delete(id);
      return repeated;
    },
  };
}
