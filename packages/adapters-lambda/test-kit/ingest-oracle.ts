import type { CsvRecord, MovieInfo } from "@movies/domain";

/**
 * An independent reading of the catalogue rules (README and docs), for fuzz tests: given the records a CSV parses
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
  /** The line of a first record that looks like a header but does not name each column once. */
  readonly invalidHeaderLine: number | undefined;
}

const COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"];
const MOVIE_ID = /^(?!\.+$)[A-Za-z0-9._-]{1,64}$/;
// Controls (C0 but tab, LF and CR; DEL; C1), bidi embeddings, overrides and isolates.
const FORBIDDEN = /[^\P{Cc}\t\n\r]|[\u202a-\u202e\u2066-\u2069]/u;
// Characters that draw nothing; a name or country needs one character outside this list.
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single code points, each tested alone
  /^[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0001}\u{e0020}-\u{e007f}\u{e0100}-\u{e01ef}]*$/u;

function isText(text: string, max: number): boolean {
  return (
    text.length > 0 && characters(text) <= max && !FORBIDDEN.test(text) && !INVISIBLE.test(text)
  );
}
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
export function oracleMovieInfo(
  fields: readonly string[],
  order: readonly number[] = [0, 1, 2, 3],
): MovieInfo | undefined {
  if (fields.length !== 4) return undefined;
  const [id, name, country, date] = order.map((i) => (fields[i] ?? "").trim()) as [
    string,
    string,
    string,
    string,
  ];
  if (!MOVIE_ID.test(id)) return undefined;
  if (!isText(name, 500) || !isText(country, 100)) return undefined;
  if (!isCalendarDate(date)) return undefined;
  return { movie_id: id, name, country_of_origin: country, release_date: date };
}

export function oracle(records: readonly CsvRecord[]): OracleOutcome {
  let headerRows = 0;
  let blankRows = 0;
  let rowsRead = 0;
  let duplicates = 0;
  let sawData = false;
  let order = [0, 1, 2, 3];
  // The file fails there, before anything is stored.
  let invalidHeaderLine: number | undefined;
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
      // A header: not a valid row, and at least half its fields name columns.
      const names = fields.map((field) => field.trim().toLowerCase());
      const named = names.filter((name) => COLUMNS.includes(name)).length;
      if (oracleMovieInfo(fields) === undefined && named * 2 >= names.length) {
        if (names.length !== 4 || new Set(names).size !== 4 || named !== 4) {
          invalidHeaderLine = line;
          break;
        }
        order = COLUMNS.map((column) => names.indexOf(column));
        headerRows++;
        continue;
      }
    }
    rowsRead++;
    const info = oracleMovieInfo(fields, order);
    if (info === undefined) {
      rejectedLines.push(line);
      continue;
    }
    if (expected.has(info.movie_id)) duplicates++;
    expected.delete(info.movie_id);
    expected.set(info.movie_id, info);
  }
  return {
    headerRows,
    blankRows,
    rowsRead,
    rejectedLines,
    duplicates,
    expected,
    invalidHeaderLine,
  };
}
