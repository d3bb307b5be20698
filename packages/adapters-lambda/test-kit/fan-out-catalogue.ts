import type { MovieInfo } from "@movies/domain";
import { seededRandom } from "./catalogue-csv.ts";

/**
 * A catalogue to cut into chunks: ids repeated far apart (so across chunks), quoted fields with
 * line breaks, blank lines, damaged records (a stray quote, text after a closing quote, a quote
 * never closed, bytes that do not decode), in one of the encodings and delimiters real exports
 * use. What an ingest must make of it is known by construction, apart from the reader.
 */
export interface FanOutCatalogue {
  readonly bytes: Uint8Array;
  readonly encoding: FanOutEncoding;
  readonly delimiter: "," | ";" | "\t";
  readonly header: boolean;
  /** The last valid row of each id. */
  readonly expected: ReadonlyMap<string, MovieInfo>;
  readonly rowsRead: number;
  readonly duplicates: number;
  readonly blankRows: number;
  /** The lines of the damaged records, in order. */
  readonly rejectedLines: readonly number[];
  /** The first line of each record that spans several lines. */
  readonly multiLineRecords: readonly number[];
}

export type FanOutEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "windows-1252";

export interface FanOutCatalogueOptions {
  readonly seed: number;
  readonly rows: number;
  readonly encoding?: FanOutEncoding;
  readonly delimiter?: "," | ";" | "\t";
  readonly header?: boolean;
  /** Share of rows damaged; default 1 in 100. */
  readonly damage?: number;
  /** Share of rows whose name holds line breaks; default 1 in 20. */
  readonly multiLine?: number;
  /** Distinct ids per row; default 0.6 (so 40% of rows repeat an id). */
  readonly distinct?: number;
}

const NAMES = ["Interstellar", "Crouching Tiger, Hidden Dragon", 'The "Best" Movie', "Amélie"];
const WIDE_NAMES = ["千と千尋の神隠し", "🎬 Film; with emoji", "Café Noël"];
const COUNTRIES = ["United States", "France", "Côte d'Ivoire", "Peru"];
const BREAKS = ["\n", "\r\n", "\r"];

export function fanOutCatalogue(options: FanOutCatalogueOptions): FanOutCatalogue {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const encoding = options.encoding ?? "utf-8";
  const delimiter = options.delimiter ?? ",";
  const header = options.header ?? false;
  const names = encoding === "windows-1252" ? NAMES : [...NAMES, ...WIDE_NAMES];
  const ids = Math.max(1, Math.floor(options.rows * (options.distinct ?? 0.6)));
  const parts: (string | Uint8Array)[] = [];
  let line = 1;
  const push = (text: string) => {
    parts.push(text);
    line += text.match(/\r\n|\r|\n/g)?.length ?? 0;
  };
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const expected = new Map<string, MovieInfo>();
  const rejectedLines: number[] = [];
  const multiLineRecords: number[] = [];
  let duplicates = 0;
  let blankRows = 0;
  let rowsRead = 0;
  let quoteIn = 0;
  if (header)
    push(`Release_Date${delimiter} Movie_ID ${delimiter}Name${delimiter}COUNTRY_OF_ORIGIN\n`);
  for (let i = 0; i < options.rows; i++) {
    if (random() < 0.02) {
      blankRows++;
      push(pick(BREAKS));
    }
    const info: MovieInfo = {
      movie_id: `tt${String(Math.floor(random() * ids)).padStart(7, "0")}`,
      name: `${pick(names)} ${i}`,
      country_of_origin: pick(COUNTRIES),
      release_date: `${1900 + Math.floor(random() * 120)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
    };
    const first = line;
    rowsRead++;
    const damage = random() < (options.damage ?? 0.01);
    const row = (name: string) =>
      header
        ? [info.release_date, info.movie_id, name, info.country_of_origin]
        : [info.movie_id, name, info.country_of_origin, info.release_date];
    const end = i < options.rows - 1 || random() < 0.5 ? pick(BREAKS.slice(0, 2)) : "";
    if (damage && quoteIn === 0) {
      rejectedLines.push(first);
      const kinds = ["stray", "after", "never"];
      // Only where a byte-order mark decided the encoding: in a file without one, a first byte
      // that is not UTF-8 makes the whole file Windows-1252 (see catalogue-text.ts).
      if (encoding === "utf-8-bom" || encoding === "utf-16le") kinds.push("bytes");
      const kind = pick(kinds);
      if (kind === "bytes") {
        const fields = row(`${info.name} `);
        const at = fields.indexOf(`${info.name} `);
        push(fields.slice(0, at + 1).join(delimiter));
        parts.push(encoding === "utf-16le" ? new Uint8Array([0x00, 0xd8]) : new Uint8Array([0xff]));
        push(`${delimiter}${fields.slice(at + 1).join(delimiter)}${end || "\n"}`);
        continue;
      }
      const name =
        kind === "stray"
          ? `"${info.name} "cut" here"`
          : kind === "after"
            ? `${quote(info.name)}x`
            : `"${info.name}`;
      // A quote never closed reads on to the next quote, which one of the next three rows opens
      // (so that the damage ends well within the record limit of the tests, 256 characters).
      if (kind === "never") quoteIn = 1 + Math.floor(random() * 3);
      push(row(name).join(delimiter) + (end || "\n"));
      continue;
    }
    const multi = random() < (options.multiLine ?? 0.05);
    const name = multi ? `${info.name}${pick(BREAKS)}(part two)` : info.name;
    const forced = quoteIn === 1;
    const optional = quoteIn === 0 && random() < 0.2;
    if (quoteIn > 0) quoteIn--;
    const quoted = forced || optional || multi || /[",;\t]/.test(name);
    if (multi) multiLineRecords.push(first);
    push(row(quoted ? quote(name) : name).join(delimiter) + end);
    const stored = { ...info, name };
    if (expected.has(info.movie_id)) duplicates++;
    expected.delete(info.movie_id);
    expected.set(info.movie_id, stored);
    if (end === "") break;
  }
  return {
    bytes: encode(parts, encoding),
    encoding,
    delimiter,
    header,
    expected,
    rowsRead,
    duplicates,
    blankRows,
    rejectedLines,
    multiLineRecords,
  };
}

function encode(parts: readonly (string | Uint8Array)[], encoding: FanOutEncoding): Uint8Array {
  const chunks: Uint8Array[] = [];
  if (encoding === "utf-8-bom") chunks.push(new Uint8Array([0xef, 0xbb, 0xbf]));
  if (encoding === "utf-16le") chunks.push(new Uint8Array([0xff, 0xfe]));
  for (const part of parts) {
    if (typeof part !== "string") chunks.push(part);
    else if (encoding === "utf-16le") chunks.push(new Uint8Array(Buffer.from(part, "utf16le")));
    else if (encoding === "windows-1252") chunks.push(new Uint8Array(Buffer.from(part, "latin1")));
    else chunks.push(new Uint8Array(Buffer.from(part, "utf8")));
  }
  return new Uint8Array(Buffer.concat(chunks));
}
