import type { IngestSummary } from "@movies/domain";
import type { IngestReport } from "../src/ingest/ingest-report.ts";

/** A report's counts and rejects as the domain's summary, to hold it against an oracle. */
export function summaryOfReport(report: IngestReport): IngestSummary {
  return {
    rowsRead: report.rows_read,
    written: report.written,
    rejected: report.rejected,
    duplicates: report.duplicates,
    headerRows: report.header_rows,
    blankRows: report.blank_rows,
    rejects: report.rejects,
  };
}
