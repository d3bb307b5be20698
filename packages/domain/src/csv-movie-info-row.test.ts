import { describe, expect, it } from "vitest";
import {
  CSV_COLUMNS,
  isBlankRecord,
  movieInfoFromCsvFields,
  readHeader,
} from "./csv-movie-info-row.ts";

describe("isBlankRecord", () => {
  it.each([
    ["no fields at all", []],
    ["one empty field", [""]],
    ["one field of whitespace", [" \t "]],
  ])("takes %s as a blank line", (_, fields) => {
    expect(isBlankRecord(fields)).toBe(true);
  });

  it.each([
    ["one field with text", [" a "]],
    ["two empty fields (a line of one comma)", ["", ""]],
    ["four fields", ["mv1", "Up", "US", "2009-05-29"]],
  ])("takes %s as data", (_, fields) => {
    expect(isBlankRecord(fields)).toBe(false);
  });
});

describe("readHeader", () => {
  it("maps the columns of a header in any order, letter case and padding", () => {
    expect(readHeader([...CSV_COLUMNS])).toEqual({ order: [0, 1, 2, 3] });
    expect(readHeader([" Release_Date", "NAME ", "movie_id", "Country_Of_Origin"])).toEqual({
      order: [2, 1, 3, 0],
    });
  });

  it("takes a valid row as data, even one whose fields are column names", () => {
    expect(readHeader(["mv1", "name", "country_of_origin", "2014-10-26"])).toBeUndefined();
  });

  it("takes a broken row as data unless at least half its fields are column names", () => {
    expect(readHeader(["movie_id", "Up", "US", "someday"])).toBeUndefined();
    expect(readHeader(["movie_id", "name", "US", "someday"])).toEqual({
      problems: {
        unknown: ["US", "someday"],
        missing: ["country_of_origin", "release_date"],
        repeated: [],
      },
    });
  });

  it("reports an extra column alone", () => {
    expect(readHeader([...CSV_COLUMNS, "year"])).toEqual({
      problems: { unknown: ["year"], missing: [], repeated: [] },
    });
  });

  it("reports a repeated column alone", () => {
    expect(readHeader([...CSV_COLUMNS, "Name"])).toEqual({
      problems: { unknown: [], missing: [], repeated: ["name"] },
    });
  });

  it("reports a misspelt column as unknown and its column as missing", () => {
    expect(readHeader(["movie_id", "name", "country", "release_date"])).toEqual({
      problems: { unknown: ["country"], missing: ["country_of_origin"], repeated: [] },
    });
  });
});

describe("movieInfoFromCsvFields", () => {
  it("reads a row in the default order, its fields trimmed", () => {
    expect(movieInfoFromCsvFields([" mv1 ", " Up", "US ", " 2009-05-29 "])).toEqual({
      movie_id: "mv1",
      name: "Up",
      country_of_origin: "US",
      release_date: "2009-05-29",
    });
  });

  it("reads a row in the order of its header", () => {
    expect(movieInfoFromCsvFields(["2009-05-29", "Up", "mv1", "US"], [2, 1, 3, 0])).toEqual({
      movie_id: "mv1",
      name: "Up",
      country_of_origin: "US",
      release_date: "2009-05-29",
    });
  });

  it("rejects a row with another number of fields, saying how many", () => {
    expect(movieInfoFromCsvFields(["mv1", "Up", "US"])).toBe("expected 4 fields, found 3");
    expect(movieInfoFromCsvFields(["mv1", "Up", "US", "2009-05-29", ""])).toBe(
      "expected 4 fields, found 5",
    );
  });

  it("names every failing field of a row, in column order", () => {
    expect(movieInfoFromCsvFields(["mv 1", "Up", "", "2009-02-30"])).toBe(
      'movie_id: may only contain A-Z a-z 0-9 - _ . (found " " at position 3); ' +
        "country_of_origin: must not be empty; release_date: 2009-02-30 is not a calendar date",
    );
  });
});
