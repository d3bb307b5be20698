import { characterKind, codePointLabel } from "./characters.ts";
import { type FieldError, ValidationError } from "./errors.ts";
import { describeValue, isRecord, quote } from "./message-values.ts";
import type { MovieInfo } from "./movie.ts";
import { movieIdProblem } from "./movie-id.ts";

export const NAME_MAX_LENGTH = 500;
export const COUNTRY_MAX_LENGTH = 100;
export const RELEASE_YEAR_MIN = 1850;
export const RELEASE_YEAR_MAX = 2200;

/** Why an already trimmed name breaks its rule, or `undefined` when it does not. */
export function nameProblem(trimmed: string): string | undefined {
  return textProblem(trimmed, NAME_MAX_LENGTH);
}

/** Why an already trimmed country of origin breaks its rule, or `undefined` when it does not. */
export function countryOfOriginProblem(trimmed: string): string | undefined {
  return textProblem(trimmed, COUNTRY_MAX_LENGTH);
}

function textProblem(trimmed: string, max: number): string | undefined {
  if (trimmed.length === 0) return "must not be empty";
  // UTF-16 units never undercount characters, so counting code points is only needed (and only
  // paid for) when the unit count is over the limit.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent; counting code points of a text within the limit in units finds it within the limit too.
  if (trimmed.length > max) {
    const characters = codePointCount(trimmed);
    if (characters > max) return `must be at most ${max} characters (found ${characters})`;
  }
  return characterProblem(trimmed);
}

/** Why the characters of a non-empty text break the rules of `characters.ts`, if they do. */
function characterProblem(text: string): string | undefined {
  let visible = false;
  let firstInvisible = 0;
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    position++;
    // Printable ASCII, nearly every character of a catalogue, without a call.
    const unit = text.charCodeAt(i);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: equivalent; characterKind, below, finds printable ASCII ordinary as well, only with a call.
    if (unit >= 0x20 && unit < 0x7f) {
      visible = true;
      continue;
    }
    const code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    const kind = characterKind(code);
    if (kind === undefined) visible = true;
    else if (kind === "invisible") firstInvisible ||= code;
    else if (kind === "control") {
      return `must not contain control characters (found ${codePointLabel(code)} at position ${position})`;
    } else {
      return (
        "must not contain bidirectional overrides or isolates, which change the order text is " +
        `shown in (found ${codePointLabel(code)} at position ${position})`
      );
    }
  }
  if (visible) return undefined;
  return `must have a visible character (found only invisible ones, such as ${codePointLabel(firstInvisible)})`;
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    // Over U+FFFF exactly when a surrogate pair starts here; a lone surrogate counts as one.
    if ((text.codePointAt(i) as number) > 0xffff) i++;
    count++;
  }
  return count;
}

/** Why `date` is not an existing `YYYY-MM-DD` date from 1850 to 2200, or `undefined` when it is. */
export function releaseDateProblem(date: string): string | undefined {
  if (date.length === 0) return "must not be empty";
  // Hand-rolled rather than `Date.parse`, which accepts other shapes and silently rolls
  // 2014-02-30 over to March.
  const year = date.length === 10 ? digitsAt(date, 0, 4) : -1;
  const month = year < 0 || date.charCodeAt(4) !== DASH ? -1 : digitsAt(date, 5, 2);
  const day = month < 0 || date.charCodeAt(7) !== DASH ? -1 : digitsAt(date, 8, 2);
  if (day < 0) return `must be a date in the form YYYY-MM-DD (found ${quote(date)})`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return `${date} is not a calendar date`;
  }
  if (year < RELEASE_YEAR_MIN || year > RELEASE_YEAR_MAX) {
    return `must be in the years ${RELEASE_YEAR_MIN} to ${RELEASE_YEAR_MAX} (found ${date})`;
  }
  return undefined;
}

const DASH = 45;
const ZERO = 48;

/** The decimal number in `text[start, start + count)`, or -1 when a character is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Every rule a movie info breaks, each by field; `undefined` when it breaks none. Name and
 * country must already be trimmed. Allocates nothing for a valid info: it runs once per CSV row.
 */
export function movieInfoProblems(
  movieId: string,
  name: string,
  countryOfOrigin: string,
  releaseDate: string,
): FieldError[] | undefined {
  let errors: FieldError[] | undefined;
  const idMessage = movieIdProblem(movieId);
  if (idMessage !== undefined) errors = appendError(errors, "movie_id", idMessage);
  const nameMessage = nameProblem(name);
  if (nameMessage !== undefined) errors = appendError(errors, "name", nameMessage);
  const countryMessage = countryOfOriginProblem(countryOfOrigin);
  if (countryMessage !== undefined) {
    errors = appendError(errors, "country_of_origin", countryMessage);
  }
  const dateMessage = releaseDateProblem(releaseDate);
  if (dateMessage !== undefined) errors = appendError(errors, "release_date", dateMessage);
  return errors;
}

function appendError(
  errors: FieldError[] | undefined,
  field: string,
  message: string,
): FieldError[] {
  const list = errors ?? [];
  list.push({ field, message });
  return list;
}

/**
 * The movie info in `raw` (an object with the four fields), with name and country
 * trimmed as they are stored; a `ValidationError` listing every failing field otherwise. Other
 * properties are ignored, so a stored item with extra attributes can be read back through it.
 */
export function validateMovieInfo(raw: unknown): MovieInfo {
  if (!isRecord(raw)) {
    throw new ValidationError([
      { field: "movie_info", message: `must be an object (found ${describeValue(raw)})` },
    ]);
  }
  const errors: FieldError[] = [];
  const movieId = readField(raw, "movie_id", false, movieIdProblem, errors);
  const name = readField(raw, "name", true, nameProblem, errors);
  const country = readField(raw, "country_of_origin", true, countryOfOriginProblem, errors);
  const releaseDate = readField(raw, "release_date", false, releaseDateProblem, errors);
  if (
    movieId === undefined ||
    name === undefined ||
    country === undefined ||
    releaseDate === undefined
  ) {
    throw new ValidationError(errors);
  }
  return { movie_id: movieId, name, country_of_origin: country, release_date: releaseDate };
}

/** The field's valid value, or `undefined` after adding why it is not one to `errors`. */
function readField(
  raw: Readonly<Record<string, unknown>>,
  field: string,
  trim: boolean,
  problem: (value: string) => string | undefined,
  errors: FieldError[],
): string | undefined {
  if (!Object.hasOwn(raw, field)) {
    errors.push({ field, message: "is required" });
    return undefined;
  }
  const rawValue = raw[field];
  if (typeof rawValue !== "string") {
    errors.push({ field, message: `must be a string (found ${describeValue(rawValue)})` });
    return undefined;
  }
  const value = trim ? rawValue.trim() : rawValue;
  const message = problem(value);
  if (message === undefined) return value;
  errors.push({ field, message });
  return undefined;
}
