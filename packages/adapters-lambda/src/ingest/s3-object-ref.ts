import type { S3Event } from "aws-lambda";
import { isIngestibleKey } from "../wiring.ts";

/** A `.csv` object that an S3 event says was created in the bucket this function serves. */
export interface S3ObjectRef {
  readonly bucket: string;
  /** Decoded: `my+movies.csv` in the event is `my movies.csv` here. */
  readonly key: string;
  readonly versionId: string | undefined;
  readonly eTag: string | undefined;
  readonly eventTime: string;
  /** Bytes, as the event announced them; absent when the event does not say. */
  readonly size?: number;
}

/** S3 sends this once when a notification is configured; it has no records. */
interface S3TestEvent {
  readonly Event: "s3:TestEvent";
}

/** Keys arrive form-encoded in S3 events: `+` is a space, the rest percent-encoded. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

/**
 * The created catalogue objects of an event, in order. Records of other buckets, other event
 * types, reports and other keys are ignored: the bucket notifies every created object.
 */
export function csvObjectsOf(event: S3Event | S3TestEvent, bucket: string): S3ObjectRef[] {
  if (!("Records" in event) || !Array.isArray(event.Records)) return [];
  const objects: S3ObjectRef[] = [];
  for (const record of event.Records) {
    if (!record.eventName?.startsWith("ObjectCreated:")) continue;
    if (record.s3?.bucket?.name !== bucket) continue;
    const key = decodeS3Key(record.s3.object.key);
    if (!isIngestibleKey(key)) continue;
    objects.push({
      bucket,
      key,
      versionId: record.s3.object.versionId || undefined,
      eTag: record.s3.object.eTag || undefined,
      eventTime: record.eventTime,
      ...(typeof record.s3.object.size === "number" && { size: record.s3.object.size }),
    });
  }
  return objects;
}

/**
 * The GetObject / HeadObject parameters that read exactly the object the event announced, not
 * whatever the key holds by now: its version, or (unversioned bucket) its ETag.
 */
export function exactVersion(object: S3ObjectRef): {
  readonly VersionId?: string;
  readonly IfMatch?: string;
} {
  if (object.versionId) return { VersionId: object.versionId };
  if (object.eTag) return { IfMatch: `"${object.eTag}"` };
  return {};
}
