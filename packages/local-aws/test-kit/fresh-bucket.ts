import { randomUUID } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, inject } from "vitest";
import { localS3Client } from "../src/s3-local.ts";
import type {} from "./provided-context.ts";

export interface FreshBucket {
  readonly client: S3Client;
  readonly bucket: string;
  /** The S3 server's endpoint, for code under test that builds its own client. */
  readonly endpoint: string;
}

const created: FreshBucket[] = [];

// Registered at import for the same reason as in fresh-table.ts: it must also serve beforeAll.
afterAll(async () => {
  const buckets = created.splice(0);
  await Promise.all(
    buckets.map(async ({ client, bucket }) => {
      try {
        await emptyAndDelete(client, bucket);
      } finally {
        client.destroy();
      }
    }),
  );
});

/**
 * A new, empty bucket on the run's S3 server (made with CreateBucket, so nothing needs to be
 * configured at start), emptied and deleted after the file's tests.
 */
export async function freshBucket(prefix = "movies-test"): Promise<FreshBucket> {
  const endpoint = inject("s3Endpoint");
  const client = localS3Client(endpoint);
  // Bucket names: 3 to 63 lowercase letters, digits and hyphens.
  const bucket = `${prefix}-${randomUUID()}`.toLowerCase().slice(0, 63).replace(/-+$/, "");
  const fresh: FreshBucket = { client, bucket, endpoint };
  created.push(fresh);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return fresh;
}

async function emptyAndDelete(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
