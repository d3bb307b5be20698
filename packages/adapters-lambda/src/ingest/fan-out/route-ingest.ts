import { createHash } from "node:crypto";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { FanOutConfig } from "../../config.ts";
import type { SnapshotLedger } from "../../store/snapshot-ledger.ts";
import { exactVersion, type S3ObjectRef } from "../s3-object-ref.ts";
import { snapshotOf, versionOf } from "./fan-out-layout.ts";

export interface RouteDeps {
  readonly s3: S3Client;
  readonly sfn: Pick<SFNClient, "send">;
  readonly snapshots: Pick<SnapshotLedger, "isStale">;
  /** `stateMachineArn` unset: every object is ingested inline (a stack without the state machine). */
  readonly fanOut: FanOutConfig;
}

/** What the state machine's execution receives. */
export interface FanOutExecutionInput {
  readonly object: S3ObjectRef;
  readonly max_concurrency: number;
}

/**
 * Whether the ingest function ingests `object` itself ("inline") or has started (or had already
 * started) the state machine's execution for it ("fan-out"). A small object, a stale snapshot, and
 * an object gone or replaced, stay inline: that path reports them without reading a row. The execution's name
 * is derived from bucket, key and version, so a redelivered event starts nothing new.
 */
export async function routeIngest(
  deps: RouteDeps,
  object: S3ObjectRef,
): Promise<"inline" | "fan-out"> {
  const { stateMachineArn, thresholdBytes, maxConcurrency } = deps.fanOut;
  if (stateMachineArn === undefined) return "inline";
  // The event says the size; the common small object then costs no request here (the inline
  // path reads the ledger and the object itself).
  const size = object.size ?? (await sizeOf(deps.s3, object));
  if (size === undefined || size <= thresholdBytes) return "inline";
  if (await deps.snapshots.isStale(snapshotOf(object))) return "inline";
  const input: FanOutExecutionInput = { object, max_concurrency: maxConcurrency };
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
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

/** The object's size, or undefined when it is gone or replaced (the inline path reports that). */
async function sizeOf(s3: S3Client, object: S3ObjectRef): Promise<number | undefined> {
  try {
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, ...exactVersion(object) }),
    );
    return head.ContentLength ?? 0;
  } catch {
    return undefined;
  }
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
