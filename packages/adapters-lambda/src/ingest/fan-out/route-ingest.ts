import { createHash } from "node:crypto";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { SnapshotLedger } from "../../store/snapshot-ledger.ts";
import { exactVersion, type S3ObjectRef } from "../s3-object-ref.ts";
import { snapshotOf, versionOf } from "./fan-out-layout.ts";

/**
 * Objects larger than this fan out. One invocation ingests 5,000 to 10,000 rows/s on AWS (see
 * docs/performance.md) of about 70 bytes each: 64 MiB is about a million rows, 100 to 200 s,
 * a quarter or less of the 870 s a 900 s function keeps for rows. A gzip object is compared by
 * its compressed size (inline it reads 4 to 5 times as many bytes; fanned out it is refused).
 */
export const FAN_OUT_THRESHOLD_BYTES = 64 * 1024 * 1024;

export interface RouteDeps {
  readonly s3: S3Client;
  readonly sfn: Pick<SFNClient, "send">;
  readonly snapshots: Pick<SnapshotLedger, "isStale">;
  /** Unset: every object is ingested inline (a stack without the state machine). */
  readonly stateMachineArn: string | undefined;
  readonly thresholdBytes?: number;
  /** Chunks ingested at once; the table's write capacity is the real limit. */
  readonly maxConcurrency: number;
}

/** What the state machine's execution receives. */
export interface FanOutExecutionInput {
  readonly object: S3ObjectRef;
  readonly max_concurrency: number;
}

/**
 * Whether the ingest function ingests `object` itself ("inline") or has started (or had already
 * started) the state machine's execution for it ("fan-out"). A stale snapshot, and an object gone
 * or replaced, stay inline: that path reports them without reading a row. The execution's name
 * is derived from bucket, key and version, so a redelivered event starts nothing new.
 */
export async function routeIngest(
  deps: RouteDeps,
  object: S3ObjectRef,
): Promise<"inline" | "fan-out"> {
  if (deps.stateMachineArn === undefined) return "inline";
  if (await deps.snapshots.isStale(snapshotOf(object))) return "inline";
  let size: number;
  try {
    const head = await deps.s3.send(
      new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, ...exactVersion(object) }),
    );
    size = head.ContentLength ?? 0;
  } catch {
    return "inline";
  }
  if (size <= (deps.thresholdBytes ?? FAN_OUT_THRESHOLD_BYTES)) return "inline";
  const input: FanOutExecutionInput = { object, max_concurrency: deps.maxConcurrency };
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name: executionName(object),
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    // Same name, other input (the concurrency setting changed): that object is already going.
    if ((error as { name?: unknown }).name !== "ExecutionAlreadyExists") throw error;
  }
  return "fan-out";
}

/**
 * Step Functions names: at most 80 of `A-Z a-z 0-9 - _`. The end of the key keeps it readable in
 * the console; the hash of bucket, key and version makes it one per object version.
 */
export function executionName(object: S3ObjectRef): string {
  const hash = createHash("sha256")
    .update(`${object.bucket}\u0000${object.key}\u0000${versionOf(object)}`)
    .digest("hex")
    .slice(0, 40);
  const readable = object.key
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .slice(-32)
    .replace(/^-+/, "");
  return `${readable}-${hash}`.replace(/^-/, "");
}
