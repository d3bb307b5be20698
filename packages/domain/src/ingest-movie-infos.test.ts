import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IngestIncompleteError, InvalidHeaderError, UnwrittenItemsError } from "./errors.ts";
import { type CsvRecord, ingestMovieInfos } from "./ingest-movie-infos.ts";
import type { IngestSummary } from "./ingest-summary.ts";
import {
  anyRow,
  catalogue,
  crowdedMovieId,
  type Item,
  lastWins,
  padding,
  toRecords,
  validItem,
  validMovieId,
  validMovieInfo,
} from "./testing/csv-record-arbitraries.ts";
import { InMemoryMovieStore } from "./testing/in-memory-movie-store.ts";

const RUNS = { numRuns: 1000 };

const SEED_CSV: CsvRecord[] = [
  { line: 1, fields: ["mv1", "Interstellar", "United States", "2014-10-26"] },
  { line: 2, fields: ["mv2", "The Dark Knight Rises", "United States", "2012-07-16"] },
  { line: 3, fields: ["mv3", "The Prestige", "United Kingdom", "2006-10-17"] },
];

function row(line: number, id: string, name = `Movie ${id}`): CsvRecord {
  return { line, fields: [id, name, "United States", "2014-10-26"] };
}

/** A sync source that counts how many records were pulled from it, and whether it was closed. */
function countingSource(records: readonly CsvRecord[]) {
  const state = { pulled: 0, closed: false };
  function* generate(): Generator<CsvRecord> {
    try {
      for (const record of records) {
        state.pulled++;
        yield record;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, records: generate() };
}

/**
 * An endless async source of rows mv1, mv2, ... that counts how often it was asked to close.
 * `pulled` runs as each row is asked for (it may throw, or abort something); `closing` as it is
 * closed (it may throw).
 */
function asyncRows(pulled: (line: number) => void = () => {}, closing: () => void = () => {}) {
  const state = { closed: 0 };
  const source: AsyncIterable<CsvRecord> = {
    [Symbol.asyncIterator]: () => {
      let line = 0;
      return {
        next: async () => {
          line++;
          pulled(line);
          return { done: false, value: row(line, `mv${line}`) };
        },
        return: async () => {
          state.closed++;
          closing();
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { state, source };
}

/** What `promise` rejects with, failing the test unless it is a `type`. */
async function rejection<T>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

const incomplete = (promise: Promise<unknown>) => rejection(promise, IngestIncompleteError);
const headerError = (promise: Promise<unknown>) => rejection(promise, InvalidHeaderError);

function microtasks(count: number): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < count; i++) p = p.then(() => undefined);
  return p;
}

/** What the summary of a complete ingest of the items must say, from how they were generated. */
function expectedSummary(items: readonly Item[], records: readonly CsvRecord[]): IngestSummary {
  const seen = new Set<string>();
  const rejects: { line: number; reason: string }[] = [];
  let duplicates = 0;
  items.forEach((item, i) => {
    if (item.kind === "valid") {
      if (seen.has(item.info.movie_id)) duplicates++;
      seen.add(item.info.movie_id);
    } else if (item.kind === "invalid" || item.kind === "wrong-count") {
      rejects.push({ line: records[i]?.line ?? -1, reason: expect.any(String) as string });
    }
  });
  const count = (kind: Item["kind"]) => items.filter((item) => item.kind === kind).length;
  return {
    rowsRead: count("valid") + count("invalid") + count("wrong-count"),
    written: seen.size,
    rejected: rejects.length,
    duplicates,
    headerRows: count("header"),
    blankRows: count("blank"),
    rejects,
  };
}

describe("ingestMovieInfos", () => {
  it("writes the seed's file as it is", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, SEED_CSV);
    expect(summary).toEqual({
      rowsRead: 3,
      written: 3,
      rejected: 0,
      duplicates: 0,
      headerRows: 0,
      blankRows: 0,
      rejects: [],
    });
    expect(store.infos.get("mv2")).toEqual({
      movie_id: "mv2",
      name: "The Dark Knight Rises",
      country_of_origin: "United States",
      release_date: "2012-07-16",
    });
  });

  it("reads an async source as well as a sync one", async () => {
    async function* source(): AsyncGenerator<CsvRecord> {
      yield* SEED_CSV;
    }
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, source());
    expect(summary.written).toBe(3);
    expect([...store.infos.keys()].sort()).toEqual(["mv1", "mv2", "mv3"]);
  });

  it("skips a header in any letter case with spaces, after blank lines, and trims fields", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, [
      { line: 1, fields: [""] },
      { line: 2, fields: [" MOVIE_ID ", "Name", "Country_Of_Origin", " release_date"] },
      { line: 3, fields: [" mv1 ", "  Interstellar ", "\tUnited States ", " 2014-10-26 "] },
      { line: 4, fields: ["   "] },
    ]);
    expect(summary).toMatchObject({ rowsRead: 1, written: 1, headerRows: 1, blankRows: 2 });
    expect(store.infos.get("mv1")).toEqual({
      movie_id: "mv1",
      name: "Interstellar",
      country_of_origin: "United States",
      release_date: "2014-10-26",
    });
  });

  it("rejects the header's text anywhere but first, as a row with no date", async () => {
    const summary = await ingestMovieInfos(new InMemoryMovieStore(), [
      row(1, "mv1"),
      { line: 2, fields: ["movie_id", "name", "country_of_origin", "release_date"] },
    ]);
    expect(summary.headerRows).toBe(0);
    expect(summary.rejects).toEqual([
      {
        line: 2,
        reason: 'release_date: must be a date in the form YYYY-MM-DD (found "release_date")',
      },
    ]);
  });

  it("rejects a bad row with its line and every reason, and carries on", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, [
      row(1, "mv1"),
      { line: 2, fields: ["mv2", "Two", "United States"] },
      { line: 4, fields: ["mv/3", "", "France", "2014-02-30"] },
      row(7, "mv4"),
    ]);
    expect(summary.rejects).toEqual([
      { line: 2, reason: "expected 4 fields, found 3" },
      {
        line: 4,
        reason:
          'movie_id: may only contain A-Z a-z 0-9 - _ . (found "/" at position 3); ' +
          "name: must not be empty; release_date: 2014-02-30 is not a calendar date",
      },
    ]);
    expect(summary).toMatchObject({ rowsRead: 4, written: 2, rejected: 2 });
    expect([...store.infos.keys()].sort()).toEqual(["mv1", "mv4"]);
  });

  it("keeps the first maxRejects rejected rows but counts them all", async () => {
    const records = [1, 2, 3, 4, 5].map((line) => ({ line, fields: ["only one field"] }));
    const summary = await ingestMovieInfos(new InMemoryMovieStore(), records, { maxRejects: 2 });
    expect(summary.rejected).toBe(5);
    expect(summary.rejects.map((r) => r.line)).toEqual([1, 2]);
  });

  it("lets the last row of an id win and counts the others as duplicates", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(
      store,
      [row(1, "mv1", "First"), row(2, "mv2"), row(3, "mv1", "Second"), row(4, "mv1", "Third")],
      { batchSize: 1 },
    );
    expect(summary).toMatchObject({ rowsRead: 4, written: 2, duplicates: 2 });
    expect(store.infos.get("mv1")?.name).toBe("Third");
  });

  it("holds back a batch until an earlier batch with the same id is written", async () => {
    const releases: (() => void)[] = [];
    const store = new InMemoryMovieStore({
      before: (call) =>
        call.method === "putBatch" && call.index === 0
          ? new Promise<void>((resolve) => releases.push(resolve))
          : undefined,
    });
    const done = ingestMovieInfos(store, [row(1, "mv1", "Old"), row(2, "mv1", "New")], {
      batchSize: 1,
      maxInFlight: 4,
    });
    await microtasks(20);
    expect(store.batches).toHaveLength(1);
    for (const release of releases) release();
    await done;
    expect(store.batches).toHaveLength(2);
    expect(store.violations).toEqual([]);
    expect(store.infos.get("mv1")?.name).toBe("New");
  });

  it("sends at most 25 items per batch by default and refuses a larger batchSize", async () => {
    const store = new InMemoryMovieStore();
    const records = Array.from({ length: 60 }, (_, i) => row(i + 1, `mv${i}`));
    await ingestMovieInfos(store, records);
    expect(store.batches.map((b) => b.length)).toEqual([25, 25, 10]);
    await expect(ingestMovieInfos(store, records, { batchSize: 26 })).rejects.toThrow(RangeError);
    await expect(ingestMovieInfos(store, records, { maxInFlight: 0 })).rejects.toThrow(RangeError);
  });

  it("stops reading soon after a write fails, closes the source and reports what was written", async () => {
    const failure = new UnwrittenItemsError(["mv0"]);
    const store = new InMemoryMovieStore({
      before: (call) => {
        if (call.method === "putBatch" && call.index === 1) throw failure;
      },
    });
    const source = countingSource(Array.from({ length: 10_000 }, (_, i) => row(i + 1, `mv${i}`)));
    const error = await incomplete(
      ingestMovieInfos(store, source.records, { batchSize: 10, maxInFlight: 2 }),
    );
    expect(error.cause).toBe(failure);
    expect(error.message).toMatch(/a batch write failed/);
    expect(source.state.pulled).toBeLessThan(100);
    expect(source.state.closed).toBe(true);
    expect(store.inFlight).toBe(0);
    expect(error.summary.written).toBe(store.infos.size);
    expect(error.summary.rowsRead).toBe(source.state.pulled);
  });

  it("fails loudly when putBatch throws instead of rejecting", async () => {
    const store = {
      putBatch(): Promise<void> {
        throw new Error("boom");
      },
    };
    const error = await incomplete(ingestMovieInfos(store, SEED_CSV, { batchSize: 1 }));
    expect(error.summary.written).toBe(0);
    expect((error.cause as Error).message).toBe("boom");
  });

  it("fails when the source throws, after writing the batches already sent", async () => {
    const broken = new Error("socket hang up");
    function* source(): Generator<CsvRecord> {
      for (let i = 0; i < 7; i++) yield row(i + 1, `mv${i}`);
      throw broken;
    }
    const store = new InMemoryMovieStore();
    const error = await incomplete(ingestMovieInfos(store, source(), { batchSize: 3 }));
    expect(error.cause).toBe(broken);
    expect(error.message).toMatch(/after line 7 because reading the input failed: socket hang up/);
    expect(error.summary).toMatchObject({ rowsRead: 7, written: 6 });
    expect(store.infos.size).toBe(6);
  });

  it("stops before the next record once the signal aborts, and lets writes in flight finish", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const store = new InMemoryMovieStore({ before: () => microtasks(5) });
    const records = Array.from({ length: 100 }, (_, i) => row(i + 1, `mv${i}`));
    const source = countingSource(records);
    const pulledBeforeAbort = 30;
    const watched = (function* () {
      for (const record of source.records) {
        // The budget runs out while this record is being handled.
        if (source.state.pulled === pulledBeforeAbort) signal.aborted = true;
        yield record;
      }
    })();
    const error = await incomplete(ingestMovieInfos(store, watched, { batchSize: 10, signal }));
    expect(source.state.pulled).toBe(pulledBeforeAbort);
    expect(error.cause).toBe("time budget spent");
    expect(store.inFlight).toBe(0);
    expect(error.summary.rowsRead).toBe(pulledBeforeAbort);
    expect(error.summary.written).toBe(store.infos.size);
    expect(store.infos.size).toBeLessThanOrEqual(pulledBeforeAbort);
  });

  it("fails, with the last batch unsent, when the signal aborts after the last record", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const store = new InMemoryMovieStore();
    const source = (function* () {
      yield* [row(1, "mv1"), row(2, "mv2"), row(3, "mv3")];
      // The budget runs out once the input is read, before its last batch goes out.
      signal.aborted = true;
    })();
    const error = await incomplete(ingestMovieInfos(store, source, { batchSize: 2, signal }));
    expect(error.message).toMatch(/after line 3 because it was aborted/);
    expect(error.cause).toBe("time budget spent");
    expect(error.summary).toMatchObject({ rowsRead: 3, written: 2 });
    expect([...store.infos.keys()]).toEqual(["mv1", "mv2"]);
  });

  it("closes an async source it leaves early, and a source that fails to close changes nothing", async () => {
    const failure = new UnwrittenItemsError(["mv0"]);
    const store = new InMemoryMovieStore({
      before: (call) => {
        if (call.method === "putBatch") throw failure;
      },
    });
    const quiet = asyncRows();
    const noisy = asyncRows(undefined, () => {
      throw new Error("close failed");
    });
    for (const { source } of [quiet, noisy]) {
      const error = await incomplete(
        ingestMovieInfos(store, source, { batchSize: 2, maxInFlight: 1 }),
      );
      expect(error.cause).toBe(failure);
      expect(error.message).toMatch(/because a batch write failed/);
    }
    expect([quiet.state.closed, noisy.state.closed]).toEqual([1, 1]);
  });

  it("reads nothing when the signal is already aborted", async () => {
    const source = countingSource(SEED_CSV);
    const store = new InMemoryMovieStore();
    await incomplete(ingestMovieInfos(store, source.records, { signal: { aborted: true } }));
    expect(source.state.pulled).toBe(0);
    expect(store.batches).toEqual([]);
  });

  describe("properties", () => {
    it("ingests any sequence of valid rows to exactly the last row of each id", async () => {
      await fc.assert(
        fc.asyncProperty(
          catalogue(validItem(fc.oneof(crowdedMovieId, validMovieId))),
          async (items) => {
            const store = new InMemoryMovieStore();
            const summary = await ingestMovieInfos(store, toRecords(items));
            const expected = lastWins(items);
            expect(store.infos).toEqual(expected);
            expect(summary.written).toBe(expected.size);
            expect(summary.rowsRead).toBe(items.filter((i) => i.kind === "valid").length);
            expect(summary.duplicates).toBe(summary.rowsRead - expected.size);
            expect(summary.rejected).toBe(0);
          },
        ),
        RUNS,
      );
    });

    it("accounts for every record once; a bad row is rejected on its own line and stops nothing", async () => {
      await fc.assert(
        fc.asyncProperty(
          catalogue(anyRow),
          fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 1, max: 25 }),
          async (items, gaps, batchSize) => {
            const records = toRecords(items, gaps);
            const store = new InMemoryMovieStore();
            const summary = await ingestMovieInfos(store, records, { batchSize });
            expect(summary).toEqual(expectedSummary(items, records));
            expect(summary.rowsRead + summary.headerRows + summary.blankRows).toBe(records.length);
            expect(summary.rowsRead).toBe(summary.written + summary.rejected + summary.duplicates);
            expect(store.infos).toEqual(lastWins(items));
            // Each reason names exactly the fields the row broke, in column order.
            const rejectedItems = items.filter(
              (i) => i.kind === "invalid" || i.kind === "wrong-count",
            );
            summary.rejects.forEach((reject, i) => {
              const item = rejectedItems[i];
              if (item?.kind === "invalid") {
                const named = reject.reason.split("; ").map((part) => part.split(":")[0]);
                expect(named).toEqual(item.broken);
              } else {
                expect(reject.reason).toBe(`expected 4 fields, found ${item?.fields.length}`);
              }
            });
          },
        ),
        RUNS,
      );
    });

    it("never sends a batch over batchSize, with a repeated id, or sharing an id with one in flight, nor more than maxInFlight at once", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          catalogue(anyRow, { maxLength: 120 }),
          fc.integer({ min: 1, max: 25 }),
          fc.integer({ min: 1, max: 6 }),
          async (s, items, batchSize, maxInFlight) => {
            const store = new InMemoryMovieStore({
              before: (call) =>
                call.method === "putBatch"
                  ? s.schedule(Promise.resolve(), `batch ${call.index}`)
                  : undefined,
            });
            const summary = await s.waitFor(
              ingestMovieInfos(store, toRecords(items), { batchSize, maxInFlight }),
            );
            expect(store.violations).toEqual([]);
            expect(store.maxInFlight).toBeLessThanOrEqual(maxInFlight);
            for (const batch of store.batches) {
              expect(batch.length).toBeLessThanOrEqual(batchSize);
              expect(new Set(batch.map((info) => info.movie_id)).size).toBe(batch.length);
            }
            expect(store.infos).toEqual(lastWins(items));
            expect(summary.rowsRead).toBe(summary.written + summary.rejected + summary.duplicates);
          },
        ),
        RUNS,
      );
    });

    it("keeps the in-flight bound and last-wins when writes finish after random microtask delays", async () => {
      await fc.assert(
        fc.asyncProperty(
          catalogue(validItem(), { maxLength: 120 }),
          fc.array(fc.nat(30), { minLength: 1, maxLength: 20 }),
          fc.integer({ min: 1, max: 10 }),
          fc.integer({ min: 1, max: 5 }),
          async (items, delays, batchSize, maxInFlight) => {
            const store = new InMemoryMovieStore({
              before: (call) =>
                call.method === "putBatch"
                  ? microtasks(delays[call.index % delays.length] ?? 0)
                  : undefined,
            });
            await ingestMovieInfos(store, toRecords(items), { batchSize, maxInFlight });
            expect(store.violations).toEqual([]);
            expect(store.maxInFlight).toBeLessThanOrEqual(maxInFlight);
            expect(store.infos).toEqual(lastWins(items));
          },
        ),
        RUNS,
      );
    });

    it("never reads more than maxInFlight full batches plus one ahead of what is written", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.integer({ min: 0, max: 150 }),
          fc.integer({ min: 1, max: 25 }),
          fc.integer({ min: 1, max: 6 }),
          async (s, rows, batchSize, maxInFlight) => {
            const store = new InMemoryMovieStore({
              before: (call) =>
                call.method === "putBatch" ? s.schedule(Promise.resolve()) : undefined,
            });
            let maxAhead = 0;
            function* source(): Generator<CsvRecord> {
              for (let i = 0; i < rows; i++) {
                // Distinct ids, so every row read is one item to write.
                maxAhead = Math.max(maxAhead, i + 1 - store.infos.size);
                yield row(i + 1, `mv${i}`);
              }
            }
            await s.waitFor(ingestMovieInfos(store, source(), { batchSize, maxInFlight }));
            expect(maxAhead).toBeLessThanOrEqual((maxInFlight + 1) * batchSize);
            expect(store.infos.size).toBe(rows);
          },
        ),
        RUNS,
      );
    });

    it("fails a run whose write fails with IngestIncompleteError and counts only confirmed writes", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          catalogue(anyRow, { maxLength: 120 }),
          fc.integer({ min: 1, max: 10 }),
          fc.integer({ min: 1, max: 4 }),
          fc.nat(15),
          async (s, items, batchSize, maxInFlight, failingBatch) => {
            const failure = new UnwrittenItemsError(["x"]);
            const store = new InMemoryMovieStore({
              before: async (call) => {
                if (call.method !== "putBatch") return;
                await s.schedule(Promise.resolve(), `batch ${call.index}`);
                if (call.index === failingBatch) throw failure;
              },
            });
            const records = toRecords(items);
            const outcome = await s.waitFor(
              ingestMovieInfos(store, records, { batchSize, maxInFlight }).then(
                (summary) => ({ summary, error: undefined }),
                (error: unknown) => ({ summary: undefined, error }),
              ),
            );
            expect(store.violations).toEqual([]);
            if (store.batches.length <= failingBatch) {
              expect(outcome.error).toBeUndefined();
              return;
            }
            expect(outcome.error).toBeInstanceOf(IngestIncompleteError);
            const error = outcome.error as IngestIncompleteError;
            expect(error.cause).toBe(failure);
            // Settled, not dangling: nothing is still being written once the error is out.
            expect(store.inFlight).toBe(0);
            const { summary } = error;
            expect(summary.written).toBe(store.infos.size);
            expect(summary.rowsRead).toBeGreaterThanOrEqual(
              summary.written + summary.rejected + summary.duplicates,
            );
            expect(summary.rowsRead + summary.headerRows + summary.blankRows).toBeLessThanOrEqual(
              records.length,
            );
            // Whatever was written is a row of the input for that id.
            for (const [id, info] of store.infos) {
              expect(items).toContainEqual(expect.objectContaining({ kind: "valid", info }));
              expect(info.movie_id).toBe(id);
            }
          },
        ),
        RUNS,
      );
    });
  });
});

describe("the deadline reaches the writes", () => {
  it("hands its signal to every batch write, so a repository stops retrying once it aborts", async () => {
    const signal = { aborted: false };
    const seen: unknown[] = [];
    const repo = {
      putBatch: async (_infos: unknown, options?: { signal?: { aborted: boolean } }) => {
        seen.push(options?.signal);
      },
    };
    const records = [
      { line: 1, fields: ["mv1", "Interstellar", "United States", "2014-10-26"] },
      { line: 2, fields: ["mv2", "The Prestige", "United Kingdom", "2006-10-17"] },
    ];
    await ingestMovieInfos(repo, records, { batchSize: 1, signal });
    expect(seen).toEqual([signal, signal]);
  });
});

const COLUMNS = ["movie_id", "name", "country_of_origin", "release_date"] as const;

/** A column name as a person might type it: any letter case, spaces around. */
const typedName = (name: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }),
      padding,
      padding,
    )
    .map(
      ([upper, left, right]) =>
        `${left}${[...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")}${right}`,
    );

describe("the header", () => {
  it("maps the columns in any order, letter case and padding for every row after it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
        fc.tuple(...COLUMNS.map(typedName)),
        fc.array(validMovieInfo(fc.oneof(crowdedMovieId, validMovieId)), { maxLength: 30 }),
        async (order, typed, infos) => {
          // order[i] is the column written i-th.
          const header = order.map((column) => typed[column] as string);
          const records: CsvRecord[] = [
            { line: 1, fields: header },
            ...infos.map((info, i) => ({
              line: i + 2,
              fields: order.map((column) => info[COLUMNS[column] as (typeof COLUMNS)[number]]),
            })),
          ];
          const store = new InMemoryMovieStore();
          const summary = await ingestMovieInfos(store, records);
          expect(summary).toMatchObject({ headerRows: 1, rowsRead: infos.length, rejected: 0 });
          expect(store.infos).toEqual(
            lastWins(infos.map((info) => ({ kind: "valid", info, fields: [] }))),
          );
        },
      ),
      RUNS,
    );
  });

  it("stores the movie of the issue's reordered header under its own id", async () => {
    const store = new InMemoryMovieStore();
    await ingestMovieInfos(store, [
      { line: 1, fields: ["Name", "MOVIE_ID", " release_date ", "Country_of_Origin"] },
      { line: 2, fields: ["Interstellar", "mv1", "2014-10-26", "United States"] },
    ]);
    expect([...store.infos.values()]).toEqual([
      {
        movie_id: "mv1",
        name: "Interstellar",
        country_of_origin: "United States",
        release_date: "2014-10-26",
      },
    ]);
  });

  it("refuses a header-like first record that names unknown, missing or repeated columns, writing nothing", async () => {
    const unknownName = fc.constantFrom("id", "title", "country", "genre", "", "year", "movie id");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...COLUMNS), unknownName), {
          minLength: 1,
          maxLength: 7,
        }),
        fc.array(validMovieInfo(), { maxLength: 5 }),
        async (names, infos) => {
          const known = names.filter((n) => (COLUMNS as readonly string[]).includes(n));
          const missing = COLUMNS.filter((c) => !names.includes(c));
          const repeated = COLUMNS.filter((c) => names.filter((n) => n === c).length > 1);
          const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
          fc.pre(known.length * 2 >= names.length);
          fc.pre(unknown.length + missing.length + repeated.length > 0);
          const source = countingSource([
            { line: 1, fields: [""] },
            { line: 2, fields: names },
            ...infos.map((info, i) => ({ line: i + 3, fields: Object.values(info) })),
          ]);
          const store = new InMemoryMovieStore();
          const error = await headerError(ingestMovieInfos(store, source.records));
          expect(error).toMatchObject({ line: 2, unknown, missing, repeated });
          expect(store.batches).toEqual([]);
          expect(source.state.pulled).toBe(2);
          expect(source.state.closed).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it("says which columns are unknown, missing or repeated", async () => {
    const error = await headerError(
      ingestMovieInfos(new InMemoryMovieStore(), [
        { line: 1, fields: ["movie_id", "Title", "country_of_origin", "release_date", "genre"] },
        row(2, "mv1"),
      ]),
    );
    expect(error.message).toBe(
      "the header on line 1 does not name the columns movie_id, name, country_of_origin, " +
        'release_date (in any order, once each): unknown columns "Title", "genre"; missing column name',
    );
    const twice = await headerError(
      ingestMovieInfos(new InMemoryMovieStore(), [
        { line: 1, fields: ["movie_id", "name", "name", "release_date"] },
      ]),
    );
    expect(twice.message).toMatch(
      /: missing column country_of_origin; column name named more than once$/,
    );
  });

  it("never takes a valid row for a header, whatever column names its values are", async () => {
    const columnName = fc.constantFrom(...COLUMNS).chain(typedName);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(validMovieId, fc.constantFrom("movie_id", "name", "NAME", "release_date")),
        fc.oneof(columnName, fc.constant("Interstellar")),
        fc.oneof(columnName, fc.constant("United States")),
        async (id, name, country) => {
          const store = new InMemoryMovieStore();
          const summary = await ingestMovieInfos(store, [
            { line: 1, fields: [id, name, country, "2014-10-26"] },
          ]);
          expect(summary).toMatchObject({ headerRows: 0, rowsRead: 1, written: 1 });
          expect(store.infos.get(id)?.name).toBe(name.trim());
        },
      ),
      RUNS,
    );
  });

  it("reads a broken first row that names a column now and then as data, rejected on its own", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, [
      { line: 1, fields: ["mv1", "name", "United States", "2014-02-30"] },
      { line: 2, fields: ["name"] },
      row(3, "mv2"),
    ]);
    expect(summary).toMatchObject({ headerRows: 0, rowsRead: 3, rejected: 2, written: 1 });
    expect(summary.rejects.map((r) => r.line)).toEqual([1, 2]);
  });

  // Found by the properties (fast-check seed 725650180): a one-field first line "nAme".
  it("fails a file whose first line is one column name, rather than store nonsense", async () => {
    const error = await headerError(
      ingestMovieInfos(new InMemoryMovieStore(), [{ line: 1, fields: ["nAme"] }, row(2, "mv1")]),
    );
    expect(error.missing).toEqual(["movie_id", "country_of_origin", "release_date"]);
  });
});

describe("what an ingest says when it stops or refuses", () => {
  it("names the option and its range when an option is out of range", async () => {
    const store = new InMemoryMovieStore();
    await expect(ingestMovieInfos(store, SEED_CSV, { batchSize: 26 })).rejects.toThrow(
      new RangeError("batchSize must be an integer from 1 to 25 (got 26)"),
    );
    await expect(ingestMovieInfos(store, SEED_CSV, { maxInFlight: 1.5 })).rejects.toThrow(
      new RangeError("maxInFlight must be an integer at least 1 (got 1.5)"),
    );
    await expect(ingestMovieInfos(store, SEED_CSV, { maxRejects: -1 })).rejects.toThrow(
      new RangeError("maxRejects must be an integer at least 0 (got -1)"),
    );
    expect(store.batches).toEqual([]);
  });

  it("fails, writing nothing, when the input cannot even be opened", async () => {
    const opening = new Error("no such object");
    const records: Iterable<CsvRecord> = {
      [Symbol.iterator]: () => {
        throw opening;
      },
    };
    const store = new InMemoryMovieStore();
    const error = await incomplete(ingestMovieInfos(store, records));
    expect(error.message).toBe(
      "ingest stopped after line 0 because the input could not be read: no such object",
    );
    expect(error.cause).toBe(opening);
    expect(error.summary).toEqual({
      rowsRead: 0,
      written: 0,
      rejected: 0,
      duplicates: 0,
      headerRows: 0,
      blankRows: 0,
      rejects: [],
    });
    expect(store.batches).toEqual([]);
  });

  it("says it was aborted, with no detail for a reason that is no Error", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const source = (function* () {
      yield row(1, "mv1");
      signal.aborted = true;
      yield row(2, "mv2");
    })();
    const error = await incomplete(ingestMovieInfos(new InMemoryMovieStore(), source, { signal }));
    expect(error.message).toBe("ingest stopped after line 2 because it was aborted");
    expect(error.summary).toMatchObject({ rowsRead: 2, written: 0 });
  });

  it("keeps the abort as the reason when a write in flight fails after it", async () => {
    const signal = { aborted: false, reason: new Error("deadline") };
    const store = new InMemoryMovieStore({
      before: async (call) => {
        await microtasks(10);
        if (call.method === "putBatch" && call.index === 0) throw new Error("throttled");
      },
    });
    const source = (function* () {
      yield row(1, "mv1");
      signal.aborted = true;
      yield row(2, "mv2");
    })();
    const error = await incomplete(ingestMovieInfos(store, source, { batchSize: 1, signal }));
    expect(error.message).toBe("ingest stopped after line 2 because it was aborted: deadline");
    expect(error.cause).toBe(signal.reason);
    expect(store.batches).toHaveLength(1);
    expect(error.summary).toMatchObject({ rowsRead: 2, written: 0 });
  });

  it("sends no batch once a write failed, not even the last one", async () => {
    const failure = new Error("throttled");
    const store = new InMemoryMovieStore({
      before: async (call) => {
        if (call.method === "putBatch") throw failure;
      },
    });
    const records = [row(1, "mv1"), row(2, "mv2"), row(3, "mv3")];
    const error = await incomplete(
      ingestMovieInfos(store, records, { batchSize: 2, maxInFlight: 1 }),
    );
    expect(error.message).toBe(
      "ingest stopped after line 3 because a batch write failed: throttled",
    );
    expect(error.cause).toBe(failure);
    expect(store.batches.map((batch) => batch.map((info) => info.movie_id))).toEqual([
      ["mv1", "mv2"],
    ]);
    expect(error.summary).toMatchObject({ rowsRead: 3, written: 0 });
  });

  it("sends no batch after one failed while the next was waiting for a slot", async () => {
    const store = new InMemoryMovieStore({
      before: async (call) => {
        await microtasks(3);
        if (call.method === "putBatch" && call.index === 0) throw new Error("throttled");
      },
    });
    const records = Array.from({ length: 5 }, (_, i) => row(i + 1, `mv${i}`));
    const error = await incomplete(
      ingestMovieInfos(store, records, { batchSize: 1, maxInFlight: 1 }),
    );
    expect(error.message).toMatch(/because a batch write failed: throttled$/);
    expect(store.batches).toHaveLength(1);
    expect(error.summary.written).toBe(0);
  });

  it("fails when the last batch's write fails after it was sent", async () => {
    const store = new InMemoryMovieStore({
      before: async () => {
        await microtasks(3);
        throw new Error("throttled");
      },
    });
    const error = await incomplete(ingestMovieInfos(store, SEED_CSV));
    expect(error.message).toBe(
      "ingest stopped after line 3 because a batch write failed: throttled",
    );
    expect(store.batches).toHaveLength(1);
    expect(error.summary).toMatchObject({ rowsRead: 3, written: 0 });
  });

  it("succeeds when the signal aborts only once every row has been read and sent", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const store = new InMemoryMovieStore();
    const source = (function* () {
      yield* [row(1, "mv1"), row(2, "mv2")];
      signal.aborted = true;
    })();
    const summary = await ingestMovieInfos(store, source, { batchSize: 2, signal });
    expect(summary).toMatchObject({ rowsRead: 2, written: 2 });
    expect([...store.infos.keys()]).toEqual(["mv1", "mv2"]);
  });

  it("succeeds when the signal aborts while the last batch is being written", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const store = new InMemoryMovieStore({
      before: (call) => {
        if (call.method === "putBatch" && call.index === 1) signal.aborted = true;
      },
    });
    const records = [row(1, "mv1"), row(2, "mv2"), row(3, "mv3")];
    const summary = await ingestMovieInfos(store, records, { batchSize: 2, signal });
    expect(summary).toMatchObject({ rowsRead: 3, written: 3 });
    expect(store.batches).toHaveLength(2);
  });

  it("fails, with the last batch unsent, when the signal aborts while that batch waits for a slot", async () => {
    const signal = { aborted: false, reason: "time budget spent" };
    const store = new InMemoryMovieStore({
      before: async (call) => {
        if (call.method !== "putBatch" || call.index !== 0) return;
        await microtasks(5);
        signal.aborted = true;
      },
    });
    const records = [row(1, "mv1"), row(2, "mv2"), row(3, "mv3")];
    const error = await incomplete(
      ingestMovieInfos(store, records, { batchSize: 2, maxInFlight: 1, signal }),
    );
    expect(error.message).toBe("ingest stopped after line 3 because it was aborted");
    expect(store.batches).toHaveLength(1);
    expect(error.summary).toMatchObject({ rowsRead: 3, written: 2 });
    expect([...store.infos.keys()]).toEqual(["mv1", "mv2"]);
  });

  it("reports an async source's failure as its cause, without asking the failed source to close", async () => {
    const broken = new Error("connection reset");
    const { state, source } = asyncRows((line) => {
      if (line === 4) throw broken;
    });
    const store = new InMemoryMovieStore();
    const error = await incomplete(ingestMovieInfos(store, source, { batchSize: 2 }));
    expect(error.cause).toBe(broken);
    expect(error.message).toBe(
      "ingest stopped after line 3 because reading the input failed: connection reset",
    );
    expect(state.closed).toBe(0);
    expect(error.summary).toMatchObject({ rowsRead: 3, written: 2 });
  });

  it("closes an async source it leaves on an abort", async () => {
    const signal = { aborted: false };
    const { state, source } = asyncRows((line) => {
      if (line === 2) signal.aborted = true;
    });
    const error = await incomplete(ingestMovieInfos(new InMemoryMovieStore(), source, { signal }));
    expect(error.message).toBe("ingest stopped after line 2 because it was aborted");
    expect(state.closed).toBe(1);
  });

  it("passes no options to putBatch when there is no signal, as the port's exact types ask", async () => {
    const calls: unknown[][] = [];
    const repo = {
      putBatch: async (...args: unknown[]) => {
        calls.push(args);
      },
    };
    await ingestMovieInfos(repo, SEED_CSV.slice(0, 1));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
  });
});

describe("records the reader could not read", () => {
  const unreadable = (line: number, reason: string): CsvRecord => ({
    line,
    fields: ["mv9", "Half a row", "United States", "2014-10-26"],
    rejected: reason,
  });

  it("rejects them with the reader's reason, counts them as rows and writes nothing of them", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(store, [
      row(1, "mv1"),
      unreadable(2, "a stray quote"),
      row(3, "mv2"),
    ]);
    expect(summary).toEqual({
      rowsRead: 3,
      written: 2,
      rejected: 1,
      duplicates: 0,
      headerRows: 0,
      blankRows: 0,
      rejects: [{ line: 2, reason: "a stray quote" }],
    });
    expect([...store.infos.keys()].sort()).toEqual(["mv1", "mv2"]);
  });

  it("keeps only the first maxRejects of them but counts them all", async () => {
    const records = [1, 2, 3].map((line) => unreadable(line, `bad byte on line ${line}`));
    const summary = await ingestMovieInfos(new InMemoryMovieStore(), records, { maxRejects: 2 });
    expect(summary.rejected).toBe(3);
    expect(summary.rowsRead).toBe(3);
    expect(summary.rejects).toEqual([
      { line: 1, reason: "bad byte on line 1" },
      { line: 2, reason: "bad byte on line 2" },
    ]);
  });

  it("takes an unreadable first record as data, so no header can follow it", async () => {
    const summary = await ingestMovieInfos(new InMemoryMovieStore(), [
      unreadable(1, "a stray quote"),
      { line: 2, fields: ["movie_id", "name", "country_of_origin", "release_date"] },
    ]);
    expect(summary).toMatchObject({ headerRows: 0, rowsRead: 2, rejected: 2, written: 0 });
  });
});

describe("a later part of a file (columnOrder given)", () => {
  it("takes no record for a header and reads every row in the given order", async () => {
    const store = new InMemoryMovieStore();
    const summary = await ingestMovieInfos(
      store,
      [
        { line: 10, fields: ["release_date", "movie_id", "name", "country_of_origin"] },
        { line: 11, fields: ["2014-10-26", "mv1", "Interstellar", "United States"] },
      ],
      { columnOrder: [1, 2, 3, 0] },
    );
    expect(summary).toMatchObject({ headerRows: 0, rowsRead: 2, rejected: 1, written: 1 });
    expect(summary.rejects.map((r) => r.line)).toEqual([10]);
    expect(store.infos.get("mv1")).toEqual({
      movie_id: "mv1",
      name: "Interstellar",
      country_of_origin: "United States",
      release_date: "2014-10-26",
    });
  });
});
