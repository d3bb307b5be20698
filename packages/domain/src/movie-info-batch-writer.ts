import type { MovieInfo } from "./movie.ts";
import type { MovieInfoRepo } from "./ports.ts";

/**
 * Writes movie infos in batches of distinct ids, several batches at once. A batch is never sent
 * while an earlier batch holding one of its ids is still in flight: the two writes could land in
 * either order, and the older row could win. Waiting keeps "the last row read is the last row
 * written" true for every id.
 */
export class MovieInfoBatchWriter {
  /** Distinct movie ids confirmed written. */
  written = 0;
  /** The first write failure; once there is one, no further batch is sent. */
  failure: { readonly cause: unknown } | undefined;

  private readonly repo: Pick<MovieInfoRepo, "putBatch">;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  // A Map so that a later row for a pending id replaces it in place: one item per id per batch.
  private readonly pending = new Map<string, MovieInfo>();
  /** Pending ids that no earlier batch carried, which is what `written` counts. */
  private pendingFirstIds = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly inFlightById = new Map<string, Promise<void>>();

  constructor(repo: Pick<MovieInfoRepo, "putBatch">, batchSize: number, maxInFlight: number) {
    this.repo = repo;
    this.batchSize = batchSize;
    this.maxInFlight = maxInFlight;
  }

  get isFull(): boolean {
    return this.pending.size >= this.batchSize;
  }

  /** Queues `info` for the next batch; `firstOfId` when no earlier row of the input had its id. */
  add(info: MovieInfo, firstOfId: boolean): void {
    this.pending.set(info.movie_id, info);
    if (firstOfId) this.pendingFirstIds++;
  }

  /**
   * Sends the pending batch once a slot is free and no batch in flight shares an id with it.
   * Resolves `true` once sent (or when nothing was pending), `false` when a write failed or
   * `signal` aborted first, in which case the batch stays unsent.
   */
  async send(signal?: { readonly aborted: boolean }): Promise<boolean> {
    if (this.pending.size === 0) return true;
    for (;;) {
      if (this.failure !== undefined || signal?.aborted === true) return false;
      if (this.inFlight.size >= this.maxInFlight) {
        await Promise.race(this.inFlight);
        continue;
      }
      const blocker = this.inFlightBatchSharingAnId();
      if (blocker === undefined) break;
      await blocker;
    }
    const batch = [...this.pending.values()];
    const firstIds = this.pendingFirstIds;
    this.pending.clear();
    this.pendingFirstIds = 0;
    this.launch(batch, firstIds, signal);
    return true;
  }

  /** Resolves when every batch in flight has settled; never rejects (see `failure`). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private inFlightBatchSharingAnId(): Promise<void> | undefined {
    for (const movieId of this.pending.keys()) {
      const batch = this.inFlightById.get(movieId);
      if (batch !== undefined) return batch;
    }
    return undefined;
  }

  private launch(
    batch: readonly MovieInfo[],
    firstIds: number,
    signal: { readonly aborted: boolean } | undefined,
  ): void {
    let write: Promise<void>;
    try {
      write =
        signal === undefined ? this.repo.putBatch(batch) : this.repo.putBatch(batch, { signal });
    } catch (cause) {
      // A repo that throws instead of rejecting must not skip the bookkeeping below.
      write = Promise.reject(cause);
    }
    // Settles (never rejects) only after the bookkeeping, so whoever awaits it sees the slot and
    // the ids already released.
    const settled: Promise<void> = write.then(
      () => {
        this.written += firstIds;
        this.release(batch, settled);
      },
      (cause: unknown) => {
        this.failure ??= { cause };
        this.release(batch, settled);
      },
    );
    this.inFlight.add(settled);
    for (const info of batch) this.inFlightById.set(info.movie_id, settled);
  }

  private release(batch: readonly MovieInfo[], settled: Promise<void>): void {
    this.inFlight.delete(settled);
    for (const info of batch) this.inFlightById.delete(info.movie_id);
  }
}
