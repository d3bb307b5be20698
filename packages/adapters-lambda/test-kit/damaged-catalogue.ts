import { gzipSync } from "node:zlib";
import type { MovieInfo } from "@movies/domain";
import { seededRandom } from "./catalogue-csv.ts";
import { oracleMovieInfo } from "./ingest-oracle.ts";

/**
 * Valid catalogues, written as real exports write them (any of the encodings, delimiters, line
 * ends and quoting a spreadsheet produces), then damaged in several records at random: what an
 * ingest must make of them is known by construction, written here apart from the reader.
 */

export const DAMAGE_KINDS = [
  "stray-quote", // "The "Best" Movie": a quote inside a quoted field, not doubled
  "text-after-quote", // "Name"x
  "never-closed", // "Name... and no closing quote
  "too-long", // a record over 64 KiB
  "invalid-bytes", // bytes that do not decode in a UTF-8 or UTF-16 file
] as const;
export type DamageKind = (typeof DAMAGE_KINDS)[number];

export const FILE_ENCODINGS = [
  "utf-8",
  "utf-8-bom",
  "utf-16le",
  "utf-16be",
  "windows-1252",
] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

export interface DamagedCatalogue {
  readonly bytes: Uint8Array;
  readonly encoding: FileEncoding;
  readonly delimiter: "," | ";" | "\t";
  readonly gzip: boolean;
  readonly header: boolean;
  /** Data records written (damaged or not). */
  readonly records: number;
  readonly blankLines: number;
  /** Each damaged record: its kind and the lines it spans (first, last). */
  readonly damaged: readonly { kind: DamageKind; first: number; last: number }[];
  /** The last undamaged row of each movie id: exactly what the table must hold. */
  readonly expected: ReadonlyMap<string, MovieInfo>;
  /** Undamaged rows whose id an earlier undamaged row had. */
  readonly duplicates: number;
}

const NAMES = [
  "Interstellar",
  "Crouching Tiger, Hidden Dragon",
  'The "Best" Movie',
  // A line of a name never starts like a movie id, so no line of a damaged record, read again
  // on its own, can pass for a row.
  "Two\n(Lines)",
  "Three\r\n(Lines); really",
  "Amélie",
  "Café Noël",
  "Semi; colon",
  "千と千尋の神隠し",
  "🎬 Film, with emoji",
];
const LATIN_NAMES = ["Interstellar", "Amélie", "Café Noël", "Crouching Tiger, Hidden Dragon"];
const COUNTRIES = ["United States", "France", "Japan", "Côte d'Ivoire", "Peru"];
const HEADER = ["movie_id", "name", "country_of_origin", "release_date"];
const LONG = 70_000;

export function damagedCatalogue(seed: number): DamagedCatalogue {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const encoding = pick(FILE_ENCODINGS);
  const delimiter = pick([",", ";", "\t"] as const);
  const names = encoding === "windows-1252" ? LATIN_NAMES : NAMES;
  const header = random() < 0.5;
  const count = 1 + Math.floor(random() * 30);
  const ids = Array.from(
    { length: Math.max(1, Math.floor(count * 0.8)) },
    (_, i) => `m${seed}-${i}`,
  );
  const rows: MovieInfo[] = Array.from({ length: count }, (_, i) => ({
    movie_id: pick(ids),
    name: `${pick(names)} ${i}`,
    country_of_origin: pick(COUNTRIES),
    release_date: `${1900 + Math.floor(random() * 120)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
  }));
  // Several damaged records per file, the first and last lines included often.
  const damagedAt = new Map<number, DamageKind>();
  const kinds = DAMAGE_KINDS.filter(
    (k) => k !== "invalid-bytes" || (encoding !== "windows-1252" && encoding !== "utf-8"),
  ).filter((k) => k !== "too-long" || random() < 0.1);
  const damages = Math.floor(random() * Math.min(4, count + 1));
  for (let d = 0; d < damages; d++) {
    const at = random() < 0.3 ? (random() < 0.5 ? 0 : count - 1) : Math.floor(random() * count);
    damagedAt.set(at, pick(kinds));
  }
  // A quote never closed reads up to the next quote of the file, which this generator always
  // follows with text (a quoted field never starts with a delimiter or a line break), or to the
  // end, or 64 KiB on: each way it is rejected on its own line.

  const field = (text: string) =>
    /[",;\t\r\n]/.test(text) || random() < 0.1 ? `"${text.replaceAll('"', '""')}"` : text;
  const parts: string[] = [];
  let line = 1;
  let blankLines = 0;
  const damaged: { kind: DamageKind; first: number; last: number }[] = [];
  const expected = new Map<string, MovieInfo>();
  let duplicates = 0;
  const lineEnd = () => (random() < 0.5 ? "\n" : "\r\n");
  const push = (text: string) => {
    parts.push(text);
    line += text.match(/\r\n|\r|\n/g)?.length ?? 0;
  };
  if (header) push(HEADER.join(delimiter) + lineEnd());
  rows.forEach((row, i) => {
    if (random() < 0.1) {
      blankLines++;
      push(lineEnd());
    }
    const kind = damagedAt.get(i);
    const first = line;
    const fields = [row.movie_id, field(row.name), field(row.country_of_origin), row.release_date];
    if (kind === "stray-quote") fields[1] = `"${row.name.replaceAll('"', '""')} "cut" here"`;
    if (kind === "text-after-quote") fields[1] = `"${row.name.replaceAll('"', '""')}"x`;
    if (kind === "never-closed") fields[1] = `"${row.name.replaceAll('"', '""')}`;
    if (kind === "too-long") fields[1] = "x".repeat(LONG);
    if (kind === "invalid-bytes") fields[1] = `${fields[1]}\u0000INVALID\u0000`;
    const text = fields.join(delimiter);
    push(text + (i < count - 1 || random() < 0.7 ? lineEnd() : ""));
    if (kind !== undefined) {
      damaged.push({ kind, first, last: first + (text.match(/\r\n|\r|\n/g)?.length ?? 0) });
      return;
    }
    const info = oracleMovieInfo([row.movie_id, row.name, row.country_of_origin, row.release_date]);
    if (info === undefined) throw new Error(`generated an invalid row: ${JSON.stringify(row)}`);
    if (expected.has(info.movie_id)) duplicates++;
    expected.delete(info.movie_id);
    expected.set(info.movie_id, info);
  });
  let bytes = encode(parts.join(""), encoding);
  const gzip = random() < 0.2;
  if (gzip) bytes = new Uint8Array(gzipSync(bytes));
  return {
    bytes,
    encoding,
    delimiter,
    gzip,
    header,
    records: count,
    blankLines,
    damaged,
    expected,
    duplicates,
  };
}

/** The text in the file's encoding; each `\0INVALID\0` becomes bytes that do not decode. */
function encode(text: string, encoding: FileEncoding): Uint8Array {
  const pieces = text.split("\u0000INVALID\u0000");
  const out: Uint8Array[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) {
      if (encoding === "utf-16le")
        out.push(Uint8Array.of(0x00, 0xd8)); // a lone high surrogate
      else if (encoding === "utf-16be") out.push(Uint8Array.of(0xd8, 0x00));
      else out.push(Uint8Array.of(0xff, 0xc3)); // never UTF-8
    }
    out.push(encodePiece(piece, encoding, i === 0));
  });
  return new Uint8Array(Buffer.concat(out));
}

function encodePiece(text: string, encoding: FileEncoding, first: boolean): Uint8Array {
  switch (encoding) {
    case "utf-8":
      return new TextEncoder().encode(text);
    case "utf-8-bom":
      return new TextEncoder().encode(first ? `\uFEFF${text}` : text);
    case "utf-16le":
      return new Uint8Array(Buffer.from(first ? `\uFEFF${text}` : text, "utf16le"));
    case "utf-16be": {
      const le = new Uint8Array(Buffer.from(first ? `\uFEFF${text}` : text, "utf16le"));
      return Uint8Array.from(le, (_, i) => le[i ^ 1] as number);
    }
    case "windows-1252":
      // Only Latin-1 letters are used, which Windows-1252 writes as Latin-1 does.
      return new Uint8Array(Buffer.from(text, "latin1"));
  }
}
