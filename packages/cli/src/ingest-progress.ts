import type { IngestReport } from "@movies/adapters-lambda";
import { INGEST_MAX_ATTEMPTS } from "@movies/adapters-lambda/wiring";
import type { StatusLine } from "./status-line.ts";

/**
 * The fields of an ingest report the CLI reads while it waits. Reports of an ingest that does
 * not count attempts or bytes lack those fields; the CLI then shows less, and takes a `failed`
 * report as final.
 */
export type WatchedReport = Pick<
  IngestReport,
  | "key"
  | "version_id"
  | "status"
  | "started_at"
  | "rows_read"
  | "written"
  | "rejected"
  | "reason"
  | "error"
> &
  Partial<
    Pick<
      IngestReport,
      "attempt" | "updated_at" | "bytes_read" | "bytes_total" | "chunks_done" | "chunks_total"
    >
  >;

const count = new Intl.NumberFormat("en-US");

function duration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  return whole % 60 === 0 ? `${minutes} min` : `${minutes} min ${whole % 60} s`;
}

function attemptOf(report: WatchedReport): string {
  return `attempt ${report.attempt ?? 1} of ${INGEST_MAX_ATTEMPTS}`;
}

/**
 * One line of a running ingest: rows written and their rate from the report's own clock, and
 * the time left estimated from the share of the object's bytes read so far.
 */
export function progressText(report: WatchedReport): string {
  const seconds =
    (Date.parse(report.updated_at ?? report.started_at) - Date.parse(report.started_at)) / 1000;
  const { chunks_done: done, chunks_total: chunks } = report;
  if (chunks) {
    // Fanned out: chunks run in parallel; the report counts the rows of the chunks done.
    const parts = [`${count.format(done ?? 0)} of ${count.format(chunks)} chunks done`];
    parts.push(`${count.format(report.rows_read)} rows read`);
    if (done && seconds > 0)
      parts.push(`about ${duration((seconds * (chunks - done)) / done)} left`);
    return `ingesting ${report.key} in parallel chunks (${attemptOf(report)}): ${parts.join(", ")}`;
  }
  const parts = [`${count.format(report.written)} rows written`];
  if (seconds > 0) parts.push(`${count.format(Math.round(report.written / seconds))} rows/s`);
  const { bytes_read: read, bytes_total: total } = report;
  if (read !== undefined && total) {
    parts.push(`${Math.min(100, Math.floor((read / total) * 100))}% read`);
    if (read > 0 && seconds > 0)
      parts.push(`about ${duration((seconds * (total - read)) / read)} left`);
  }
  return `ingesting ${report.key} (${attemptOf(report)}): ${parts.join(", ")}`;
}

/** A `failed` report is final only once Lambda has no retry left. */
export function isFinal(report: WatchedReport): boolean {
  if (report.status === "running") return false;
  if (report.status !== "failed") return true;
  return (report.attempt ?? INGEST_MAX_ATTEMPTS) >= INGEST_MAX_ATTEMPTS;
}

/** What the user reads last, on stderr; the report itself goes to stdout. */
export function outcomeText(report: WatchedReport): string {
  switch (report.status) {
    case "completed":
      return (
        `ingest completed: ${count.format(report.written)} rows written, ` +
        `${count.format(report.rejected)} rejected (${attemptOf(report)})`
      );
    case "failed":
      return `ingest failed after ${attemptOf(report)}: ${report.error ?? "see the function's logs"}`;
    default:
      return `ingest ${report.status}: ${report.reason ?? report.error ?? "see the report"}`;
  }
}

/** 0 only when the file was read to its end; any other final outcome is 1. */
export function exitCodeOf(report: WatchedReport): number {
  return report.status === "completed" ? 0 : 1;
}

/**
 * Polls one object version's report until it is final, showing the run's progress, each failed
 * attempt that Lambda retries, and the outcome.
 */
export async function watchIngest(
  readReport: () => Promise<WatchedReport | undefined>,
  options: { readonly timeoutMs: number; readonly pollMs?: number; readonly line: StatusLine },
): Promise<WatchedReport> {
  const { line, timeoutMs, pollMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let stage = "";
  let last: WatchedReport | undefined;
  for (;;) {
    const report = await readReport();
    if (report) {
      last = report;
      const reportStage = `${report.status} ${report.attempt ?? 1}`;
      if (isFinal(report)) {
        line.note(outcomeText(report));
        return report;
      }
      if (report.status === "running") {
        line.show(progressText(report), reportStage !== stage);
      } else if (reportStage !== stage) {
        line.note(
          `${attemptOf(report)} failed: ${report.error ?? "see the function's logs"}; Lambda retries it`,
        );
      }
      stage = reportStage;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no final report after ${timeoutMs / 1000} s (${last ? `the last said ${last.status}, ${attemptOf(last)}` : "none yet"}); raise --timeout to wait longer`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
