import { INGEST_MAX_ATTEMPTS } from "@movies/adapters-lambda/wiring";
import { describe, expect, test } from "vitest";
import {
  exitCodeOf,
  isFinal,
  outcomeText,
  progressText,
  type WatchedReport,
} from "./ingest-progress.ts";
import { statusLine } from "./status-line.ts";

const running: WatchedReport = {
  key: "movie-infos.csv",
  version_id: "v1",
  status: "running",
  attempt: 1,
  started_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:10.000Z",
  rows_read: 400_000,
  written: 400_000,
  rejected: 0,
  bytes_read: 40_000_000,
  bytes_total: 100_000_000,
};

describe("progressText", () => {
  test("rows written, rows/s from the report's clock, and time left from the bytes read", () => {
    expect(progressText(running)).toBe(
      `ingesting movie-infos.csv (attempt 1 of ${INGEST_MAX_ATTEMPTS}): ` +
        "400,000 rows written, 40,000 rows/s, 40% read, about 15 s left",
    );
  });

  test("leaves out what it cannot know", () => {
    const { bytes_read: _read, bytes_total: _total, ...noBytes } = running;
    expect(progressText({ ...noBytes, updated_at: running.started_at, written: 0 })).toBe(
      `ingesting movie-infos.csv (attempt 1 of ${INGEST_MAX_ATTEMPTS}): 0 rows written`,
    );
    expect(progressText({ ...running, bytes_total: null })).not.toMatch(/left|read/);
  });

  test("a fanned-out ingest: chunks done of all, their rows, and time left from the chunks' pace", () => {
    const fanned = { ...running, written: 0, bytes_read: 0, chunks_done: 3, chunks_total: 12 };
    expect(progressText(fanned)).toBe(
      `ingesting movie-infos.csv in parallel chunks (attempt 1 of ${INGEST_MAX_ATTEMPTS}): ` +
        "3 of 12 chunks done, 400,000 rows read, about 30 s left",
    );
    expect(progressText({ ...fanned, chunks_done: 0 })).toBe(
      `ingesting movie-infos.csv in parallel chunks (attempt 1 of ${INGEST_MAX_ATTEMPTS}): ` +
        "0 of 12 chunks done, 400,000 rows read",
    );
  });

  test("minutes for long runs", () => {
    expect(progressText({ ...running, bytes_read: 1_000_000 })).toContain("about 16 min 30 s left");
  });
});

describe("the final outcome", () => {
  test("a failed run is final only after the last attempt", () => {
    expect(isFinal(running)).toBe(false);
    expect(isFinal({ ...running, status: "failed", attempt: 1 })).toBe(false);
    expect(isFinal({ ...running, status: "failed", attempt: INGEST_MAX_ATTEMPTS })).toBe(true);
    for (const status of ["completed", "rejected", "skipped", "skipped_stale"] as const) {
      expect(isFinal({ ...running, status })).toBe(true);
    }
  });

  test("exit code 0 only for completed, with the reason for anything else", () => {
    expect(exitCodeOf({ ...running, status: "completed" })).toBe(0);
    for (const status of ["rejected", "skipped", "skipped_stale", "failed"] as const) {
      expect(exitCodeOf({ ...running, status })).toBe(1);
    }
    expect(outcomeText({ ...running, status: "rejected", reason: "unknown column title" })).toBe(
      "ingest rejected: unknown column title",
    );
    expect(
      outcomeText({ ...running, status: "failed", attempt: 3, error: "time budget ran out" }),
    ).toBe(`ingest failed after attempt 3 of ${INGEST_MAX_ATTEMPTS}: time budget ran out`);
  });
});

describe("statusLine", () => {
  function captured(isTTY: boolean) {
    let clock = 0;
    const written: string[] = [];
    const line = statusLine(
      { isTTY, write: (text: string) => written.push(text) },
      { intervalMs: 5000, now: () => clock },
    );
    return { line, written, advance: (ms: number) => (clock += ms) };
  }

  test("a terminal gets one line redrawn in place", () => {
    const { line, written } = captured(true);
    line.show("a");
    line.show("b");
    line.note("done");
    expect(written).toEqual(["\r\x1b[2Ka", "\r\x1b[2Kb", "\r\x1b[2Kdone\n"]);
  });

  test("a pipe gets a line at most every interval, a new stage at once, and no repeats", () => {
    const { line, written, advance } = captured(false);
    line.show("10 rows");
    advance(1000);
    line.show("20 rows");
    line.show("attempt 2", true);
    advance(5000);
    line.show("attempt 2");
    line.show("30 rows");
    line.note("done");
    expect(written).toEqual(["10 rows\n", "attempt 2\n", "30 rows\n", "done\n"]);
  });
});
