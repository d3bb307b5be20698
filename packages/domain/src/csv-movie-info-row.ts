import type { MovieInfo } from "./movie.ts";
import { movieInfoProblems } from "./movie-info-rules.ts";

/** The columns of the catalogue CSV, in order; also the optional header row (SPEC §4.1). */
export const CSV_COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"] as const;

/** A blank line: the CSV parser gives it as one empty (or whitespace-only) field. */
export function isBlankRecord(fields: readonly string[]): boolean {
  // No fields at all carries no data either; rejecting it as "found 0 fields" would only confuse.
  return fields.length === 0 || (fields.length === 1 && (fields[0] ?? "").trim() === "");
}

/** The header row, in any letter case, with any surrounding spaces. */
export function isHeaderRecord(fields: readonly string[]): boolean {
  if (fields.length !== CSV_COLUMNS.length) return false;
  for (let i = 0; i < CSV_COLUMNS.length; i++) {
    if ((fields[i] ?? "").trim().toLowerCase() !== CSV_COLUMNS[i]) return false;
  }
  return true;
}

/**
 * The movie info of a data row, its fields trimmed; or, as a string, the reason the row is
 * rejected, naming every failing field. Returning the reason instead of throwing keeps a file
 * full of bad rows as fast as a clean one.
 */
export function movieInfoFromCsvFields(fields: readonly string[]): MovieInfo | string {
  if (fields.length !== CSV_COLUMNS.length) {
    return `expected ${CSV_COLUMNS.length} fields, found ${fields.length}`;
  }
  const movieId = (fields[0] ?? "").trim();
  const name = (fields[1] ?? "").trim();
  const country = (fields[2] ?? "").trim();
  const releaseDate = (fields[3] ?? "").trim();
  const errors = movieInfoProblems(movieId, name, country, releaseDate);
  if (errors !== undefined) return errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return { movie_id: movieId, name, country_of_origin: country, release_date: releaseDate };
}
