import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { releaseDateProblem, validateMovieInfo } from "./movie-info-rules.ts";
import {
  brokenMovieInfo,
  isoDate,
  MOVIE_INFO_FIELDS,
  padding,
  validMovieInfo,
} from "./testing/csv-record-arbitraries.ts";
import { fieldErrorsOf, fieldsOf } from "./testing/validation-errors.ts";

const RUNS = { numRuns: 1000 };

const INTERSTELLAR = {
  movie_id: "mv1",
  name: "Interstellar",
  country_of_origin: "United States",
  release_date: "2014-10-26",
};

/** An oracle independent of the code under test: the calendar of `Date`. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

describe("validateMovieInfo", () => {
  it("accepts every valid movie info, storing name and country trimmed", () => {
    fc.assert(
      fc.property(validMovieInfo(), padding, padding, (info, left, right) => {
        const raw = {
          ...info,
          name: `${left}${info.name}${right}`,
          country_of_origin: `${right}${info.country_of_origin}${left}`,
        };
        expect(validateMovieInfo(raw)).toEqual(info);
      }),
      RUNS,
    );
  });

  it("reports every broken field together, by name, in column order", () => {
    fc.assert(
      fc.property(brokenMovieInfo, ({ fields, broken }) => {
        const raw = Object.fromEntries(MOVIE_INFO_FIELDS.map((f, i) => [f, fields[i]]));
        const errors = fieldErrorsOf(() => validateMovieInfo(raw));
        expect(fieldsOf(errors)).toEqual(broken);
        for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it("says what is wrong with each kind of bad field", () => {
    const errors = fieldErrorsOf(() =>
      validateMovieInfo({
        movie_id: "mv 1",
        name: "   ",
        country_of_origin: "x".repeat(101),
        release_date: "26/10/2014",
      }),
    );
    expect(errors).toEqual([
      {
        field: "movie_id",
        message: 'may only contain A-Z a-z 0-9 - _ . (found " " at position 3)',
      },
      { field: "name", message: "must not be empty" },
      { field: "country_of_origin", message: "must be at most 100 characters (found 101)" },
      {
        field: "release_date",
        message: 'must be a date in the form YYYY-MM-DD (found "26/10/2014")',
      },
    ]);
  });

  it("counts characters, not UTF-16 units, against the length limits", () => {
    const emoji500 = "😀".repeat(500);
    expect(validateMovieInfo({ ...INTERSTELLAR, name: emoji500 }).name).toBe(emoji500);
    expect(
      fieldErrorsOf(() => validateMovieInfo({ ...INTERSTELLAR, name: `${emoji500}😀` })),
    ).toEqual([{ field: "name", message: "must be at most 500 characters (found 501)" }]);
    expect(validateMovieInfo({ ...INTERSTELLAR, country_of_origin: "é".repeat(100) })).toBeTruthy();
  });

  it("reports missing and non-string fields alongside broken ones", () => {
    expect(
      fieldErrorsOf(() =>
        validateMovieInfo({ movie_id: 7, name: "Up", release_date: "2009-13-01" }),
      ),
    ).toEqual([
      { field: "movie_id", message: "must be a string (found 7)" },
      { field: "country_of_origin", message: "is required" },
      { field: "release_date", message: "2009-13-01 is not a calendar date" },
    ]);
  });

  it("rejects what is not an object, and ignores properties it does not know", () => {
    expect(fieldErrorsOf(() => validateMovieInfo(null))).toEqual([
      { field: "movie_info", message: "must be an object (found null)" },
    ]);
    expect(fieldsOf(fieldErrorsOf(() => validateMovieInfo([INTERSTELLAR])))).toEqual([
      "movie_info",
    ]);
    expect(validateMovieInfo({ ...INTERSTELLAR, pk: "$movies#mv1", __edb_e__: "x" })).toEqual(
      INTERSTELLAR,
    );
  });
});

describe("release_date", () => {
  it.each([
    ["2014-02-30", "2014-02-30 is not a calendar date"],
    ["2100-02-29", "2100-02-29 is not a calendar date"],
    ["1900-02-29", "1900-02-29 is not a calendar date"],
    ["2014-04-31", "2014-04-31 is not a calendar date"],
    ["2014-00-10", "2014-00-10 is not a calendar date"],
    ["2014-01-00", "2014-01-00 is not a calendar date"],
    ["1849-12-31", "must be in the years 1850 to 2200 (found 1849-12-31)"],
    ["2201-01-01", "must be in the years 1850 to 2200 (found 2201-01-01)"],
    ["2014-1-05", 'must be a date in the form YYYY-MM-DD (found "2014-1-05")'],
    [
      "2014-01-05T00:00:00Z",
      'must be a date in the form YYYY-MM-DD (found "2014-01-05T00:00:00Z")',
    ],
    ["+02014-01-05", 'must be a date in the form YYYY-MM-DD (found "+02014-01-05")'],
    ["２０１４-01-05", 'must be a date in the form YYYY-MM-DD (found "２０１４-01-05")'],
    ["", "must not be empty"],
  ])("rejects %s", (date, message) => {
    expect(releaseDateProblem(date)).toBe(message);
  });

  it.each(["2000-02-29", "2024-02-29", "1850-01-01", "2200-12-31", "2014-10-26"])(
    "accepts %s",
    (date) => {
      expect(releaseDateProblem(date)).toBeUndefined();
    },
  );

  it("accepts a YYYY-MM-DD string exactly when it is a real date from 1850 to 2200", () => {
    const field = (max: number, near: number) =>
      fc.oneof(fc.integer({ min: 0, max: near }), fc.integer({ min: 0, max }));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1840, max: 2210 }), fc.integer({ min: 0, max: 9999 })),
        field(99, 13),
        field(99, 32),
        (year, month, day) => {
          const valid = year >= 1850 && year <= 2200 && isCalendarDate(year, month, day);
          expect(releaseDateProblem(isoDate(year, month, day)) === undefined).toBe(valid);
        },
      ),
      RUNS,
    );
  });
});
