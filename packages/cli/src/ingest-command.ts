import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { isIngestibleKey, reportKey } from "@movies/adapters-lambda/wiring";
import { type WatchedReport, watchIngest } from "./ingest-progress.ts";
import type { StatusLine } from "./status-line.ts";
import { bucketOf, regionOf, type Target, UsageError } from "./target.ts";

const WIDTH = 30;

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

function uploadText(key: string, done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * WIDTH);
  return (
    `uploading ${key} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ` +
    `${Math.floor(share * 100)}% ${megabytes(done)}/${megabytes(total)} MB`
  );
}

/**
 * Uploads a CSV through S3, so the same notification and ingest path runs as for any upload,
 * then follows the report of that very object version (every upload makes a new version, so a
 * re-upload of the same bytes gets its own report) until its ingest is over, and returns it.
 */
export async function ingestFile(
  target: Target,
  file: string,
  options: { key?: string | undefined; timeoutMs: number; line: StatusLine },
): Promise<WatchedReport> {
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new UsageError(`cannot read ${file}`);
    },
  );
  const key = options.key ?? basename(file);
  if (!isIngestibleKey(key)) {
    throw new UsageError(`the object key must end in .csv or .csv.gz, outside reports/: ${key}`);
  }
  const bucket = bucketOf(target);
  const s3 = new S3Client({
    region: regionOf(target, "movies ingest"),
    ...(target.s3Endpoint && { endpoint: target.s3Endpoint, forcePathStyle: true }),
    ...(target.credentials && { credentials: target.credentials }),
  });
  const { line } = options;
  try {
    // Multipart for large files, with parts uploaded in parallel; memory stays at a few parts.
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: createReadStream(file), ContentType: "text/csv" },
      queueSize: 4,
      partSize: 5 * 1024 * 1024,
    });
    line.show(uploadText(key, 0, size), true);
    upload.on("httpUploadProgress", (progress) =>
      line.show(uploadText(key, progress.loaded ?? 0, size)),
    );
    const uploaded = await upload.done();
    const eTag = uploaded.ETag?.replace(/"/g, "");
    line.note(
      `uploaded s3://${bucket}/${key} (${megabytes(size)} MB` +
        `${uploaded.VersionId ? `, version ${uploaded.VersionId}` : ""}); waiting for its ingest...`,
    );
    const reportAt = reportKey({ key, versionId: uploaded.VersionId, eTag });
    return await watchIngest(() => readReport(s3, bucket, reportAt), {
      timeoutMs: options.timeoutMs,
      line,
    });
  } finally {
    s3.destroy();
  }
}

async function readReport(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<WatchedReport | undefined> {
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await Body?.transformToString()) ?? "") as WatchedReport;
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
}
