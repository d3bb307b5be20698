import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { decodeS3Key, reportKey } from "@movies/adapters-lambda";
import { INGEST_MAX_ATTEMPTS } from "@movies/adapters-lambda/wiring";
import { localS3Client, type S3Local, startS3Local } from "@movies/local-aws";
import { REAL_LOOKING_AWS_KEYS } from "@movies/local-aws/test-kit";
import type { S3EventRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { WatchedReport } from "./ingest-progress.ts";

/*
 * The real `movies ingest` as a child process against a real local S3 server, with a FAKE
 * ingest behind the bucket: on each upload's event it writes the reports a run would (running,
 * failed attempts, the outcome) under that version's report key, on a script. It is a test
 * double for the ingest function because what is tested is how the CLI follows those reports;
 * the real ingest runs behind the CLI in the end-to-end test.
 */

const packageDir = fileURLToPath(new URL("..", import.meta.url));
let s3: S3Local;
let client: S3Client;
let directory: string;
const STEP_MS = 1000;

type Step = Partial<WatchedReport> & Pick<WatchedReport, "status">;

const SCRIPTS: Record<string, Step[]> = {
  "retried.csv": [
    { status: "running", attempt: 1, written: 1000, bytes_read: 25, updated_at: at(2) },
    {
      status: "failed",
      attempt: 1,
      written: 1500,
      error: "stopped before the time budget ran out",
    },
    { status: "running", attempt: 2, written: 2000, bytes_read: 50, updated_at: at(4) },
    { status: "completed", attempt: 2, written: 4000, bytes_read: 100 },
  ],
  "refused.csv": [
    { status: "rejected", attempt: 1, reason: "the header names an unknown column: title" },
  ],
  "broken.csv": Array.from({ length: INGEST_MAX_ATTEMPTS }, (_, i) => ({
    status: "failed" as const,
    attempt: i + 1,
    error: "the object could not be read or written; see the logs",
  })),
};

function at(seconds: number): string {
  return new Date(Date.parse("2026-01-01T00:00:00.000Z") + seconds * 1000).toISOString();
}

async function fakeIngest(record: S3EventRecord): Promise<void> {
  const key = decodeS3Key(record.s3.object.key);
  const object = {
    bucket: record.s3.bucket.name,
    key,
    versionId: record.s3.object.versionId,
    eTag: record.s3.object.eTag,
    eventTime: record.eventTime,
  };
  for (const step of SCRIPTS[key] ?? []) {
    const report = {
      key,
      version_id: object.versionId ?? null,
      started_at: at(0),
      rows_read: step.written ?? 0,
      written: 0,
      rejected: 0,
      bytes_total: 100,
      ...step,
    };
    await client.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: reportKey(object),
        Body: JSON.stringify(report),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, STEP_MS));
  }
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "movies-cli-"));
  s3 = await startS3Local({ directory: join(directory, "s3"), buckets: ["movie-infos"] });
  client = localS3Client(s3.endpoint);
  s3.onObjectCreated(fakeIngest);
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** `movies ingest` with real-looking AWS keys exported, as many shells have them. */
async function movies(...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["src/main.ts", ...args, "--s3-endpoint", s3.endpoint],
      {
        cwd: packageDir,
        env: { ...process.env, ...REAL_LOOKING_AWS_KEYS },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function csvFile(name: string): Promise<string> {
  const file = join(directory, name);
  await writeFile(file, "mv1,Interstellar,United States,2014-10-26\n");
  return file;
}

describe("movies ingest follows its upload's reports", () => {
  test("shows the run's progress, follows a retry to its outcome, and exits 0", async () => {
    const { code, stdout, stderr } = await movies("ingest", await csvFile("retried.csv"));
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as WatchedReport;
    expect(report).toMatchObject({ status: "completed", attempt: 2, written: 4000 });
    expect(report.version_id).toMatch(/^[\w-]{16,}$/);
    const lines = stderr.split("\n");
    const order = [
      `uploaded s3://movie-infos/retried.csv (0.0 MB, version ${report.version_id})`,
      `ingesting retried.csv (attempt 1 of ${INGEST_MAX_ATTEMPTS}): 1,000 rows written, 500 rows/s, 25% read, about 6 s left`,
      `attempt 1 of ${INGEST_MAX_ATTEMPTS} failed: stopped before the time budget ran out; Lambda retries it`,
      `ingesting retried.csv (attempt 2 of ${INGEST_MAX_ATTEMPTS}): 2,000 rows written, 500 rows/s, 50% read, about 4 s left`,
      `ingest completed: 4,000 rows written, 0 rejected (attempt 2 of ${INGEST_MAX_ATTEMPTS})`,
    ].map((expected) => lines.findIndex((line) => line.startsWith(expected)));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("a rejected file exits 1 with the reason on stderr", async () => {
    const { code, stdout, stderr } = await movies("ingest", await csvFile("refused.csv"));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: "rejected" });
    expect(stderr).toContain("ingest rejected: the header names an unknown column: title");
  });

  test("a run that fails every attempt exits 1 only after the last one", async () => {
    const { code, stdout, stderr } = await movies("ingest", await csvFile("broken.csv"));
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: "failed", attempt: INGEST_MAX_ATTEMPTS });
    expect(stderr).toContain(`attempt 2 of ${INGEST_MAX_ATTEMPTS} failed`);
    expect(stderr).toContain(
      `ingest failed after attempt ${INGEST_MAX_ATTEMPTS} of ${INGEST_MAX_ATTEMPTS}: the object could not be read`,
    );
  });

  test("wrong usage exits 2", async () => {
    const { code, stderr } = await movies("ingest", await csvFile("notes.txt"));
    expect(code).toBe(2);
    expect(stderr).toContain("must end in .csv or .csv.gz");
  });
});
