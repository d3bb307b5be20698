import { Entity } from "electrodb";

/**
 * Ingest bookkeeping: the newest snapshot (S3 object) ingested from a bucket, so that a late
 * event for an older snapshot is skipped instead of rolling the catalogue back.
 */
export const ingestSnapshotEntity = () =>
  new Entity({
    model: { service: "movies", entity: "ingest_snapshot", version: "1" },
    attributes: {
      bucket: { type: "string", required: true, readOnly: true },
      key: { type: "string", required: true },
      /** The object's version id, or its ETag in an unversioned bucket. */
      version: { type: "string", required: true },
      /** The S3 event time, ISO 8601 with milliseconds: orders snapshots. */
      event_time: { type: "string", required: true },
      completed_at: { type: "string", required: true },
    },
    indexes: {
      byBucket: {
        pk: { field: "pk", composite: ["bucket"] },
        sk: { field: "sk", composite: [] },
      },
    },
  });
