import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";

import { Upload } from "@aws-sdk/lib-storage";
import type { S3EventRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { freshBucket } from "../test-kit/fresh-bucket.ts";
import { encodeEventKey, localS3Client, type S3Local, startS3Local } from "./s3-local.ts";

// A server of its own, because the events of the run's shared server belong to no one file.
let s3: S3Local;
let directory: string;
let client: S3Client;
const events: S3EventRecord[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "s3-local-test-"));
  s3 = await startS3Local({ directory, buckets: ["movies"] });
  s3.onObjectCreated((record) => {
    events.push(record);
  });
  client = localS3Client(s3.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await rm(directory, { recursive: true, force: true });
});

async function eventFor(key: string): Promise<S3EventRecord> {
  await expect.poll(() => events.some((e) => e.s3.object.key === key)).toBe(true);
  const found = events.filter((e) => e.s3.object.key === key);
  expect(found).toHaveLength(1);
  return found[0] as S3EventRecord;
}

async function bodyOf(key: string): Promise<string> {
  const got = await client.send(new GetObjectCommand({ Bucket: "movies", Key: key }));
  return (await got.Body?.transformToString()) ?? "";
}

function clientWith(accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

describe("startS3Local", () => {
  test("a PUT with the local credentials notifies with bucket and URL-encoded key", async () => {
    const key = "incoming/new movies (1)+final.csv";
    await client.send(
      new PutObjectCommand({ Bucket: "movies", Key: key, Body: "movie_id,name\ntt1,Alien\n" }),
    );
    const event = await eventFor("incoming/new+movies+%281%29%2Bfinal.csv");
    expect(event).toMatchObject({
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventName: "ObjectCreated:Put",
      s3: {
        bucket: { name: "movies", arn: "arn:aws:s3:::movies" },
        object: { size: 24 },
      },
    });
    // S3 event keys are form-encoded: `+` for a space, percent-escapes for the rest.
    expect(decodeURIComponent(event.s3.object.key.replaceAll("+", " "))).toBe(key);
    expect(await bodyOf(key)).toBe("movie_id,name\ntt1,Alien\n");
  });

  test("rejects an unknown access key and a wrong secret", async () => {
    for (const [id, secret, code] of [
      ["nobody", "local", "InvalidAccessKeyId"],
      ["local", "not-the-secret", "SignatureDoesNotMatch"],
    ] as const) {
      const stranger = clientWith(id, secret);
      try {
        const put = stranger.send(
          new PutObjectCommand({ Bucket: "movies", Key: `${code}.csv`, Body: "x" }),
        );
        await expect(put).rejects.toBeInstanceOf(S3ServiceException);
        await expect(put).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 403 } });
      } finally {
        stranger.destroy();
      }
    }
    expect(events.map((e) => e.s3.object.key)).not.toContain("SignatureDoesNotMatch.csv");
  });

  test("stores a streamed (aws-chunked) body as sent, not its chunk framing", async () => {
    const lines = ["movie_id,name\n", "tt2,Aliens\n", "tt3,Alien 3\n"];
    await client.send(
      new PutObjectCommand({
        Bucket: "movies",
        Key: "streamed.csv",
        Body: Readable.from(lines.map((l) => Buffer.from(l))),
        ContentLength: lines.join("").length,
      }),
    );
    const event = await eventFor("streamed.csv");
    expect(event.s3.object.size).toBe(lines.join("").length);
    expect(await bodyOf("streamed.csv")).toBe(lines.join(""));
  });

  test("a copy notifies ObjectCreated:Copy", async () => {
    await client.send(new PutObjectCommand({ Bucket: "movies", Key: "source.csv", Body: "a\n" }));
    await client.send(
      new CopyObjectCommand({
        Bucket: "movies",
        Key: "copied.csv",
        CopySource: "movies/source.csv",
      }),
    );
    expect((await eventFor("copied.csv")).eventName).toBe("ObjectCreated:Copy");
  });

  test("a multipart upload notifies once, as CompleteMultipartUpload", async () => {
    const body = Buffer.alloc(6 * 1024 * 1024 + 123, "a,b\n");
    const upload = new Upload({
      client,
      params: { Bucket: "movies", Key: "big.csv", Body: body },
      partSize: 5 * 1024 * 1024,
    });
    let parts = 0;
    upload.on("httpUploadProgress", () => {
      parts += 1;
    });
    await upload.done();
    expect(parts).toBeGreaterThanOrEqual(2);
    const event = await eventFor("big.csv");
    expect(event.eventName).toBe("ObjectCreated:CompleteMultipartUpload");
    expect(event.s3.object.size).toBe(body.length);
    // Give a stray per-part event the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((e) => e.s3.object.key === "big.csv")).toHaveLength(1);
  });

  test("GetObject with If-Match answers 412 once the object was overwritten, as S3 does", async () => {
    const first = await client.send(
      new PutObjectCommand({ Bucket: "movies", Key: "if-match.csv", Body: "first" }),
    );
    const matching = await client.send(
      new GetObjectCommand({ Bucket: "movies", Key: "if-match.csv", IfMatch: first.ETag }),
    );
    expect(await matching.Body?.transformToString()).toBe("first");
    await client.send(
      new PutObjectCommand({ Bucket: "movies", Key: "if-match.csv", Body: "second" }),
    );
    const error = await client
      .send(new GetObjectCommand({ Bucket: "movies", Key: "if-match.csv", IfMatch: first.ETag }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).toMatchObject({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } });
  });

  test("a failing listener does not fail the upload, and is reported", async () => {
    const reported = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      s3.onObjectCreated((record) => {
        if (record.s3.object.key === "still-ok.csv") throw new Error("listener broke");
      });
      await expect(
        client.send(new PutObjectCommand({ Bucket: "movies", Key: "still-ok.csv", Body: "x" })),
      ).resolves.toBeDefined();
      await eventFor("still-ok.csv");
      await expect.poll(() => reported.mock.calls.length).toBe(1);
      expect(String(reported.mock.calls[0]?.[0])).toContain("movies/still-ok.csv");
    } finally {
      reported.mockRestore();
    }
  });
});

describe("versions, as in the deployed bucket (versioning enabled)", () => {
  const put = (key: string, body: string) =>
    client.send(new PutObjectCommand({ Bucket: "movies", Key: key, Body: body }));
  const bodyAt = async (key: string, versionId: string) => {
    const got = await client.send(
      new GetObjectCommand({ Bucket: "movies", Key: key, VersionId: versionId }),
    );
    expect(got.VersionId).toBe(versionId);
    return got.Body?.transformToString();
  };

  test("each PUT, even of identical bytes, gets its own version id, named in its event", async () => {
    const first = await put("again.csv", "same bytes\n");
    const second = await put("again.csv", "same bytes\n");
    expect(first.VersionId).toMatch(/^[\w-]{16,}$/);
    expect(second.VersionId).toMatch(/^[\w-]{16,}$/);
    expect(second.VersionId).not.toBe(first.VersionId);
    expect(second.ETag).toBe(first.ETag);
    await expect
      .poll(() =>
        events.filter((e) => e.s3.object.key === "again.csv").map((e) => e.s3.object.versionId),
      )
      .toEqual([first.VersionId, second.VersionId]);
  });

  test("an overwritten or deleted object stays readable by its version id", async () => {
    const first = await put("kept.csv", "first\n");
    const second = await put("kept.csv", "second\n");
    expect(await bodyOf("kept.csv")).toBe("second\n");
    const current = await client.send(new HeadObjectCommand({ Bucket: "movies", Key: "kept.csv" }));
    expect(current.VersionId).toBe(second.VersionId);
    expect(await bodyAt("kept.csv", first.VersionId ?? "")).toBe("first\n");
    const head = await client.send(
      new HeadObjectCommand({ Bucket: "movies", Key: "kept.csv", VersionId: first.VersionId }),
    );
    expect(head.ContentLength).toBe(6);

    const deleted = await client.send(
      new DeleteObjectCommand({ Bucket: "movies", Key: "kept.csv" }),
    );
    expect(deleted.DeleteMarker).toBe(true);
    await expect(bodyOf("kept.csv")).rejects.toMatchObject({ name: "NoSuchKey" });
    expect(await bodyAt("kept.csv", second.VersionId ?? "")).toBe("second\n");
  });

  test("deleting a version for good: it is gone, and the one before it is current again", async () => {
    const first = await put("undo.csv", "first\n");
    const second = await put("undo.csv", "second\n");
    await client.send(
      new DeleteObjectCommand({ Bucket: "movies", Key: "undo.csv", VersionId: second.VersionId }),
    );
    await expect(bodyAt("undo.csv", second.VersionId ?? "")).rejects.toMatchObject({
      name: "NoSuchVersion",
      $metadata: { httpStatusCode: 404 },
    });
    expect(await bodyOf("undo.csv")).toBe("first\n");
    expect(await bodyAt("undo.csv", first.VersionId ?? "")).toBe("first\n");
    // A version id of another key is no version of this one.
    await expect(bodyAt("kept.csv", first.VersionId ?? "")).rejects.toMatchObject({
      name: "NoSuchVersion",
    });
  });

  test("a completed multipart upload and a copy each make a version, named in their events", async () => {
    const upload = new Upload({
      client,
      params: { Bucket: "movies", Key: "parts.csv", Body: Buffer.alloc(5 * 1024 * 1024 + 1, "x") },
      partSize: 5 * 1024 * 1024,
    });
    const done = await upload.done();
    expect(done.VersionId).toMatch(/^[\w-]{16,}$/);
    expect((await eventFor("parts.csv")).s3.object.versionId).toBe(done.VersionId);

    const copied = await client.send(
      new CopyObjectCommand({
        Bucket: "movies",
        Key: "parts-copy.csv",
        CopySource: "movies/parts.csv",
      }),
    );
    expect(copied.VersionId).toMatch(/^[\w-]{16,}$/);
    expect((await eventFor("parts-copy.csv")).s3.object.versionId).toBe(copied.VersionId);
    const got = await client.send(
      new HeadObjectCommand({
        Bucket: "movies",
        Key: "parts-copy.csv",
        VersionId: copied.VersionId,
      }),
    );
    expect(got.ContentLength).toBe(5 * 1024 * 1024 + 1);
  });
});

describe("stop", () => {
  test("closes the server and frees its port, even with a keep-alive connection open", async () => {
    const dir = await mkdtemp(join(tmpdir(), "s3-local-stop-"));
    try {
      const local = await startS3Local({ directory: dir, buckets: ["b"] });
      const keepAlive = localS3Client(local.endpoint);
      await keepAlive.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: "v" }));
      await local.stop();
      const port = Number(new URL(local.endpoint).port);
      await new Promise<void>((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
      });
      keepAlive.destroy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("freshBucket", () => {
  test("creates a bucket at runtime on the run's shared server", async () => {
    const { client: shared, bucket } = await freshBucket();
    await shared.send(new PutObjectCommand({ Bucket: bucket, Key: "k.csv", Body: "v" }));
    const got = await shared.send(new GetObjectCommand({ Bucket: bucket, Key: "k.csv" }));
    expect(await got.Body?.transformToString()).toBe("v");
  });
});

describe("encodeEventKey", () => {
  test.each([
    ["plain.csv", "plain.csv"],
    ["a b.csv", "a+b.csv"],
    ["dir/a+b.csv", "dir/a%2Bb.csv"],
    ["ümlaut (x).csv", "%C3%BCmlaut+%28x%29.csv"],
  ])("%s -> %s", (key, encoded) => {
    expect(encodeEventKey(key)).toBe(encoded);
  });
});
