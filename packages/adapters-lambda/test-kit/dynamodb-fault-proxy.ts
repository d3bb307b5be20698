import { createHash } from "node:crypto";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { crc32 } from "node:zlib";

/*
 * FAULT INJECTION for tests: a small HTTP proxy, on loopback only, in front of the run's DynamoDB
 * Local. Code under test talks to it as to DynamoDB, with the real SDK, its retries and the
 * repositories' own retries; the proxy makes the faults DynamoDB Local never makes:
 * - throttling: a 400 ProvisionedThroughputExceededException shaped like DynamoDB's own;
 * - a transient 500 InternalServerError;
 * - unprocessed items: write requests of a BatchWriteItem are taken out of the request before it
 *   is forwarded (so they are really not written) and returned in UnprocessedItems;
 * - connection resets, before the request is forwarded or after DynamoDB Local applied it (the
 *   write landed but the caller never hears so);
 * - slow responses;
 * - a restart: every open connection is cut mid-request and new connections are refused until
 *   `up()` listens on the same port again.
 *
 * Faults are decided by the test's rules from what a request is and how often the same request
 * (same body) or the same item was seen, not from arrival order, so a test with several batches
 * in flight gets the same faults on every run.
 */

export type RequestFault =
  | { readonly kind: "throttle" }
  | { readonly kind: "internal-error" }
  /** Any other DynamoDB error, e.g. 400 AccessDeniedException (a permission missing). */
  | {
      readonly kind: "error";
      readonly status: number;
      readonly type: string;
      readonly message: string;
    }
  /** A 200 whose body is not DynamoDB's JSON (a misbehaving middlebox). */
  | { readonly kind: "garbage" }
  | { readonly kind: "reset-before" }
  | { readonly kind: "reset-after" }
  | { readonly kind: "delay"; readonly ms: number };

export interface ProxiedRequest {
  /** The DynamoDB operation, e.g. "BatchWriteItem", from the X-Amz-Target header. */
  readonly operation: string;
  /** 1-based: how many times a request with exactly this body arrived, this one included. */
  readonly attempt: number;
  /** 1-based: the request's number among all requests of its operation. */
  readonly index: number;
  /** A stable hash of the body, for picking a share of requests independently of order. */
  readonly hash: number;
}

export interface WriteItemSeen {
  /** The item's table key as JSON (`pk`/`sk` for this project's items). */
  readonly key: string;
  /** 1-based: how many times this key arrived in a BatchWriteItem, this one included. */
  readonly attempt: number;
  /** A stable hash of the key. */
  readonly hash: number;
}

export interface FaultRules {
  /** The fault for one request, if any. */
  readonly request?: (request: ProxiedRequest) => RequestFault | undefined;
  /** BatchWriteItem: whether to hold back one write request and report it as unprocessed. */
  readonly holdBack?: (item: WriteItemSeen) => boolean;
  /** Called for each request before it is handled; may take the proxy down (a restart). */
  readonly onRequest?: (request: ProxiedRequest, proxy: DynamoDbFaultProxy) => void;
}

export interface FaultStats {
  requests: Record<string, number>;
  /** The most times one request (the same body) arrived: above 3, the SDK had given up on it. */
  maxAttempt: number;
  throttled: number;
  internalErrors: number;
  /** Other injected errors and garbage answers. */
  otherErrors: number;
  heldBackItems: number;
  batchWritesWithUnprocessed: number;
  resetsBeforeForward: number;
  resetsAfterForward: number;
  delayed: number;
  /** Requests the proxy itself failed to pass on (upstream unreachable): cut like a reset. */
  proxyErrors: string[];
  /** Connections cut by `down()`. */
  connectionsCut: number;
  downs: number;
}

export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  readonly stats: FaultStats;
  /** Replaces the rules; `{}` forwards everything untouched. Resets the attempt counters. */
  setRules(rules: FaultRules): void;
  /** Zeroes the statistics. */
  resetStats(): void;
  /** A restart as clients see it: open connections are cut, new ones refused. Idempotent. */
  down(): void;
  /** Listens again on the same port. Idempotent. */
  up(): Promise<void>;
  readonly isUp: boolean;
  close(): Promise<void>;
}

/** Stable 32-bit FNV-1a, for deciding faults from content. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 30_000;
const DYNAMODB_JSON = "application/x-amz-json-1.0";
const ERROR_TYPE_PREFIX = "com.amazonaws.dynamodb.v20120810#";

function emptyStats(): FaultStats {
  return {
    requests: {},
    maxAttempt: 0,
    throttled: 0,
    internalErrors: 0,
    otherErrors: 0,
    heldBackItems: 0,
    batchWritesWithUnprocessed: 0,
    resetsBeforeForward: 0,
    resetsAfterForward: 0,
    delayed: 0,
    connectionsCut: 0,
    downs: 0,
    proxyErrors: [],
  };
}

/** Starts the proxy on 127.0.0.1 (a free port unless given) in front of `target`. */
export async function startDynamoDbFaultProxy(
  target: string,
  options: { readonly port?: number } = {},
): Promise<DynamoDbFaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const sockets = new Set<Socket>();
  let rules: FaultRules = {};
  let stats = emptyStats();
  let bodyAttempts = new Map<string, number>();
  let itemAttempts = new Map<string, number>();
  let listening = false;
  let closed = false;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The client's connection is gone or the upstream failed: cut it, as a dying server would.
      stats.proxyErrors.push(String(error));
      req.socket.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "unknown";
    const digest = createHash("sha1").update(body).digest("hex");
    const attempt = (bodyAttempts.get(digest) ?? 0) + 1;
    bodyAttempts.set(digest, attempt);
    stats.maxAttempt = Math.max(stats.maxAttempt, attempt);
    const index = (stats.requests[operation] ?? 0) + 1;
    stats.requests[operation] = index;
    const seen: ProxiedRequest = {
      operation,
      attempt,
      index,
      hash: Number.parseInt(digest.slice(0, 8), 16),
    };
    rules.onRequest?.(seen, proxy);
    if (!listening || req.socket.destroyed) {
      req.socket.destroy();
      return;
    }
    const fault = rules.request?.(seen);
    if (fault?.kind === "throttle") {
      stats.throttled++;
      return reply(
        res,
        400,
        errorBody(
          "ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
        ),
        "ProvisionedThroughputExceededException",
      );
    }
    if (fault?.kind === "internal-error") {
      stats.internalErrors++;
      return reply(res, 500, errorBody("InternalServerError", "Internal server error"));
    }
    if (fault?.kind === "error") {
      stats.otherErrors++;
      return reply(res, fault.status, errorBody(fault.type, fault.message), fault.type);
    }
    if (fault?.kind === "garbage") {
      stats.otherErrors++;
      return reply(res, 200, Buffer.from("<html><body>502 Bad Gateway</body></html>"));
    }
    if (fault?.kind === "reset-before") {
      stats.resetsBeforeForward++;
      req.socket.destroy();
      return;
    }

    let forwardBody = body;
    let held: Record<string, unknown[]> | undefined;
    if (operation === "BatchWriteItem" && rules.holdBack) {
      const split = holdBackItems(body, rules.holdBack);
      if (split) {
        held = split.held;
        forwardBody = split.forward;
      }
    }

    let status: number;
    let headers: IncomingHttpHeaders;
    let responseBody: Buffer;
    if (held && forwardBody.length === 0) {
      // Everything held back: DynamoDB would answer without writing anything.
      status = 200;
      headers = {};
      responseBody = Buffer.from(JSON.stringify({ UnprocessedItems: {} }));
    } else {
      ({ status, headers, body: responseBody } = await forward(req, forwardBody));
    }
    if (fault?.kind === "reset-after") {
      stats.resetsAfterForward++;
      req.socket.destroy();
      return;
    }
    if (held && status === 200) {
      const parsed = JSON.parse(responseBody.toString("utf8")) as {
        UnprocessedItems?: Record<string, unknown[]>;
      };
      const unprocessed = parsed.UnprocessedItems ?? {};
      for (const [table, requests] of Object.entries(held)) {
        unprocessed[table] = [...requests, ...(unprocessed[table] ?? [])];
      }
      parsed.UnprocessedItems = unprocessed;
      responseBody = Buffer.from(JSON.stringify(parsed));
      stats.batchWritesWithUnprocessed++;
    }
    if (fault?.kind === "delay") {
      stats.delayed++;
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    if (req.socket.destroyed) return;
    reply(res, status, responseBody, undefined, headers);
  }

  /** Splits a BatchWriteItem body into what is forwarded and what is held back. */
  function holdBackItems(
    body: Buffer,
    holdBack: (item: WriteItemSeen) => boolean,
  ): { forward: Buffer; held: Record<string, unknown[]> } | undefined {
    const parsed = JSON.parse(body.toString("utf8")) as {
      RequestItems?: Record<string, Array<Record<string, { Item?: Json; Key?: Json }>>>;
    };
    const held: Record<string, unknown[]> = {};
    const kept: Record<string, unknown[]> = {};
    let heldCount = 0;
    for (const [table, requests] of Object.entries(parsed.RequestItems ?? {})) {
      for (const writeRequest of requests) {
        const item = writeRequest["PutRequest"]?.Item ?? writeRequest["DeleteRequest"]?.Key ?? {};
        const key = JSON.stringify({ pk: item["pk"], sk: item["sk"] });
        const attempt = (itemAttempts.get(key) ?? 0) + 1;
        itemAttempts.set(key, attempt);
        const into = holdBack({ key, attempt, hash: stableHash(key) }) ? held : kept;
        if (into === held) heldCount++;
        into[table] = [...(into[table] ?? []), writeRequest];
      }
    }
    if (heldCount === 0) return undefined;
    stats.heldBackItems += heldCount;
    const forward =
      Object.keys(kept).length === 0
        ? Buffer.alloc(0)
        : Buffer.from(JSON.stringify({ ...parsed, RequestItems: kept }));
    return { forward, held };
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (["host", "connection", "content-length", "accept-encoding"].includes(name)) continue;
      if (value !== undefined) headers[name] = value;
    }
    headers["content-length"] = body.length;
    headers["host"] = upstream.host;
    return new Promise((resolve, reject) => {
      const upstreamRequest = httpRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (upstreamResponse) => {
          readBody(upstreamResponse).then(
            (responseBody) =>
              resolve({
                status: upstreamResponse.statusCode ?? 502,
                headers: upstreamResponse.headers,
                body: responseBody,
              }),
            reject,
          );
        },
      );
      upstreamRequest.on("timeout", () => upstreamRequest.destroy(new Error("upstream timeout")));
      upstreamRequest.on("error", reject);
      upstreamRequest.end(body);
    });
  }

  function reply(
    res: ServerResponse,
    status: number,
    body: Buffer,
    errorType?: string,
    upstreamHeaders: IncomingHttpHeaders = {},
  ): void {
    if (res.socket?.destroyed) return;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstreamHeaders)) {
      if (["content-length", "connection", "transfer-encoding", "x-amz-crc32"].includes(name)) {
        continue;
      }
      if (value !== undefined) headers[name] = value;
    }
    headers["content-type"] ??= DYNAMODB_JSON;
    headers["content-length"] = body.length;
    // The checksum DynamoDB sends over the body; recomputed because the body may be rewritten.
    headers["x-amz-crc32"] = String(crc32(body));
    if (errorType !== undefined) headers["x-amzn-errortype"] = `${errorType}:`;
    headers["x-amzn-requestid"] ??= `fault-proxy-${Date.now()}`;
    res.writeHead(status, headers);
    res.end(body);
  }

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  }

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;

  const proxy: DynamoDbFaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    get stats() {
      return stats;
    },
    get isUp() {
      return listening;
    },
    setRules(next) {
      rules = next;
      bodyAttempts = new Map();
      itemAttempts = new Map();
    },
    resetStats() {
      stats = emptyStats();
    },
    down() {
      if (!listening) return;
      listening = false;
      stats.downs++;
      server.close();
      for (const socket of sockets) {
        stats.connectionsCut++;
        socket.destroy();
      }
    },
    async up() {
      if (listening || closed) return;
      await listen(port);
    },
    async close() {
      closed = true;
      proxy.down();
      agent.destroy();
      await new Promise<void>((resolve) => {
        if (server.listening) server.close(() => resolve());
        else resolve();
      });
    },
  };
  return proxy;
}

type Json = Record<string, unknown>;

function errorBody(type: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ __type: `${ERROR_TYPE_PREFIX}${type}`, message }));
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        stream.destroy(new Error(`body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
    stream.on("aborted", () => reject(new Error("aborted")));
  });
}
