import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { IngestReport } from "../ingest/ingest-report.ts";
import { REPORTS_PREFIX } from "../wiring.ts";
import { progressBar } from "./progress-bar.ts";
import { type Target, UsageError } from "./target.ts";

const POLL_MS = 250;

/**
 * Uploads a CSV through S3, so the same notification and ingest path runs as for any upload,
 * then waits for that object version's report and returns it.
 */
export async function ingestFile(
  target: Target,
  file: string,
  options: { key?: string | undefined; timeoutMs: number },
): Promise<IngestReport> {
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new UsageError(`cannot read ${file}`);
    },
  );
  const key = options.key ?? basename(file);
  if (!key.endsWith(".csv")) throw new UsageError(`the object key must end in .csv: ${key}`);
  const s3 = new S3Client({
    region: target.region,
    ...(target.s3Endpoint && { endpoint: target.s3Endpoint, forcePathStyle: true }),
    ...(target.credentials && { credentials: target.credentials }),
  });
  try {
    const bar = progressBar(`uploading ${key}`, size);
    // Multipart for large files, with parts uploaded in parallel; memory stays at a few parts.
    const upload = new Upload({
      client: s3,
      params: {
        Bucket: target.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentType: "text/csv",
      },
      queueSize: 4,
      partSize: 5 * 1024 * 1024,
    });
    upload.on("httpUploadProgress", (progress) => bar.update(progress.loaded ?? 0));
    const uploaded = await upload.done();
    bar.done(
      `uploaded s3://${target.bucket}/${key} (${(size / 1_048_576).toFixed(1)} MB); ingesting...`,
    );
    const version = uploaded.VersionId ?? uploaded.ETag?.replace(/"/g, "") ?? "unversioned";
    return await waitForReport(
      s3,
      target.bucket,
      `${REPORTS_PREFIX}${key}/${version}.json`,
      options.timeoutMs,
    );
  } finally {
    s3.destroy();
  }
}

async function waitForReport(
  s3: S3Client,
  bucket: string,
  key: string,
  timeoutMs: number,
): Promise<IngestReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse((await Body?.transformToString()) ?? "") as IngestReport;
    } catch (error) {
      if (!(error instanceof NoSuchKey)) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`no report at s3://${bucket}/${key} after ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
