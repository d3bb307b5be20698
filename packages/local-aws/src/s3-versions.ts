import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";

/** What one request asks of, and learns from, the versioned store. */
export interface VersionFacts {
  /** The `versionId` a GET, HEAD or DELETE names. */
  readonly versionId: string | undefined;
  /** Set by the store when the request created an object version or a delete marker. */
  created?: { readonly versionId: string; readonly deleteMarker: boolean };
}

/** The part of s3rver's FilesystemStore this module uses or replaces. */
export interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  putMetadata(
    bucket: string,
    key: string,
    metadata: Record<string, unknown>,
    md5?: string,
  ): Promise<void>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<{ key: string } | null>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: Record<string, unknown> | null,
  ): Promise<Record<string, string>>;
  deleteObject(bucket: string, key: string): Promise<void>;
  deleteBucket(bucket: string): Promise<void>;
}

interface StoredObject {
  readonly bucket: string;
  readonly key: string;
  readonly content: Readable | Buffer;
  readonly metadata: Record<string, unknown>;
}

interface HistoryEntry {
  readonly versionId: string;
  readonly deleteMarker: boolean;
}

const requireCjs = createRequire(import.meta.url);
const FilesystemStore = requireCjs("s3rver/lib/stores/filesystem.js") as new (
  root: string,
) => S3rverStore;

const S3Error = requireCjs("s3rver/lib/models/error.js") as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/** Opaque and URL-safe, like S3's own version ids. */
function newVersionId(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Makes s3rver's store behave like a bucket with versioning enabled, as the deployed bucket is:
 * every PUT, copy and completed multipart upload makes a new version with its own id, kept under
 * `versionsRoot` as `<bucket>/<versionId>`; reads and deletes that name a version reach it; a
 * plain DELETE leaves a delete marker and keeps every version readable by its id.
 *
 * The live object is a hard link to its newest version and is replaced by a rename, never written
 * into, so a reader of an older version (the ingest streaming a file while it is re-uploaded)
 * keeps reading the bytes its event announced.
 */
export function keepVersions(
  store: S3rverStore,
  versionsRoot: string,
  facts: () => VersionFacts | undefined,
): { currentVersion(bucket: string, key: string): string | undefined } {
  const versions = new FilesystemStore(versionsRoot);
  // Newest last; lost on restart, like the local stack's temporary directory itself.
  const history = new Map<string, HistoryEntry[]>();
  const original = {
    getObject: store.getObject.bind(store),
    existsObject: store.existsObject.bind(store),
    deleteObject: store.deleteObject.bind(store),
    deleteBucket: store.deleteBucket.bind(store),
  };
  const keyFile = (bucket: string, versionId: string) =>
    versions.getResourcePath(bucket, versionId, "key");
  const remember = (bucket: string, key: string, entry: HistoryEntry) => {
    const id = `${bucket}/${key}`;
    history.set(id, [...(history.get(id) ?? []), entry]);
    const current = facts();
    if (current) current.created = entry;
  };
  const isVersionOf = async (bucket: string, key: string, versionId: string) => {
    // A version id names a file; anything that could leave the bucket's folder is no version.
    if (!/^[\w-]+$/.test(versionId)) return false;
    return readFile(keyFile(bucket, versionId), "utf8").then(
      (stored) => stored === key,
      () => false,
    );
  };
  const publish = async (bucket: string, key: string, versionId: string) => {
    const live = store.getResourcePath(bucket, key, "object");
    await mkdir(dirname(live), { recursive: true });
    const staged = `${live}.${versionId}.staged`;
    await link(versions.getResourcePath(bucket, versionId, "object"), staged);
    await rename(staged, live);
    const metadata = await versions.getMetadata(bucket, versionId);
    await store.putMetadata(bucket, key, metadata, JSON.parse(metadata["etag"] ?? '""'));
  };

  store.putObject = async (object) => {
    const versionId = newVersionId();
    const stored = await versions.putObject({ ...object, key: versionId });
    await writeFile(keyFile(object.bucket, versionId), object.key);
    await publish(object.bucket, object.key, versionId);
    remember(object.bucket, object.key, { versionId, deleteMarker: false });
    return stored;
  };

  // s3rver copies into the live file in place, which would rewrite the version it links to.
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const source = await store.getMetadata(srcBucket, srcKey);
    await store.putObject({
      bucket: destBucket,
      key: destKey,
      content: createReadStream(store.getResourcePath(srcBucket, srcKey, "object")),
      metadata: replacementMetadata ?? source,
    });
    return store.getMetadata(destBucket, destKey);
  };

  store.getObject = async (bucket, key, options) => {
    const versionId = facts()?.versionId;
    if (versionId === undefined) return original.getObject(bucket, key, options);
    if (!(await isVersionOf(bucket, key, versionId))) {
      throw new S3Error("NoSuchVersion", "The specified version does not exist.", {
        Key: key,
        VersionId: versionId,
      });
    }
    const object = await versions.getObject(bucket, versionId, options);
    if (object) object.key = key;
    return object;
  };

  store.existsObject = async (bucket, key) => {
    const versionId = facts()?.versionId;
    if (versionId === undefined) return original.existsObject(bucket, key);
    return (
      (await isVersionOf(bucket, key, versionId)) ||
      (history.get(`${bucket}/${key}`) ?? []).some((e) => e.versionId === versionId)
    );
  };

  store.deleteObject = async (bucket, key) => {
    const versionId = facts()?.versionId;
    if (versionId === undefined) {
      await original.deleteObject(bucket, key);
      remember(bucket, key, { versionId: newVersionId(), deleteMarker: true });
      return;
    }
    // Deleting one version for good: the newest remaining one becomes current, as in S3.
    const id = `${bucket}/${key}`;
    const entries = history.get(id) ?? [];
    const remaining = entries.filter((e) => e.versionId !== versionId);
    history.set(id, remaining);
    if (/^[\w-]+$/.test(versionId)) {
      await Promise.all(
        ["object", "object.md5", "metadata.json", "key"].map((resource) =>
          rm(versions.getResourcePath(bucket, versionId, resource), { force: true }),
        ),
      );
    }
    const current = facts();
    if (current) current.created = { versionId, deleteMarker: false };
    if (entries.at(-1)?.versionId !== versionId) return;
    const next = remaining.at(-1);
    if (next && !next.deleteMarker) await publish(bucket, key, next.versionId);
    else if (await original.existsObject(bucket, key)) await original.deleteObject(bucket, key);
  };

  store.deleteBucket = async (bucket) => {
    await original.deleteBucket(bucket);
    await rm(join(versionsRoot, bucket), { recursive: true, force: true });
    for (const id of history.keys()) if (id.startsWith(`${bucket}/`)) history.delete(id);
  };

  return {
    /** The version a read without `versionId` gets; none after a plain DELETE. */
    currentVersion(bucket, key) {
      const newest = history.get(`${bucket}/${key}`)?.at(-1);
      return newest && !newest.deleteMarker ? newest.versionId : undefined;
    },
  };
}
