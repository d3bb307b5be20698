import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidHeaderError } from "./errors.ts";
import { type CsvRecord, ingestMovieInfos } from "./ingest-movie-infos.ts";
import { createLastRowsByChunk } from "./last-rows-by-chunk.ts";
import { InMemoryMovieStore } from "./testing/in-memory-movie-store.ts";

function row(line: number, id: string, name = `Movie ${line}`): CsvRecord {
  return { line, fields: [id, name, "Peru", "2014-10-26"] };
}

describe("createLastRowsByChunk", () => {
  it("tells the header, blank lines and rows apart as the ingest does, and keeps the header's order", () => {
    const rows = createLastRowsByChunk();
    expect(rows.take({ line: 1, fields: [""] }, 0)).toBe("blank");
    const header = ["release_date", "MOVIE_ID", " name ", "country_of_origin"];
    expect(rows.take({ line: 2, fields: header }, 0)).toBe("header");
    expect(rows.take({ line: 3, fields: ["2001-01-01", "mv1", "A", "Peru"] }, 0)).toBe("row");
    expect(rows.columnOrder).toEqual([1, 2, 3, 0]);
    // Only the first record that is not blank can be a header.
    expect(rows.take({ line: 4, fields: header }, 1)).toBe("row");
  });

  it("refuses a header that does not name the columns, as the ingest does", () => {
    const rows = createLastRowsByChunk();
    const bad = { line: 1, fields: ["movie_id", "title", "country_of_origin", "release_date"] };
    expect(() => rows.take(bad, 0)).toThrow(InvalidHeaderError);
  });

  it("knows the chunk of each repeated id's last valid row (an invalid row does not count)", () => {
    const rows = createLastRowsByChunk();
    rows.take(row(1, "a"), 0);
    rows.take(row(2, "b"), 0);
    rows.take(row(3, "a"), 1);
    rows.take(row(4, "c"), 1);
    rows.take(row(5, "a"), 2);
    rows.take({ line: 6, fields: ["c", "", "Peru", "2014-10-26"] }, 3);
    rows.take(row(7, "b"), 3);
    rows.take(row(8, "d"), 3);
    rows.take(row(9, "d"), 3);
    expect(rows.superseded()).toEqual(
      new Map([
        ["a", 2],
        ["b", 3],
        ["d", 3],
      ]),
    );
  });

  it("supersedes no id whose rows are all in the first chunk", () => {
    const rows = createLastRowsByChunk();
    rows.take(row(1, "a"), 0);
    rows.take(row(2, "a"), 0);
    rows.take(row(3, "b"), 1);
    expect(rows.superseded()).toEqual(new Map());
  });

  it("takes a record the reader could not read as a row, of no id, after which no header comes", () => {
    const rows = createLastRowsByChunk();
    const header = ["movie_id", "name", "country_of_origin", "release_date"];
    expect(rows.take({ ...row(1, "a"), rejected: "a stray quote" }, 0)).toBe("row");
    expect(rows.take({ line: 2, fields: header }, 0)).toBe("row");
    rows.take(row(3, "a"), 1);
    expect(rows.superseded()).toEqual(new Map());
    const first = createLastRowsByChunk();
    expect(first.take({ line: 1, fields: header, rejected: "a stray quote" }, 0)).toBe("row");
    expect(first.columnOrder).toEqual([0, 1, 2, 3]);
  });

  it("property: chunks ingested apart, in any order, leave what one ingest leaves", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e"), fc.boolean()), {
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 1, max: 39 }), { maxLength: 5 }),
        fc.boolean(),
        async (spec, cutList, reverse) => {
          const records = spec.map(([id, valid], i) =>
            valid ? row(i + 1, id) : { line: i + 1, fields: [id, "", "Peru", "x"] },
          );
          const cuts = [...new Set(cutList)]
            .filter((c) => c < records.length)
            .sort((a, b) => a - b);
          const chunks = [0, ...cuts].map((from, i) =>
            records.slice(from, cuts[i] ?? records.length),
          );
          const rows = createLastRowsByChunk();
          chunks.forEach((chunk, index) => {
            for (const record of chunk) rows.take(record, index);
          });
          const superseded = rows.superseded();
          const whole = new InMemoryMovieStore();
          const one = await ingestMovieInfos(whole, records);
          const apart = new InMemoryMovieStore();
          let duplicates = 0;
          let written = 0;
          const order = [...chunks.keys()];
          for (const index of reverse ? order.reverse() : order) {
            const summary = await ingestMovieInfos(apart, chunks[index] ?? [], {
              ...(index > 0 && { columnOrder: rows.columnOrder }),
              supersededIds: { has: (id) => (superseded.get(id) ?? -1) > index },
            });
            duplicates += summary.duplicates;
            written += summary.written;
          }
          expect(apart.infos).toEqual(whole.infos);
          expect(duplicates).toBe(one.duplicates);
          expect(written).toBe(one.written);
        },
      ),
      { numRuns: 300 },
    );
  });
});
