import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-settings.ts";
import { keepVersions, type S3rverStore, type VersionFacts } from "./s3-versions.ts";

export interface S3LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StartS3LocalOptions {
  /** 0 or absent picks a free port. */
  readonly port?: number;
  /** Where objects and their versions are stored; kept after stop. */
  readonly directory: string;
  /** Created at start unless they exist; more can be made at runtime with CreateBucket. */
  readonly buckets: readonly string[];
  /** Defaults to local/local. */
  readonly credentials?: S3LocalCredentials;
  /** Log every request (s3rver's log); off by default. */
  readonly verbose?: boolean;
}

/** Receives one S3 notification record per created object, as a Lambda would inside `Records`. */
export type ObjectCreatedListener = (record: S3EventRecord) => void | Promise<void>;

export interface S3Local {
  readonly endpoint: string;
  onObjectCreated(listener: ObjectCreatedListener): void;
  /** Closes the server, dropping open connections, so the port is free when it resolves. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver in this process with SigV4 checked against the given credentials, aws-chunked
 * uploads decoded, versioning enabled on every bucket (as on the deployed one), and
 * object-created notifications shaped like S3's own, each naming its object version.
 */
export async function startS3Local(options: StartS3LocalOptions): Promise<S3Local> {
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  // s3rver checks access key ids against its process-wide account registry.
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);

  const objects = join(options.directory, "objects");
  const versions = join(options.directory, "versions");
  await Promise.all([mkdir(objects, { recursive: true }), mkdir(versions, { recursive: true })]);
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    directory: objects,
    silent: !options.verbose,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const versioned = keepVersions(server.store, versions, () => requestFacts.getStore());
  // Koa composes middleware when the server starts, so this runs before s3rver's own.
  server.middleware.unshift(frontMiddleware(versioned.currentVersion));

  const listeners: ObjectCreatedListener[] = [];
  server.on("event", (event: { Records: RawRecord[] }) => {
    const facts = requestFacts.getStore();
    for (const raw of event.Records) {
      const record = toObjectCreatedRecord(raw, facts);
      if (!record) continue;
      // Notifications are asynchronous in S3 too; a failing listener must not fail the upload.
      setImmediate(() => {
        for (const listener of listeners) {
          Promise.resolve()
            // A copy each, so one listener's edits cannot leak into another's event.
            .then(() => listener(structuredClone(record)))
            .catch((error: unknown) => {
              console.error(
                `s3-local: object-created listener failed for ${record.s3.bucket.name}/${record.s3.object.key}`,
                error,
              );
            });
        }
      });
    }
  });

  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    onObjectCreated(listener) {
      listeners.push(listener);
    },
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        const http = server.httpServer;
        if (!http) return resolve();
        http.close((error) => (error ? reject(error) : resolve()));
        // close() waits for keep-alive and in-flight requests; a stopping server drops them.
        http.closeAllConnections();
      });
      return stopping;
    },
  };
}

/** An S3 client for the local server: path-style buckets and the local credentials. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 3,
  });
}

/**
 * Encodes a key the way S3 notifications do (form encoding, `/` kept): `a b/c+d.csv` becomes
 * `a+b/c%2Bd.csv`, which `decodeS3Key` (ingest/s3-object-ref.ts) turns back.
 */
export function encodeEventKey(key: string): string {
  return key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, "+")
        .replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

// ---------------------------------------------------------------------------------------------
// s3rver, which ships no types

interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}

interface KoaContext {
  req: IncomingMessage | Transform;
  readonly request: { readonly req: IncomingMessage };
  readonly response: { get(name: string): string };
  set(name: string, value: string): void;
  /** Set by s3rver's router: the bucket and key a request names. */
  readonly params?: { readonly bucket?: string; readonly key?: string };
  readonly method: string;
  status: number;
  type: string;
  body: unknown;
}

type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

interface S3rverInstance {
  readonly middleware: KoaMiddleware[];
  readonly store: S3rverStore;
  readonly httpServer?: Server;
  on(event: "event", listener: (event: { Records: RawRecord[] }) => void): void;
  run(): Promise<AddressInfo | string | null>;
}

interface RawRecord {
  readonly eventTime: string;
  readonly eventName: string;
  readonly userIdentity: { principalId: string };
  readonly requestParameters: { sourceIPAddress: string };
  readonly responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  readonly s3: {
    readonly configurationId: string;
    readonly bucket: { readonly name: string; readonly ownerIdentity: { principalId: string } };
    readonly object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

const requireCjs = createRequire(import.meta.url);
const S3rver = requireCjs("s3rver") as new (options: S3rverOptions) => S3rverInstance;
const s3rverAccounts = requireCjs("s3rver/lib/models/account.js") as {
  readonly registry: Map<string, { readonly accessKeys: Map<string, string> }>;
  readonly DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
};
const S3Error = requireCjs("s3rver/lib/models/error.js") as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

// ---------------------------------------------------------------------------------------------
// Notifications

interface RequestFacts extends VersionFacts {
  readonly completesMultipartUpload: boolean;
}

/** Lets the event listener see which request caused an event; s3rver passes only the event. */
const requestFacts = new AsyncLocalStorage<RequestFacts>();

function toObjectCreatedRecord(
  raw: RawRecord,
  facts: RequestFacts | undefined,
): S3EventRecord | undefined {
  if (!raw.eventName.startsWith("ObjectCreated:")) return undefined;
  const bucket = raw.s3.bucket.name;
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: LOCAL_REGION,
    eventTime: raw.eventTime,
    // s3rver reports a completed multipart upload as a POST; S3 names it.
    eventName: facts?.completesMultipartUpload
      ? "ObjectCreated:CompleteMultipartUpload"
      : raw.eventName,
    userIdentity: raw.userIdentity,
    requestParameters: raw.requestParameters,
    responseElements: raw.responseElements,
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: raw.s3.configurationId,
      bucket: {
        name: bucket,
        ownerIdentity: raw.s3.bucket.ownerIdentity,
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: {
        key: encodeEventKey(raw.s3.object.key),
        size: raw.s3.object.size ?? 0,
        eTag: raw.s3.object.eTag ?? "",
        ...(facts?.created && { versionId: facts.created.versionId }),
        sequencer: raw.s3.object.sequencer,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request glue: signature check, aws-chunked decoding, request facts

/** `currentVersion` names the version a read without `versionId` gets, as S3 reports it. */
function frontMiddleware(
  currentVersion: (bucket: string, key: string) => string | undefined,
): KoaMiddleware {
  return async (ctx, next) => {
    const req = ctx.request.req;
    const url = new URL(req.url ?? "/", "http://local");
    verifySigV4(req, url);
    decodeAwsChunked(ctx, req);
    const completesMultipartUpload = ctx.method === "POST" && url.searchParams.has("uploadId");
    const names = ["GET", "HEAD", "DELETE"].includes(ctx.method);
    const facts: RequestFacts = {
      completesMultipartUpload,
      versionId: (names && url.searchParams.get("versionId")) || undefined,
    };
    await requestFacts.run(facts, next);
    enforceIfMatch(ctx, req);
    const read = ctx.status < 300 && names && ctx.method !== "DELETE";
    const { bucket, key } = ctx.params ?? {};
    const versionId =
      facts.created?.versionId ??
      (read
        ? (facts.versionId ?? (bucket && key ? currentVersion(bucket, key) : undefined))
        : undefined);
    if (versionId !== undefined) ctx.set("x-amz-version-id", versionId);
    if (facts.created?.deleteMarker) ctx.set("x-amz-delete-marker", "true");
  };
}

/**
 * s3rver ignores If-Match on GetObject and HeadObject; S3 answers 412 PreconditionFailed when the
 * object's ETag is not the one asked for. The ingest relies on it to read exactly the object its
 * event announced in an unversioned bucket, so the local server must refuse the same way.
 */
function enforceIfMatch(ctx: KoaContext, req: IncomingMessage): void {
  const ifMatch = headerValue(req, "if-match");
  if (ifMatch === undefined || !["GET", "HEAD"].includes(ctx.method) || ctx.status !== 200) return;
  const etag = ctx.response.get("ETag");
  const wanted = ifMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (wanted.includes("*") || wanted.includes(etag)) return;
  const body = ctx.body as { destroy?: () => void } | undefined;
  body?.destroy?.();
  ctx.status = 412;
  ctx.type = "application/xml";
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
    "<Message>At least one of the pre-conditions you specified did not hold</Message>" +
    "<Condition>If-Match</Condition></Error>";
}

/*
 * s3rver 3.7 checks SigV2 but accepts any SigV4 signature from a known access key id, so a wrong
 * secret would pass. This recomputes the signature of the request line and signed headers. The
 * payload is trusted to match x-amz-content-sha256, as s3rver does; only the auth is checked.
 */
function verifySigV4(req: IncomingMessage, url: URL): void {
  const auth = parseSigV4(req, url);
  if (!auth) return; // anonymous or SigV2: s3rver's rules apply
  const secret = s3rverAccounts.registry.get(auth.accessKeyId)?.accessKeys.get(auth.accessKeyId);
  if (secret === undefined) {
    throw new S3Error(
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      { AWSAccessKeyId: auth.accessKeyId },
    );
  }
  const [date, region, service, terminator] = auth.scope.split("/");
  if (!date || !region || !service || terminator !== "aws4_request") {
    throw new S3Error("AuthorizationHeaderMalformed", `Invalid credential scope ${auth.scope}.`);
  }
  const canonicalHeaders: string[] = [];
  for (const name of auth.signedHeaders) {
    const values = req.headersDistinct[name];
    if (!values) {
      throw new S3Error("AccessDenied", `Signed header ${name} is missing from the request.`);
    }
    canonicalHeaders.push(`${name}:${values.map((v) => v.trim().replace(/\s+/g, " ")).join(",")}`);
  }
  const canonicalRequest = [
    req.method ?? "GET",
    // S3 signs the path as sent, without normalising or encoding it again.
    (req.url ?? "/").split("?")[0],
    canonicalQuery(url, auth.fromQuery),
    `${canonicalHeaders.join("\n")}\n`,
    auth.signedHeaders.join(";"),
    auth.payloadHash,
  ].join("\n");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    auth.amzDate,
    auth.scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, "aws4_request"]) {
    key = createHmac("sha256", key).update(part).digest();
  }
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  const provided = Buffer.from(auth.signature, "hex");
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new S3Error(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. " +
        "Check your key and signing method.",
      { AWSAccessKeyId: auth.accessKeyId, StringToSign: stringToSign },
    );
  }
}

interface SigV4Auth {
  readonly accessKeyId: string;
  readonly scope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly payloadHash: string;
  readonly fromQuery: boolean;
}

function parseSigV4(req: IncomingMessage, url: URL): SigV4Auth | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith("AWS4-HMAC-SHA256 ")) {
    const fields = new Map(
      header
        .slice("AWS4-HMAC-SHA256 ".length)
        .split(",")
        .map((part) => {
          const [name = "", ...value] = part.trim().split("=");
          return [name, value.join("=")] as const;
        }),
    );
    return sigV4Fields(
      fields.get("Credential"),
      fields.get("SignedHeaders"),
      fields.get("Signature"),
      headerValue(req, "x-amz-date"),
      headerValue(req, "x-amz-content-sha256"),
      false,
    );
  }
  const query = url.searchParams;
  if (query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    const expires = Number(query.get("X-Amz-Expires"));
    const signedAt = parseAmzDate(query.get("X-Amz-Date") ?? "");
    if (Number.isFinite(expires) && signedAt !== undefined) {
      if (Date.now() > signedAt + expires * 1000) {
        throw new S3Error("AccessDenied", "Request has expired");
      }
    }
    return sigV4Fields(
      query.get("X-Amz-Credential") ?? undefined,
      query.get("X-Amz-SignedHeaders") ?? undefined,
      query.get("X-Amz-Signature") ?? undefined,
      query.get("X-Amz-Date") ?? undefined,
      // Presigned URLs sign UNSIGNED-PAYLOAD unless the signer hoisted a hash into the query.
      [...query].find(([name]) => name.toLowerCase() === "x-amz-content-sha256")?.[1] ??
        "UNSIGNED-PAYLOAD",
      true,
    );
  }
  return undefined;
}

function sigV4Fields(
  credential: string | undefined,
  signedHeaders: string | undefined,
  signature: string | undefined,
  amzDate: string | undefined,
  payloadHash: string | undefined,
  fromQuery: boolean,
): SigV4Auth {
  const slash = credential?.indexOf("/") ?? -1;
  if (!credential || slash < 1 || !signedHeaders || !signature || !amzDate) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      "The authorization is malformed; it needs Credential, SignedHeaders, Signature and a date.",
    );
  }
  return {
    accessKeyId: credential.slice(0, slash),
    scope: credential.slice(slash + 1),
    signedHeaders: signedHeaders.split(";"),
    signature,
    amzDate,
    payloadHash: payloadHash ?? "",
    fromQuery,
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function parseAmzDate(value: string): number | undefined {
  const iso = value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z");
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}

function canonicalQuery(url: URL, fromQuery: boolean): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of url.searchParams) {
    if (fromQuery && name === "X-Amz-Signature") continue;
    pairs.push([rfc3986(name), rfc3986(value)]);
  }
  pairs.sort(([a, av], [b, bv]) => compareCodeUnits(a, b) || compareCodeUnits(av, bv));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/*
 * Current AWS SDKs send stream bodies as aws-chunked with a trailing checksum. s3rver would
 * store the chunk framing as the object's content, so the body is decoded here and the headers
 * s3rver records are corrected to describe the decoded object.
 */
function decodeAwsChunked(ctx: KoaContext, req: IncomingMessage): void {
  const encodings = (req.headers["content-encoding"] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const sha = headerValue(req, "x-amz-content-sha256") ?? "";
  if (!encodings.includes("aws-chunked") && !sha.startsWith("STREAMING-")) return;

  const rest = encodings.filter((e) => e !== "aws-chunked");
  if (rest.length > 0) req.headers["content-encoding"] = rest.join(",");
  else delete req.headers["content-encoding"];
  const decodedLength = headerValue(req, "x-amz-decoded-content-length");
  if (decodedLength !== undefined) req.headers["content-length"] = decodedLength;
  else delete req.headers["content-length"];

  const decoder = new AwsChunkedDecoder();
  // s3rver does not listen for errors on the body stream; like an aborted upload, a malformed
  // body ends the connection instead of crashing the process.
  decoder.on("error", () => req.destroy());
  req.on("error", () => decoder.destroy());
  ctx.req = req.pipe(decoder);
}

const CRLF = Buffer.from("\r\n");
const MAX_LINE = 64 * 1024;

class AwsChunkedDecoder extends Transform {
  #buffer: Buffer = Buffer.alloc(0);
  #state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  #remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#buffer = this.#buffer.length > 0 ? Buffer.concat([this.#buffer, chunk]) : chunk;
    try {
      this.#drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    const complete =
      this.#state === "done" || (this.#state === "trailer" && this.#buffer.length === 0);
    callback(complete ? null : new Error("aws-chunked body ended early"));
  }

  #drain(): void {
    for (;;) {
      if (this.#state === "done") {
        this.#buffer = Buffer.alloc(0);
        return;
      }
      if (this.#state === "data") {
        if (this.#buffer.length === 0) return;
        const take = Math.min(this.#remaining, this.#buffer.length);
        this.push(this.#buffer.subarray(0, take));
        this.#buffer = this.#buffer.subarray(take);
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = "data-end";
        continue;
      }
      if (this.#state === "data-end") {
        if (this.#buffer.length < 2) return;
        if (!this.#buffer.subarray(0, 2).equals(CRLF)) throw new Error("bad aws-chunked framing");
        this.#buffer = this.#buffer.subarray(2);
        this.#state = "size";
        continue;
      }
      const end = this.#buffer.indexOf(CRLF);
      if (end < 0) {
        if (this.#buffer.length > MAX_LINE) throw new Error("aws-chunked line too long");
        return;
      }
      const line = this.#buffer.subarray(0, end).toString("latin1");
      this.#buffer = this.#buffer.subarray(end + 2);
      if (this.#state === "trailer") {
        if (line === "") this.#state = "done";
        continue;
      }
      // `size[;chunk-signature=...]`; the chunk signatures are not checked.
      const sizeText = line.split(";")[0]?.trim() ?? "";
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error("bad aws-chunked chunk size");
      const size = Number.parseInt(sizeText, 16);
      if (size === 0) this.#state = "trailer";
      else {
        this.#remaining = size;
        this.#state = "data";
      }
    }
  }
}
