import type { MovieInfo } from "./movie.ts";
import { movieInfoProblems } from "./movie-info-rules.ts";

/** The columns of the catalogue CSV, in order; also the optional header row. */
export const CSV_COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"] as const;

/** A blank line: the CSV parser gives it as one empty (or whitespace-only) field. */
export function isBlankRecord(fields: readonly string[]): boolean {
  // No fields at all carries no data either; rejecting it as "found 0 fields" would only confuse.
  return fields.length === 0 || (fields.length === 1 && (fields[0] as string).trim() === "");
}

/**
 * Where each column of `CSV_COLUMNS` is in a record: the file's column order. Every index is one
 * of a record's four fields (`readHeader` gives an order only when it finds every column).
 */
export type CsvColumnOrder = readonly number[];

/** The order of a file without a header. */
export const DEFAULT_COLUMN_ORDER: CsvColumnOrder = [0, 1, 2, 3];

/** Why a header-like first record cannot map the columns. */
export interface HeaderProblems {
  readonly unknown: readonly string[];
  readonly missing: readonly string[];
  readonly repeated: readonly string[];
}

/**
 * What the first non-blank record of a file is: a header mapping the columns, a header that
 * cannot (with why), or `undefined` for data.
 *
 * A record looks like a header when it is not a valid movie row and at least half of its fields,
 * trimmed and in any letter case, are column names. So a valid row is always data, even for a
 * movie called "name" from a country called "country_of_origin"; a broken first row is data (and
 * rejected on its own) unless it mostly names columns; and a header with a typo or an extra or
 * missing column is caught instead of being read as a row whose id is "movie_id".
 */
export function readHeader(
  fields: readonly string[],
): { readonly order: CsvColumnOrder } | { readonly problems: HeaderProblems } | undefined {
  const names = fields.map((field) => field.trim());
  const indexes = names.map((name) => CSV_COLUMNS.indexOf(name.toLowerCase() as CsvColumn));
  const named = indexes.filter((index) => index >= 0).length;
  if (named * 2 < fields.length) return undefined;
  if (typeof movieInfoFromCsvFields(fields) !== "string") return undefined;
  const order = CSV_COLUMNS.map((_, column) => indexes.indexOf(column));
  const unknown = names.filter((_, i) => indexes[i] === -1);
  const missing = CSV_COLUMNS.filter((_, column) => order[column] === -1);
  const repeated = CSV_COLUMNS.filter(
    (_, column) => indexes.filter((index) => index === column).length > 1,
  );
  if (unknown.length === 0 && missing.length === 0 && repeated.length === 0) return { order };
  return { problems: { unknown, missing, repeated } };
}

type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * The movie info of a data row whose columns are in `order`, its fields trimmed; or, as a string,
 * the reason the row is rejected, naming every failing field. Returning the reason instead of
 * throwing keeps a file full of bad rows as fast as a clean one.
 */
export function movieInfoFromCsvFields(
  fields: readonly string[],
  order: CsvColumnOrder = DEFAULT_COLUMN_ORDER,
): MovieInfo | string {
  if (fields.length !== CSV_COLUMNS.length) {
    return `expected ${CSV_COLUMNS.length} fields, found ${fields.length}`;
  }
  const movieId = (fields[order[0] as number] as string).trim();
  const name = (fields[order[1] as number] as string).trim();
  const country = (fields[order[2] as number] as string).trim();
  const releaseDate = (fields[order[3] as number] as string).trim();
  const errors = movieInfoProblems(movieId, name, country, releaseDate);
  if (errors !== undefined) return errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return { movie_id: movieId, name, country_of_origin: country, release_date: releaseDate };
}
