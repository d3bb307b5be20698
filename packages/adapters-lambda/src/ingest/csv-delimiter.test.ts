import { describe, expect, it } from "vitest";
import { detectDelimiter } from "./csv-delimiter.ts";

describe("detectDelimiter", () => {
  it.each([
    ["mv1,Interstellar,United States,2014-10-26\n", ","],
    ["mv1;Interstellar;United States;2014-10-26\r\n", ";"],
    ["mv1\tInterstellar\tUnited States\t2014-10-26", "\t"],
    // The one that makes four columns wins over one that is more frequent.
    ["mv1;Name, with, four, more, commas;Country;2014-10-26", ";"],
    ["a\tb,c,d,e,f\tg\th", "\t"],
    // Quoted text does not count, whatever it holds.
    ['"a;b;c;d",e,f,g', ","],
    ['"x,y,z,w";b;"c,d"', ";"],
    ['"say ""a;b;c"" here",x,y,z', ","],
    // No four columns: the most frequent; an earlier candidate wins a tie; a comma by default.
    ["a;b", ";"],
    ["a\tb\tc\td\te", "\t"],
    ["a;b;c;d;e,f,g,h,i,j", ","],
    ["a;b\tc", ";"],
    ["a\tb;c;d;e;f", ";"],
    ["just one column", ","],
    ["", ","],
  ])("%j: %j", (line, delimiter) => {
    expect(detectDelimiter(line)).toBe(delimiter);
  });
});
