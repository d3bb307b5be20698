import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quote } from "./message-values.ts";
import {
  countryOfOriginProblem,
  nameProblem,
  releaseDateProblem,
  validateMovieInfo,
} from "./movie-info-rules.ts";
import {
  brokenMovieInfo,
  isoDate,
  MOVIE_INFO_FIELDS,
  padding,
  shortText,
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

  it("counts a lone surrogate as one character and a surrogate pair as one", () => {
    // 51 repeats of two UTF-16 units: 102 characters unless the two are one pair.
    for (const two of ["a\udc00", "\udc00\udc00", "\ud800a", "\ud800\ue000", "\uffffa"]) {
      expect(countryOfOriginProblem(two.repeat(51)), JSON.stringify(two)).toBe(
        "must be at most 100 characters (found 102)",
      );
    }
    for (const pair of ["\ud800\udc00", "\udbff\udfff"]) {
      expect(countryOfOriginProblem(pair.repeat(100)), JSON.stringify(pair)).toBeUndefined();
      expect(countryOfOriginProblem(pair.repeat(101)), JSON.stringify(pair)).toBe(
        "must be at most 100 characters (found 101)",
      );
    }
  });

  it("checks the character after U+FFFF, which is one UTF-16 unit", () => {
    expect(nameProblem("\uffff\u0007")).toBe(
      "must not contain control characters (found U+0007 at position 2)",
    );
  });

  it.each(MOVIE_INFO_FIELDS)("rejects an info whose only broken field is %s", (field) => {
    const broken = field === "release_date" ? "2014-10-32" : "";
    expect(
      fieldsOf(fieldErrorsOf(() => validateMovieInfo({ ...INTERSTELLAR, [field]: broken }))),
    ).toEqual([field]);
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

  it("does not trim the release date: a padded date is not in the form YYYY-MM-DD", () => {
    expect(
      fieldErrorsOf(() => validateMovieInfo({ ...INTERSTELLAR, release_date: " 2014-10-26" })),
    ).toEqual([
      {
        field: "release_date",
        message: 'must be a date in the form YYYY-MM-DD (found " 2014-10-26")',
      },
    ]);
  });

  it("does not trim the id: only name and country are stored trimmed", () => {
    for (const movie_id of [" tt1", "tt1 ", "\ttt1"]) {
      expect(fieldErrorsOf(() => validateMovieInfo({ ...INTERSTELLAR, movie_id }))).toEqual([
        {
          field: "movie_id",
          message: expect.stringMatching(
            /^may only contain A-Z a-z 0-9 - _ \. \(found "(?: |\\t)"/,
          ),
        },
      ]);
    }
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
    ["2014-06-31", "2014-06-31 is not a calendar date"],
    ["2014-09-31", "2014-09-31 is not a calendar date"],
    ["2014-11-31", "2014-11-31 is not a calendar date"],
    ["2014-13-01", "2014-13-01 is not a calendar date"],
    ["2014-01-32", "2014-01-32 is not a calendar date"],
    ["0000-01-01", "must be in the years 1850 to 2200 (found 0000-01-01)"],
    ["2015-02-29", "2015-02-29 is not a calendar date"],
    ["2014x01-01", 'must be a date in the form YYYY-MM-DD (found "2014x01-01")'],
    ["2014-01x01", 'must be a date in the form YYYY-MM-DD (found "2014-01x01")'],
    ["201/-01-01", 'must be a date in the form YYYY-MM-DD (found "201/-01-01")'],
    ["2014-0/-01", 'must be a date in the form YYYY-MM-DD (found "2014-0/-01")'],
    ["2014-01-0:", 'must be a date in the form YYYY-MM-DD (found "2014-01-0:")'],
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

  it.each([
    "2000-02-29",
    "2016-02-29",
    "2024-02-29",
    "1850-01-01",
    "2200-12-31",
    "2014-10-26",
    "2014-01-31",
    "2014-09-30",
    "2014-11-30",
    "2014-12-31",
  ])("accepts %s", (date) => {
    expect(releaseDateProblem(date)).toBeUndefined();
  });

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

/** How the messages name a character: U+ and at least four hex digits. */
function label(char: string): string {
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;
}

// C0 but tab, line feed and carriage return (whitespace a quoted CSV field may hold), DEL, C1.
const CONTROLS = fc.oneof(
  fc
    .integer({ min: 0, max: 0x1f })
    .filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d),
  fc.integer({ min: 0x7f, max: 0x9f }),
);
const BIDI = fc.oneof(
  fc.integer({ min: 0x202a, max: 0x202e }),
  fc.integer({ min: 0x2066, max: 0x2069 }),
);
const INVISIBLE = fc.constantFrom(
  0xad,
  0x34f,
  0x61c,
  0x115f,
  0x180e,
  0x200b,
  0x200c,
  0x200d,
  0x200e,
  0x200f,
  0x2060,
  0x2063,
  0x3164,
  0xfe0f,
  0xfeff,
  0xe0041,
);
const TEXT_RULES = [
  { field: "name", problem: nameProblem },
  { field: "country_of_origin", problem: countryOfOriginProblem },
] as const;

/** `text` split at a random character boundary (never inside a surrogate pair). */
function splitAt(text: string, at: number): [string, string] {
  const chars = [...text];
  const cut = at % (chars.length + 1);
  return [chars.slice(0, cut).join(""), chars.slice(cut).join("")];
}

describe.each(TEXT_RULES)("$field characters", ({ problem }) => {
  it.each([
    ["a control character", CONTROLS, "must not contain control characters"],
    [
      "a bidi override or isolate",
      BIDI,
      "must not contain bidirectional overrides or isolates, which change the order text is shown in",
    ],
  ] as const)("rejects %s anywhere inside, naming it and its position", (_, codes, rule) => {
    fc.assert(
      fc.property(shortText, codes, fc.nat(), (text, code, at) => {
        const [before, after] = splitAt(text, at);
        const char = String.fromCodePoint(code);
        expect(problem(`${before}${char}${after}`)).toBe(
          `${rule} (found ${label(char)} at position ${[...before].length + 1})`,
        );
      }),
      RUNS,
    );
  });

  it("rejects text of invisible characters only, and accepts them beside visible ones", () => {
    fc.assert(
      fc.property(
        fc.array(INVISIBLE, { minLength: 1, maxLength: 8 }),
        shortText,
        fc.nat(),
        (codes, text, at) => {
          const invisible = String.fromCodePoint(...codes);
          expect(problem(invisible)).toBe(
            `must have a visible character (found only invisible ones, such as ${label(invisible)})`,
          );
          const [before, after] = splitAt(text, at);
          expect(problem(`${before}${invisible}${after}`)).toBeUndefined();
        },
      ),
      RUNS,
    );
  });
});

describe("names a person could be fooled by", () => {
  it.each([
    ["Inter\u0000stellar", "must not contain control characters (found U+0000 at position 6)"],
    ["\u001b[31mRed", "must not contain control characters (found U+001B at position 1)"],
    ["Bell\u0007", "must not contain control characters (found U+0007 at position 5)"],
    ["Back\bspace", "must not contain control characters (found U+0008 at position 5)"],
    ["\u0085Next", "must not contain control characters (found U+0085 at position 1)"],
    ["DEL\u007f", "must not contain control characters (found U+007F at position 4)"],
    [
      "\u{1F600}\u202Eexe.txt",
      "must not contain bidirectional overrides or isolates, which change the order text is " +
        "shown in (found U+202E at position 2)",
    ],
    ["\u200b", "must have a visible character (found only invisible ones, such as U+200B)"],
    [
      "\u200b\u200d\ufeff\u2060",
      "must have a visible character (found only invisible ones, such as U+200B)",
    ],
  ])("rejects %j", (name, message) => {
    expect(fieldErrorsOf(() => validateMovieInfo({ ...INTERSTELLAR, name }))).toEqual([
      { field: "name", message },
    ]);
  });

  it.each([
    ["a name with an emoji joined by U+200D", "Family \u{1F468}\u200D\u{1F469}\u200D\u{1F467}"],
    ["a right-to-left title with an RLM", "\u05E9\u05DC\u05D5\u05DD\u200F 2"],
    ["Persian with a non-joiner", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"],
    ["a title on two lines, as a quoted CSV field holds it", "Two\r\nLines"],
    ["a tab inside", "Tab\tinside"],
    ["a line separator", "Line\u2028Separator"],
  ])("accepts %s", (_, name) => {
    expect(validateMovieInfo({ ...INTERSTELLAR, name }).name).toBe(name);
  });
});

describe("values echoed in messages", () => {
  it("shortens a value over 40 characters and escapes characters no one could see", () => {
    const long = `${"a".repeat(40)}b`;
    expect(quote(long)).toBe(`"${"a".repeat(40)}…"`);
    expect(quote("a".repeat(40))).toBe(`"${"a".repeat(40)}"`);
    expect(quote("x\u202Ey\u200b\u0085")).toBe('"x\\u202ey\\u200b\\u0085"');
    expect(releaseDateProblem(`2014-01-01${"9".repeat(40)}`)).toBe(
      `must be a date in the form YYYY-MM-DD (found "2014-01-01${"9".repeat(30)}…")`,
    );
  });
});
