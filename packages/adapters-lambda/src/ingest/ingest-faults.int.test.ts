/*
 * FAULT INJECTION: the ingest handler as Lambda runs it, with the real SDK and the repositories'
 * own retries, talks to DynamoDB Local through a proxy that throttles, leaves items unprocessed,
 * resets connections, fails with 500s, goes down mid-file, loses the table or answers slowly
 * (test-kit/dynamodb-fault-proxy.ts). What must hold: the table ends up holding exactly the
 * CSV's last row per movie id and the report counts exactly; or, when the run cannot finish, it
 * fails loudly (a rejected invocation, which Lambda retries, and a failed report) and the retry
 * completes exactly.
 *
 * Each test has a rig of its own (table, proxy, handler cold start), so they run concurrently:
 * most of their time is spent in retry back-off, not on the CPU.
 *
 * A restart, as a client sees it, is every open connection cut mid-request (some writes applied,
 * some not, none answered), then refused connections until the server listens again; the proxy
 * does exactly that, deterministically and without a second JVM start (about 6.5 s here). An
 * in-memory DynamoDB Local also loses its tables when it restarts: one test does that too, by
 * deleting the table while the proxy is down.
 */
import { DeleteTableCommand, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { freshBucket } from "@movies/local-aws/test-kit";
import { describe, expect, test } from "vitest";
import { type Catalogue, catalogueCsv } from "../../test-kit/catalogue-csv.ts";
import type { FaultRules } from "../../test-kit/dynamodb-fault-proxy.ts";
import { type IngestRig, ingestRig } from "../../test-kit/ingest-harness.ts";
import { reportFigures } from "../../test-kit/report-figures.ts";
import { sortedEntries } from "../../test-kit/table-contents.ts";
import { ensureTable } from "../store/table.ts";

const bucket = await freshBucket("movies-faults");
const BATCH_WRITE = "BatchWriteItem";

/** Ingests the catalogue with the faults on, and checks the table and the report exactly. */
async function ingestUnderFaults(name: string, catalogue: Catalogue, rules: FaultRules) {
  const rig = await ingestRig(bucket);
  rig.proxy.setRules(rules);
  const event = await rig.upload(`${name}.csv`, catalogue.csv);
  const outcome = await rig.attempt(event);
  rig.proxy.setRules({});
  const stats = structuredClone(rig.proxy.stats);
  // A fault may only ever make the run fail loudly; here every fault is transient, so it must not.
  expect(outcome, "the run ends without an error").toEqual({ ok: true });
  const report = await rig.reportOf(event);
  expect(report).toMatchObject({ status: "completed", ...catalogue.counts });
  expect(report.rejects.map((r) => r.line)).toEqual(catalogue.rejectedLines);
  expect(sortedEntries(await rig.stored(name))).toEqual(sortedEntries(catalogue.expected));
  return { report, stats };
}

/** Takes DynamoDB down when the ingest sends its `nth` batch write, that request included. */
function restartAt(rig: IngestRig, nth: number, whenDown: () => void = () => {}) {
  rig.proxy.setRules({
    onRequest: ({ operation, index }, self) => {
      if (operation === BATCH_WRITE && index === nth) {
        self.down();
        whenDown();
      }
    },
  });
}

function catalogueFor(prefix: string, seed: number) {
  return catalogueCsv({ prefix, movies: 700, duplicates: 60, invalid: 30, blank: 4, seed });
}

// One concurrent suite: every test below runs at the same time as the others.
describe.concurrent("ingest under injected DynamoDB faults", () => {
  describe("transient faults on the batch writes", () => {
    test("throttling: a quarter of the batch writes get ProvisionedThroughputExceeded", async () => {
      const catalogue = catalogueCsv({
        prefix: "thr",
        movies: 360,
        duplicates: 40,
        invalid: 20,
        blank: 5,
        seed: 1,
      });
      const { stats } = await ingestUnderFaults("thr", catalogue, {
        // A quarter of the distinct requests are throttled the first time they are sent, some
        // twice. (The SDK waits up to 1 s, then 2 s, after a throttle, so more throttling only
        // makes the test slower; the mixed test below takes requests past the SDK's retries.)
        request: ({ operation, attempt, hash }) =>
          operation === BATCH_WRITE &&
          ((hash % 4 === 0 && attempt === 1) || (hash % 16 === 0 && attempt === 2))
            ? { kind: "throttle" }
            : undefined,
      });
      expect(stats.throttled).toBeGreaterThan(0);
      reportFigures("throttling", {
        rows: catalogue.counts.rows_read,
        batchWrites: stats.requests[BATCH_WRITE],
        throttled: stats.throttled,
      });
    });

    test("unprocessed items: about a third of the items of each batch write come back unprocessed", async () => {
      const catalogue = catalogueCsv({
        prefix: "unp",
        movies: 600,
        duplicates: 60,
        invalid: 40,
        seed: 2,
      });
      const { stats } = await ingestUnderFaults("unp", catalogue, {
        // Items are really left unwritten: the proxy takes them out of the request it forwards.
        holdBack: ({ attempt, hash }) =>
          (hash % 3 === 0 && attempt === 1) || (hash % 7 === 0 && attempt <= 3),
      });
      expect(stats.heldBackItems).toBeGreaterThan(catalogue.counts.written / 4);
      reportFigures("unprocessed items", {
        rows: catalogue.counts.rows_read,
        batchWrites: stats.requests[BATCH_WRITE],
        batchWritesWithUnprocessed: stats.batchWritesWithUnprocessed,
        itemsHeldBack: stats.heldBackItems,
      });
    });

    test("connection resets, before the write reaches DynamoDB and after it was applied", async () => {
      const catalogue = catalogueCsv({
        prefix: "rst",
        movies: 600,
        duplicates: 60,
        invalid: 40,
        seed: 3,
      });
      const { stats } = await ingestUnderFaults("rst", catalogue, {
        request: ({ operation, attempt, hash }) => {
          if (attempt > 1) return undefined;
          // The snapshot ledger's read and write are cut too, after DynamoDB answered them.
          if (operation !== BATCH_WRITE) return { kind: "reset-after" };
          if (hash % 4 === 0) return { kind: "reset-before" };
          if (hash % 4 === 1) return { kind: "reset-after" };
          return undefined;
        },
      });
      expect(stats.resetsBeforeForward).toBeGreaterThan(0);
      expect(stats.resetsAfterForward).toBeGreaterThan(0);
      reportFigures("connection resets", {
        rows: catalogue.counts.rows_read,
        batchWrites: stats.requests[BATCH_WRITE],
        resetBeforeForward: stats.resetsBeforeForward,
        resetAfterApplied: stats.resetsAfterForward,
      });
    });

    test("all at once on a larger file: throttling, unprocessed items, resets and 500s", async () => {
      const catalogue = catalogueCsv({
        prefix: "mix",
        movies: 1200,
        duplicates: 150,
        invalid: 80,
        blank: 20,
        seed: 4,
      });
      const { stats } = await ingestUnderFaults("mix", catalogue, {
        request: ({ operation, attempt, hash }) => {
          if (operation !== BATCH_WRITE) {
            return attempt === 1 && hash % 2 === 0 ? { kind: "internal-error" } : undefined;
          }
          // A few requests fail four times in a row: past the SDK's own attempts (4 for DynamoDB),
          // so that the repository's retry has to carry on.
          if (hash % 23 === 0 && attempt <= 4) return { kind: "internal-error" };
          if (attempt > 1) return undefined;
          switch (hash % 16) {
            case 0:
              return { kind: "throttle" };
            case 1:
            case 2:
              return { kind: "reset-before" };
            case 3:
            case 4:
              return { kind: "reset-after" };
            case 5:
            case 6:
              return { kind: "internal-error" };
            default:
              return undefined;
          }
        },
        holdBack: ({ attempt, hash }) => hash % 3 === 0 && attempt <= 2,
      });
      expect(stats.maxAttempt, "a request outlived the SDK's own attempts").toBeGreaterThan(4);
      reportFigures("mixed faults", {
        rows: catalogue.counts.rows_read,
        batchWrites: stats.requests[BATCH_WRITE],
        throttled: stats.throttled,
        internalErrors: stats.internalErrors,
        itemsHeldBack: stats.heldBackItems,
        resets: stats.resetsBeforeForward + stats.resetsAfterForward,
        mostAttemptsOfOneRequest: stats.maxAttempt,
      });
    });
  });

  describe("DynamoDB restarted in the middle of a file", () => {
    test("a short outage: the run rides it out, or fails loudly and its retry completes", async () => {
      const rig = await ingestRig(bucket);
      const catalogue = catalogueFor("brief", 11);
      const event = await rig.upload("brief.csv", catalogue.csv);
      let back: NodeJS.Timeout | undefined;
      // Back after a second: far shorter than the SDK's and the repository's retries together.
      restartAt(rig, 8, () => {
        back = setTimeout(() => void rig.proxy.up(), 1_000);
      });
      const first = await rig.attempt(event);
      clearTimeout(back);
      rig.proxy.setRules({});
      await rig.proxy.up();
      const { connectionsCut, downs } = rig.proxy.stats;
      expect(downs).toBe(1);

      let retried = false;
      if (!first.ok) {
        // Allowed, but only loudly: a failed report, then a retry that completes.
        expect(first.error.name).toBe("IngestIncompleteError");
        expect(await rig.reportOf(event)).toMatchObject({ status: "failed" });
        await rig.invoke(event);
        retried = true;
      }
      expect(await rig.reportOf(event)).toMatchObject({ status: "completed", ...catalogue.counts });
      expect(sortedEntries(await rig.stored("brief"))).toEqual(sortedEntries(catalogue.expected));
      reportFigures("short outage", {
        rows: catalogue.counts.rows_read,
        connectionsCut,
        outcome: retried ? "failed loudly, retry completed" : "rode it out",
      });
    });

    test("an outage longer than every retry: the run fails loudly, the retry completes", async () => {
      const rig = await ingestRig(bucket);
      const catalogue = catalogueFor("long", 12);
      const event = await rig.upload("long.csv", catalogue.csv);
      restartAt(rig, 8);
      const first = await rig.attempt(event);
      const { connectionsCut } = rig.proxy.stats;
      expect(first.ok, "the invocation must fail, so that Lambda retries it").toBe(false);
      const failed = await rig.reportOf(event);
      expect(failed).toMatchObject({ status: "failed" });
      expect(failed.error).toMatch(/^ingest stopped after line \d+ because a batch write failed/);
      expect(failed.error).not.toMatch(/\n\s+at /);
      // Nothing claimed that is not there: every write the report counts is in the table.
      const partial = await rig.stored("long");
      expect(partial.size).toBeGreaterThanOrEqual(failed.written);
      expect(failed.written).toBeLessThan(catalogue.counts.written);

      rig.proxy.setRules({});
      await rig.proxy.up();
      await rig.invoke(event);
      expect(await rig.reportOf(event)).toMatchObject({ status: "completed", ...catalogue.counts });
      expect(sortedEntries(await rig.stored("long"))).toEqual(sortedEntries(catalogue.expected));
      reportFigures("long outage", {
        rows: catalogue.counts.rows_read,
        connectionsCut,
        writtenBeforeFailure: failed.written,
        outcome: "failed loudly, retry completed",
      });
    });

    test("the restart loses the table (in-memory DynamoDB Local): the run fails loudly, the retry on the re-created table completes", async () => {
      const rig = await ingestRig(bucket);
      const { client, tableName } = rig.table;
      const catalogue = catalogueFor("lost", 13);
      const event = await rig.upload("lost.csv", catalogue.csv);
      let tableDropped: Promise<void> | undefined;
      restartAt(rig, 8, () => {
        tableDropped = (async () => {
          await client.send(new DeleteTableCommand({ TableName: tableName }));
          await rig.proxy.up();
        })();
      });
      const first = await rig.attempt(event);
      await tableDropped;
      expect(first.ok, "the invocation must fail, so that Lambda retries it").toBe(false);
      const failed = await rig.reportOf(event);
      expect(failed).toMatchObject({ status: "failed" });
      expect(failed.error).toMatch(/ResourceNotFoundException/);
      await expect(rig.stored("lost")).rejects.toBeInstanceOf(ResourceNotFoundException);

      rig.proxy.setRules({});
      await ensureTable(client, tableName);
      await rig.invoke(event);
      expect(await rig.reportOf(event)).toMatchObject({ status: "completed", ...catalogue.counts });
      expect(sortedEntries(await rig.stored("lost"))).toEqual(sortedEntries(catalogue.expected));
      reportFigures("table lost in a restart", {
        rows: catalogue.counts.rows_read,
        writtenBeforeFailure: failed.written,
        outcome: "failed loudly, retry completed",
      });
    });
  });

  describe("DynamoDB down for the snapshot ledger, before or after the rows", () => {
    test.each([
      ["GetItem", "before the first row (reading the newest snapshot)"],
      ["PutItem", "after the last row (recording the snapshot)"],
    ])("down at its %s, %s: a failed report, then the retry completes", async (operation) => {
      const rig = await ingestRig(bucket);
      const prefix = `ledger-${operation.toLowerCase()}`;
      const catalogue = catalogueCsv({ prefix, movies: 60, duplicates: 5, invalid: 3, seed: 31 });
      const event = await rig.upload(`${prefix}.csv`, catalogue.csv);
      rig.proxy.setRules({
        onRequest: (request, self) => request.operation === operation && self.down(),
      });
      const first = await rig.attempt(event);
      expect(first.ok, "the invocation must fail, so that Lambda retries it").toBe(false);
      // Every run leaves its report, also one that failed outside the rows.
      expect(await rig.reportOf(event)).toMatchObject({ status: "failed" });
      rig.proxy.setRules({});
      await rig.proxy.up();
      await rig.invoke(event);
      expect(await rig.reportOf(event)).toMatchObject({ status: "completed", ...catalogue.counts });
      expect(sortedEntries(await rig.stored(prefix))).toEqual(sortedEntries(catalogue.expected));
      reportFigures(`ledger down at its ${operation}`, {
        rows: catalogue.counts.rows_read,
        outcome: "failed loudly with a failed report, retry completed",
      });
    });
  });

  describe("the time budget", () => {
    test("a run that would outlast the Lambda deadline fails loudly before it; the retry completes", async () => {
      const rig = await ingestRig(bucket);
      // 1600 movies are 64 batch writes; at most 4 in flight and 250 ms each: 4 s of writing at
      // least, against a 3 s Lambda timeout whose ingest stops 1 s before the end.
      const catalogue = catalogueCsv({
        prefix: "slow",
        movies: 1600,
        duplicates: 100,
        invalid: 40,
        seed: 21,
      });
      const event = await rig.upload("slow.csv", catalogue.csv);
      rig.proxy.setRules({
        request: ({ operation }) =>
          operation === BATCH_WRITE ? { kind: "delay", ms: 250 } : undefined,
      });
      const first = await rig.attempt(event, 3_000);
      rig.proxy.setRules({});

      expect(first.ok, "the invocation must fail, so that Lambda retries it").toBe(false);
      expect((first as { error: Error }).error.name).toBe("IngestIncompleteError");
      const failed = await rig.reportOf(event);
      expect(failed).toMatchObject({
        status: "failed",
        attempt: 1,
        error: expect.stringMatching(
          /^stopped before the time budget ran out; the retry starts again from the first row/,
        ),
      });
      expect(failed.rows_read).toBeLessThan(catalogue.counts.rows_read);
      // The batches in flight settled before the report: it counts exactly what the table holds,
      // and every stored row is one of the file's rows for its id.
      const partial = await rig.stored("slow");
      expect(partial.size).toBe(failed.written);
      expect(failed.written).toBeLessThan(catalogue.counts.written);
      for (const [id, info] of partial)
        expect(catalogue.validRows.get(id), id).toContainEqual(info);

      await rig.invoke(event, 60_000);
      expect(await rig.reportOf(event)).toMatchObject({ status: "completed", ...catalogue.counts });
      expect(sortedEntries(await rig.stored("slow"))).toEqual(sortedEntries(catalogue.expected));
      reportFigures("deadline", {
        rows: catalogue.counts.rows_read,
        lambdaTimeoutMs: 3_000,
        rowsReadBeforeStop: failed.rows_read,
        writtenBeforeStop: failed.written,
        failedRunMs: Date.parse(failed.finished_at ?? "") - Date.parse(failed.started_at),
        outcome: "failed loudly before the deadline, retry completed",
      });
    });
  });
});
