import type { MovieInfo } from "@movies/domain";
import type { IngestReport } from "../src/ingest/ingest-report.ts";

/** The ingest report counts a catalogue must produce, known by construction. */
export type ExpectedCounts = Pick<
  IngestReport,
  "rows_read" | "written" | "rejected" | "duplicates" | "header_rows" | "blank_rows"
>;

export interface Catalogue {
  readonly csv: string;
  /** The last valid row of each movie id: exactly what the table must hold afterwards. */
  readonly expected: ReadonlyMap<string, MovieInfo>;
  /** Every valid row of each movie id, in file order: what a partial run may have stored. */
  readonly validRows: ReadonlyMap<string, readonly MovieInfo[]>;
  readonly counts: ExpectedCounts;
  /** The line each rejected row starts on, in file order. */
  readonly rejectedLines: readonly number[];
}

export interface CatalogueOptions {
  /** Every movie id starts with it (in some letter case); lowercase, so tests can find them. */
  readonly prefix: string;
  /** Distinct valid movies. */
  readonly movies: number;
  /** Further valid rows repeating an id with other values (the last one wins). */
  readonly duplicates: number;
  /** Rows that break a rule: wrong field count, bad id, impossible date, empty name. */
  readonly invalid: number;
  readonly blank?: number;
  readonly seed: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same file. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row =
  | { readonly kind: "valid"; readonly info: MovieInfo; readonly fields: readonly string[] }
  | { readonly kind: "invalid"; readonly fields: readonly string[] }
  | { readonly kind: "blank"; readonly fields: readonly string[] };

const NAMES = [
  "Interstellar",
  "Crouching Tiger, Hidden Dragon",
  'The "Best" Movie',
  "Two\nLines",
  "Amélie",
  "千と千尋の神隠し",
  "🎬 Film, with emoji",
  "  padded  ",
];
const COUNTRIES = ["United States", "France", "Japan", "Taiwan", "United Kingdom", "Peru"];

/**
 * A realistic catalogue CSV: header, valid rows (some ids differing from others only in letter
 * case, which are different movies), duplicates, invalid rows and blank lines in a seeded order,
 * with quoted commas, quotes and line breaks and mixed LF/CRLF line ends.
 */
export function catalogueCsv(options: CatalogueOptions): Catalogue {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const date = () =>
    `${1900 + Math.floor(random() * 120)}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
  const info = (movie_id: string, n: number): MovieInfo => {
    const name = `${pick(NAMES)} ${n}`;
    return {
      movie_id,
      name: name.trim(),
      country_of_origin: pick(COUNTRIES),
      release_date: date(),
    };
  };
  const validRow = (value: MovieInfo): Row => ({
    kind: "valid",
    info: value,
    // The name may carry spaces that trimming removes; the stored info has them trimmed.
    fields: [
      value.movie_id,
      random() < 0.1 ? `  ${value.name} ` : value.name,
      value.country_of_origin,
      value.release_date,
    ],
  });

  const ids: string[] = [];
  for (let i = 0; i < options.movies; i++) {
    // Every tenth movie has an id that differs from the previous one only in letter case.
    const id = i % 10 === 9 ? (ids[i - 1] as string).toUpperCase() : `${options.prefix}-${i}`;
    ids.push(id);
  }
  const rows: Row[] = ids.map((id, i) => validRow(info(id, i)));
  for (let i = 0; i < options.duplicates; i++) rows.push(validRow(info(pick(ids), 10_000 + i)));
  for (let i = 0; i < options.invalid; i++) {
    const id = `${options.prefix}-bad-${i}`;
    const broken: readonly (readonly string[])[] = [
      [id, "Too few fields", "Peru"],
      [id, "Too many", "Peru", "2001-01-01", "extra"],
      [`${id}/slash`, "Bad id", "Peru", "2001-01-01"],
      [id, "Impossible date", "Peru", "2014-02-30"],
      [id, "   ", "Peru", "2001-01-01"],
      [id, "Year out of range", "Peru", "1849-12-31"],
    ];
    rows.push({ kind: "invalid", fields: pick(broken) });
  }
  for (let i = 0; i < (options.blank ?? 0); i++) rows.push({ kind: "blank", fields: [""] });
  // Seeded Fisher-Yates.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as Row, rows[i] as Row];
  }

  let csv = "movie_id,name,country_of_origin,release_date\r\n";
  let line = 2;
  const expected = new Map<string, MovieInfo>();
  const validRows = new Map<string, MovieInfo[]>();
  const rejectedLines: number[] = [];
  let duplicates = 0;
  let rowsRead = 0;
  let blank = 0;
  for (const row of rows) {
    const text = row.fields.map((field) => quoteIfNeeded(field, random)).join(",");
    if (row.kind === "blank") blank++;
    else rowsRead++;
    if (row.kind === "invalid") rejectedLines.push(line);
    if (row.kind === "valid") {
      if (expected.has(row.info.movie_id)) duplicates++;
      expected.delete(row.info.movie_id);
      expected.set(row.info.movie_id, row.info);
      validRows.set(row.info.movie_id, [...(validRows.get(row.info.movie_id) ?? []), row.info]);
    }
    csv += `${text}${random() < 0.5 ? "\n" : "\r\n"}`;
    line += 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
  }
  return {
    csv,
    expected,
    validRows,
    counts: {
      rows_read: rowsRead,
      written: expected.size,
      rejected: rejectedLines.length,
      duplicates,
      header_rows: 1,
      blank_rows: blank,
    },
    rejectedLines,
  };
}

function quoteIfNeeded(field: string, random: () => number): string {
  if (/[",\r\n]/.test(field) || random() < 0.1) return `"${field.replaceAll('"', '""')}"`;
  return field;
}
