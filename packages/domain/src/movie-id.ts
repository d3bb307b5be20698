import { ValidationError } from "./errors.ts";
import { describeValue, quote } from "./message-values.ts";

export const MOVIE_ID_MAX_LENGTH = 64;

// A lookup table instead of a regex: this runs for every CSV row and every request, a table walk
// over at most 64 characters is cheaper, and it can say which character broke the rule.
const ALLOWED = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") {
  ALLOWED[c.charCodeAt(0)] = 1;
}

/** Why `id` is not a movie id, or `undefined` when it is one. */
export function movieIdProblem(id: string): string | undefined {
  const length = id.length;
  if (length === 0) return "must not be empty";
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    // Past the table (U+0080 on) the entry is undefined, so not 1 either.
    if (ALLOWED[code] !== 1) {
      const char = String.fromCodePoint(id.codePointAt(i) ?? code);
      return `may only contain A-Z a-z 0-9 - _ . (found ${quote(char)} at position ${i + 1})`;
    }
  }
  // Every allowed character is one UTF-16 unit, so here the length is the character count.
  if (length > MOVIE_ID_MAX_LENGTH) {
    return `must be at most ${MOVIE_ID_MAX_LENGTH} characters (found ${length})`;
  }
  // "." and ".." are resolved away in a URL path (/movies/.. is /), and an id of dots only could
  // be stored but never read or rated; all such ids are refused, so the rule is one sentence.
  if (isDotsOnly(id)) return 'must not be made of dots only ("." and ".." cannot be in a URL path)';
  return undefined;
}

function isDotsOnly(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== DOT) return false;
  return true;
}

const DOT = 46;

export function isMovieId(value: unknown): value is string {
  return typeof value === "string" && movieIdProblem(value) === undefined;
}

/** The movie id `value` is, as given (never trimmed); a `ValidationError` on field `movie_id` otherwise. */
export function parseMovieId(value: unknown): string {
  if (typeof value !== "string") {
    throw new ValidationError([
      { field: "movie_id", message: `must be a string (found ${describeValue(value)})` },
    ]);
  }
  const problem = movieIdProblem(value);
  if (problem !== undefined) throw new ValidationError([{ field: "movie_id", message: problem }]);
  return value;
}
