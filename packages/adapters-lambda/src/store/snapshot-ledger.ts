import type { MoviesService } from "./movies-service.ts";
import { storageError } from "./store-errors.ts";

/** One CSV object of a bucket, identified by its event time and version. */
export interface Snapshot {
  readonly bucket: string;
  readonly key: string;
  /** Version id in a versioned bucket, else the ETag. */
  readonly version: string;
  /** The S3 event time, ISO 8601. */
  readonly eventTime: string;
}

/** Remembers the newest snapshot ingested per bucket, so an older one never rolls the catalogue back. */
export class SnapshotLedger {
  readonly #service: MoviesService;

  constructor(service: MoviesService) {
    this.#service = service;
  }

  /** True when a newer snapshot than this one was already ingested from its bucket. */
  async isStale(snapshot: Snapshot): Promise<boolean> {
    try {
      const { data } = await this.#service.entities.ingestSnapshot
        .get({ bucket: snapshot.bucket })
        .go({ consistent: true });
      return data !== null && Date.parse(data.event_time) > Date.parse(snapshot.eventTime);
    } catch (error) {
      throw storageError("reading the newest snapshot", error);
    }
  }

  /**
   * Records a completed snapshot unless a newer one was recorded meanwhile; the condition keeps
   * the ledger monotonic even if two runs ever overlapped.
   */
  async recordCompleted(snapshot: Snapshot, completedAt: Date): Promise<void> {
    try {
      await this.#service.entities.ingestSnapshot
        .put({
          bucket: snapshot.bucket,
          key: snapshot.key,
          version: snapshot.version,
          event_time: snapshot.eventTime,
          completed_at: completedAt.toISOString(),
        })
        .where(
          (attr, op) =>
            `${op.notExists(attr.event_time)} OR ${op.lte(attr.event_time, snapshot.eventTime)}`,
        )
        .go({ response: "none" });
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw storageError("recording the snapshot", error);
    }
  }
}

function isConditionFailure(error: unknown): boolean {
  const cause = (error as { cause?: { name?: unknown } } | undefined)?.cause;
  return cause?.name === "ConditionalCheckFailedException";
}
