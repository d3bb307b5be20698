// Test-only generators for property tests; deliberately not part of the `./testing` export,
// since fast-check is a dev dependency.
import fc from "fast-check";
import type { CsvRecord } from "../ingest-movie-infos.ts";
import type { MovieInfo } from "../movie.ts";

const ID_CHARS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."];

/** Any movie id the rules allow: 1 to 64 characters of the alphabet, not dots only. */
export const validMovieId = fc
  .string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 64 })
  .filter((id) => !/^\.+$/.test(id));

/** Ids from a pool of 39, so that inputs repeat ids often. */
export const crowdedMovieId = fc.string({
  unit: fc.constantFrom("a", "b", "c"),
  minLength: 1,
  maxLength: 3,
});

/** Spaces a CSV field may carry around its value, which trimming removes. */
export const padding = fc.constantFrom("", "", " ", "  ", "\t", " \t ");

// Written apart from the rules they check: no C0/C1 control but tab and line breaks, no bidi
// embedding, override or isolate, and one letter, digit, punctuation or symbol that is no filler.
const FORBIDDEN = /[^\P{Cc}\t\n\r]|[\u202a-\u202e\u2066-\u2069]/u;
const FILLERS = /[\u115f\u1160\u17b4\u17b5\u3164\uffa0]/gu;
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Whether a generated text may be a name or country, by these independent rules. */
function allowedText(s: string): boolean {
  return s.length > 0 && !FORBIDDEN.test(s) && VISIBLE.test(s.replace(FILLERS, ""));
}

/** A short valid name or country, 1 to 20 graphemes, with no spaces around it. */
export const shortText = fc
  .string({ unit: "grapheme-composite", minLength: 1, maxLength: 20 })
  .map((s) => s.trim())
  .filter(allowedText);

function text(maxCodePoints: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      {
        weight: 8,
        arbitrary: fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 20 }),
      },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: "grapheme-composite",
          minLength: maxCodePoints - 2,
          maxLength: maxCodePoints,
        }),
      },
      // Astral characters are two UTF-16 units each: a limit counted in units would refuse these.
      { weight: 1, arbitrary: fc.constant("😀".repeat(maxCodePoints)) },
    )
    .map((s) => s.trim())
    .filter(allowedText);
}

/** A name that is valid once trimmed. */
export const validName = text(500);
/** A country of origin that is valid once trimmed. */
export const validCountry = text(100);

export function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

export const validReleaseDate = fc
  .record({ year: fc.integer({ min: 1850, max: 2200 }), month: fc.integer({ min: 1, max: 12 }) })
  .chain(({ year, month }) =>
    fc.integer({ min: 1, max: daysInMonth(year, month) }).map((day) => isoDate(year, month, day)),
  );

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function validMovieInfo(id: fc.Arbitrary<string> = validMovieId): fc.Arbitrary<MovieInfo> {
  return fc.record({
    movie_id: id,
    name: validName,
    country_of_origin: validCountry,
    release_date: validReleaseDate,
  });
}

/** Text with a control or bidi character inside, or of invisible characters only. */
const unseenText = fc.oneof(
  fc
    .tuple(
      shortText,
      fc.constantFrom("\u0000", "\u001b[0m", "\b", "\u0085", "\u007f", "\u202e", "\u2067"),
      shortText,
    )
    .map(([before, bad, after]) => `${before}${bad}${after}`),
  fc
    .array(fc.constantFrom("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"), {
      minLength: 1,
      maxLength: 5,
    })
    .map((chars) => chars.join("")),
);

/** Invalid values per field, none containing "; " so a reason splits cleanly into its parts. */
export const invalidValue = {
  movie_id: fc.oneof(
    fc.constantFrom("", "   "),
    fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 65, maxLength: 80 }),
    fc
      .tuple(validMovieId, fc.constantFrom("/", "#", "é", "😀", "@", ",", "*", "a b", "\u0000"))
      .map(([id, bad]) => `${id}${bad}${id}`),
    fc.string({ unit: fc.constant("."), minLength: 1, maxLength: 64 }),
  ),
  name: fc.oneof(
    unseenText,
    fc.constantFrom("", " ", "\t"),
    fc
      .string({ unit: "grapheme-ascii", minLength: 501, maxLength: 520 })
      .filter((s) => s.trim().length > 500),
    fc.constant("😀".repeat(501)),
  ),
  country_of_origin: fc.oneof(
    unseenText,
    fc.constantFrom("", " ", "\t"),
    fc
      .string({ unit: "grapheme-ascii", minLength: 101, maxLength: 120 })
      .filter((s) => s.trim().length > 100),
  ),
  release_date: fc.constantFrom(
    "",
    "2014-2-3",
    "14-02-03",
    "2014/02/03",
    "20140203",
    "2014-02-03T00:00",
    "abcd-ef-gh",
    "2014-02-30",
    "2100-02-29",
    "1900-02-29",
    "2014-13-01",
    "2014-00-10",
    "2014-04-31",
    "2014-01-00",
    "1849-12-31",
    "2201-01-01",
    "0000-01-01",
  ),
} as const;

export type MovieInfoField = keyof typeof invalidValue;
export const MOVIE_INFO_FIELDS: readonly MovieInfoField[] = [
  "movie_id",
  "name",
  "country_of_origin",
  "release_date",
];

/** A movie info with at least one field broken, and which ones, in column order. */
export const brokenMovieInfo: fc.Arbitrary<{ fields: string[]; broken: MovieInfoField[] }> = fc
  .record({
    info: validMovieInfo(),
    broken: fc.subarray([...MOVIE_INFO_FIELDS], { minLength: 1 }),
  })
  .chain(({ info, broken }) =>
    fc.tuple(...broken.map((field) => invalidValue[field])).map((values) => {
      const row: Record<MovieInfoField, string> = { ...info };
      broken.forEach((field, i) => {
        row[field] = values[i] ?? "";
      });
      return { fields: MOVIE_INFO_FIELDS.map((f) => row[f]), broken };
    }),
  );

/** What a generated record is, known by construction so that tests need not classify it. */
export type Item =
  | { readonly kind: "valid"; readonly info: MovieInfo; readonly fields: readonly string[] }
  | {
      readonly kind: "invalid";
      readonly broken: readonly string[];
      readonly fields: readonly string[];
      /** The header's text, which is data (and invalid) anywhere but first. */
      readonly headerLike?: true;
    }
  | { readonly kind: "wrong-count"; readonly fields: readonly string[] }
  | { readonly kind: "blank"; readonly fields: readonly string[] }
  | { readonly kind: "header"; readonly fields: readonly string[] };

function padded(values: readonly string[]): fc.Arbitrary<string[]> {
  return fc.tuple(...values.map((v) => fc.tuple(padding, padding).map(([l, r]) => `${l}${v}${r}`)));
}

export function validItem(id: fc.Arbitrary<string> = crowdedMovieId): fc.Arbitrary<Item> {
  return validMovieInfo(id).chain((info) =>
    padded([info.movie_id, info.name, info.country_of_origin, info.release_date]).map(
      (fields): Item => ({ kind: "valid", info, fields }),
    ),
  );
}

/**
 * Whether any field is a column name. A broken row is generated without one, so that it is a
 * rejected row even when first; header-like first rows have tests of their own.
 */
function namesAColumn(fields: readonly string[]): boolean {
  return fields.some((field) => COLUMN_NAMES.includes(field.trim().toLowerCase()));
}

const COLUMN_NAMES = ["movie_id", "name", "country_of_origin", "release_date"];

export const invalidItem: fc.Arbitrary<Item> = brokenMovieInfo
  .filter(({ fields }) => !namesAColumn(fields))
  .map(({ fields, broken }): Item => ({ kind: "invalid", broken, fields }));

export const wrongCountItem: fc.Arbitrary<Item> = fc
  .oneof(
    fc.array(fc.string({ maxLength: 5 }), { minLength: 2, maxLength: 3 }),
    fc.array(fc.string({ maxLength: 5 }), { minLength: 5, maxLength: 8 }),
    fc
      .string({ minLength: 1, maxLength: 10 })
      .filter((s) => s.trim() !== "")
      .map((s) => [s]),
  )
  .filter((fields) => !namesAColumn(fields))
  .map((fields): Item => ({ kind: "wrong-count", fields }));

export const blankItem: fc.Arbitrary<Item> = fc
  .constantFrom("", " ", "\t", "  \t")
  .map((f): Item => ({ kind: "blank", fields: [f] }));

export const headerFields: fc.Arbitrary<string[]> = fc.tuple(
  ...COLUMN_NAMES.map((column) =>
    fc
      .tuple(fc.boolean(), padding, padding)
      .map(([upper, l, r]) => `${l}${upper ? column.toUpperCase() : column}${r}`),
  ),
);

/**
 * A catalogue: optional leading blank lines, an optional header, then any mix of rows. A header
 * anywhere else is data, and rejected (its release_date is no date).
 */
export function catalogue(
  row: fc.Arbitrary<Item>,
  options: { maxLength?: number } = {},
): fc.Arbitrary<Item[]> {
  return fc
    .record({
      leadingBlanks: fc.array(blankItem, { maxLength: 2 }),
      header: fc.option(headerFields, { nil: undefined }),
      rows: fc.array(row, { maxLength: options.maxLength ?? 60 }),
    })
    .map(({ leadingBlanks, header, rows }): Item[] => {
      if (header !== undefined)
        return [...leadingBlanks, { kind: "header", fields: header }, ...rows];
      const items = [...leadingBlanks, ...rows];
      const first = items.findIndex((item) => item.kind !== "blank");
      const firstItem = items[first];
      if (firstItem?.kind === "invalid" && firstItem.headerLike === true) {
        items[first] = { kind: "header", fields: firstItem.fields };
      }
      return items;
    });
}

export const anyRow: fc.Arbitrary<Item> = fc.oneof(
  { weight: 6, arbitrary: validItem() },
  { weight: 2, arbitrary: invalidItem },
  { weight: 1, arbitrary: wrongCountItem },
  { weight: 1, arbitrary: blankItem },
  {
    weight: 1,
    arbitrary: headerFields.map(
      (fields): Item => ({ kind: "invalid", broken: ["release_date"], fields, headerLike: true }),
    ),
  },
);

/** The items as parser records, on increasing lines with gaps (quoted fields can span lines). */
export function toRecords(items: readonly Item[], gaps: readonly number[] = []): CsvRecord[] {
  let line = 0;
  return items.map((item, i) => {
    line += 1 + (gaps[i % Math.max(gaps.length, 1)] ?? 0);
    return { line, fields: item.fields };
  });
}

/** The infos a store must hold after ingesting the items: the last valid row of each id. */
export function lastWins(items: readonly Item[]): Map<string, MovieInfo> {
  const expected = new Map<string, MovieInfo>();
  for (const item of items) if (item.kind === "valid") expected.set(item.info.movie_id, item.info);
  return expected;
}
