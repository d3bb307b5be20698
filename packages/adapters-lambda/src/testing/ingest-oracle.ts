import type { CsvRecord, MovieInfo } from "@movies/domain";

/**
 * An independent reading of SPEC §2 and §4.1, for fuzz tests: given the records a CSV parses
 * into, what an ingest must report and store. Written from the spec, not from the domain's code,
 * so that both have to agree.
 */
export interface OracleOutcome {
  readonly headerRows: number;
  readonly blankRows: number;
  readonly rowsRead: number;
  readonly rejectedLines: readonly number[];
  readonly duplicates: number;
  /** The last valid row of each id, trimmed. */
  readonly expected: ReadonlyMap<string, MovieInfo>;
}

const COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"];
const MOVIE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function characters(text: string): number {
  return [...text].length;
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (year < 1850 || year > 2200) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** The movie info a data row holds per the spec, or undefined when the row must be rejected. */
export function oracleMovieInfo(fields: readonly string[]): MovieInfo | undefined {
  if (fields.length !== 4) return undefined;
  const [id, name, country, date] = fields.map((f) => f.trim()) as [string, string, string, string];
  if (!MOVIE_ID.test(id)) return undefined;
  if (name.length === 0 || characters(name) > 500) return undefined;
  if (country.length === 0 || characters(country) > 100) return undefined;
  if (!isCalendarDate(date)) return undefined;
  return { movie_id: id, name, country_of_origin: country, release_date: date };
}

export function oracle(records: readonly CsvRecord[]): OracleOutcome {
  let headerRows = 0;
  let blankRows = 0;
  let rowsRead = 0;
  let duplicates = 0;
  let sawData = false;
  const rejectedLines: number[] = [];
  const expected = new Map<string, MovieInfo>();
  for (const { line, fields, rejected } of records) {
    if (rejected !== undefined) {
      // The reader could not read it (a damaged record): a rejected data row.
      sawData = true;
      rowsRead++;
      rejectedLines.push(line);
      continue;
    }
    if (fields.length === 0 || (fields.length === 1 && (fields[0] ?? "").trim() === "")) {
      blankRows++;
      continue;
    }
    if (!sawData) {
      sawData = true;
      if (
        fields.length === 4 &&
        fields.every((field, i) => field.trim().toLowerCase() === COLUMNS[i])
      ) {
        headerRows++;
        continue;
      }
    }
    rowsRead++;
    const info = oracleMovieInfo(fields);
    if (info === undefined) {
      rejectedLines.push(line);
      continue;
    }
    if (expected.has(info.movie_id)) duplicates++;
    expected.delete(info.movie_id);
    expected.set(info.movie_id, info);
  }
  return { headerRows, blankRows, rowsRead, rejectedLines, duplicates, expected };
}
