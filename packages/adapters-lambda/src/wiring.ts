/**
 * The one definition of how the functions are wired: what triggers each, what it may call, and
 * where its zip is built. The local stack serves exactly these routes and notification filter;
 * the Terraform package's contract tests check its HCL against the same values, so the local
 * and the deployed stack cannot drift apart.
 */

export type FunctionName =
  | "ingest-movie-infos"
  | "ingest-fan-out"
  | "update-movie-rating"
  | "get-movie"
  | "list-movies"
  | "delete-movie";

/**
 * An HTTP route. A GET route also answers HEAD, with the same function (API Gateway gets a HEAD
 * method beside each GET; the local gateway routes HEAD as GET).
 */
export interface HttpRoute {
  readonly kind: "http";
  readonly method: "GET" | "PATCH" | "DELETE";
  /** API Gateway REST resource path. */
  readonly path: "/movies" | "/movies/{movie_id}";
  /** Authorization when deployed with default variables. */
  readonly authorization: "NONE" | "AWS_IAM";
}

/** The methods a route answers: its own, and HEAD beside a GET (same function, no body). */
export function routeMethods(route: HttpRoute): readonly ("GET" | "PATCH" | "DELETE" | "HEAD")[] {
  return route.method === "GET" ? ["GET", "HEAD"] : [route.method];
}

/**
 * Every created object notifies the function, which decides by key with `isIngestibleKey`: S3's
 * suffix filter is case-sensitive and takes one suffix, so it could not admit `Movies.CSV` and
 * `movies.csv.gz` alike.
 */
export interface S3Notification {
  readonly kind: "s3";
  readonly events: readonly ["s3:ObjectCreated:*"];
}

/**
 * Invoked by the fan-out state machine only (its role may invoke the function): no API route, no
 * bucket notification, no invoke permission of its own.
 */
export interface StateMachineTask {
  readonly kind: "state-machine";
}

/** S3 actions a function calls, and the key prefix they are limited to ("" for any key). */
export interface BucketGrant {
  readonly actions: readonly string[];
  readonly prefix: string;
}

export interface FunctionWiring {
  readonly name: FunctionName;
  /** The deployable entry module (it builds `handler` at cold start), relative to the adapters package. */
  readonly entry: string;
  /** Deployable zip, relative to the adapters package; its handler is `index.handler`. */
  readonly zip: string;
  readonly trigger: HttpRoute | S3Notification | StateMachineTask;
  /** DynamoDB actions on the table (TransactWriteItems is authorised per item action). */
  readonly tableActions: readonly string[];
  readonly bucketGrants: readonly BucketGrant[];
  /** Key prefixes under which the function lists the bucket (s3:ListBucket, limited by s3:prefix). */
  readonly bucketListPrefixes: readonly string[];
  /** Step Functions actions on the fan-out state machine. */
  readonly stateMachineActions: readonly string[];
}

export const REPORTS_PREFIX = "reports/";

/** What names one upload of a key: the version id S3 gave it, else (unversioned bucket) its ETag. */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId?: string | undefined;
  readonly eTag?: string | undefined;
}

/** One upload's identity: its version id, else its ETag. */
export function versionOf(object: ObjectVersion): string {
  return object.versionId ?? object.eTag ?? "unversioned";
}

/**
 * Where the ingest of one upload writes its report. One report per object version, so a
 * redelivered event rewrites its own report and a new upload of the same key gets a new one. It
 * ends in `.json`, so it never triggers an ingest.
 */
export function reportKey(object: ObjectVersion): string {
  return `${REPORTS_PREFIX}${object.key}/${versionOf(object)}.json`;
}

/**
 * Where a fanned-out ingest keeps its working state (its plan, and each chunk's result): apart
 * from `reports/`, which holds only what people read. Its keys end in `.json`, so nothing under
 * it ever ingests.
 */
export const FAN_OUT_PREFIX = "fan-out/";

/**
 * Runs of one ingest event in all: Lambda's first try and its retries of a failed run (the
 * Terraform's maximum_retry_attempts is this minus 1; the local stack retries as many times).
 */
export const INGEST_MAX_ATTEMPTS = 3;

const INGESTIBLE_SUFFIX = /\.csv(\.gz)?$/i;

/** Keys that ingest: `.csv` or `.csv.gz` in any letter case, never a report. */
export function isIngestibleKey(key: string): boolean {
  return INGESTIBLE_SUFFIX.test(key) && !key.startsWith(REPORTS_PREFIX);
}

export const FUNCTIONS: readonly FunctionWiring[] = [
  {
    name: "ingest-movie-infos",
    entry: "src/functions/ingest-movie-infos.ts",
    zip: "dist/ingest-movie-infos.zip",
    trigger: { kind: "s3", events: ["s3:ObjectCreated:*"] },
    tableActions: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
    bucketGrants: [
      { actions: ["s3:GetObject", "s3:GetObjectVersion"], prefix: "" },
      { actions: ["s3:PutObject"], prefix: REPORTS_PREFIX },
    ],
    bucketListPrefixes: [],
    // A large object is handed to the fan-out state machine.
    stateMachineActions: ["states:StartExecution"],
  },
  {
    // The plan, each chunk, the finish and the failure report of a large object's fan-out.
    name: "ingest-fan-out",
    entry: "src/functions/ingest-fan-out.ts",
    zip: "dist/ingest-fan-out.zip",
    trigger: { kind: "state-machine" },
    tableActions: ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
    bucketGrants: [
      { actions: ["s3:GetObject", "s3:GetObjectVersion"], prefix: "" },
      { actions: ["s3:PutObject"], prefix: REPORTS_PREFIX },
      { actions: ["s3:PutObject"], prefix: FAN_OUT_PREFIX },
    ],
    // The finish and the progress count the chunks' results.
    bucketListPrefixes: [FAN_OUT_PREFIX],
    stateMachineActions: [],
  },
  {
    name: "update-movie-rating",
    entry: "src/functions/update-movie-rating.ts",
    zip: "dist/update-movie-rating.zip",
    trigger: {
      kind: "http",
      method: "PATCH",
      path: "/movies/{movie_id}",
      authorization: "AWS_IAM",
    },
    tableActions: ["dynamodb:ConditionCheckItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    bucketGrants: [],
    bucketListPrefixes: [],
    stateMachineActions: [],
  },
  {
    name: "get-movie",
    entry: "src/functions/get-movie.ts",
    zip: "dist/get-movie.zip",
    trigger: { kind: "http", method: "GET", path: "/movies/{movie_id}", authorization: "NONE" },
    tableActions: ["dynamodb:Query"],
    bucketGrants: [],
    bucketListPrefixes: [],
    stateMachineActions: [],
  },
  {
    name: "list-movies",
    entry: "src/functions/list-movies.ts",
    zip: "dist/list-movies.zip",
    trigger: { kind: "http", method: "GET", path: "/movies", authorization: "NONE" },
    tableActions: ["dynamodb:Scan"],
    bucketGrants: [],
    bucketListPrefixes: [],
    stateMachineActions: [],
  },
  {
    name: "delete-movie",
    entry: "src/functions/delete-movie.ts",
    zip: "dist/delete-movie.zip",
    trigger: {
      kind: "http",
      method: "DELETE",
      path: "/movies/{movie_id}",
      authorization: "AWS_IAM",
    },
    // The read before the transaction, and the transaction's two deletes.
    tableActions: ["dynamodb:Query", "dynamodb:DeleteItem"],
    bucketGrants: [],
    bucketListPrefixes: [],
    stateMachineActions: [],
  },
];

/** Environment variable names every function reads its configuration from. */
export const ENV = {
  table: "MOVIES_TABLE",
  bucket: "MOVIES_BUCKET",
  dynamoEndpoint: "MOVIES_DYNAMODB_ENDPOINT",
  s3Endpoint: "MOVIES_S3_ENDPOINT",
  /** Comma-separated origins whose browser pages may call the API (none when unset). */
  corsOrigins: "MOVIES_CORS_ORIGINS",
  /** The fan-out state machine's ARN; unset, the ingest function ingests every object itself. */
  fanOutStateMachineArn: "MOVIES_FAN_OUT_STATE_MACHINE_ARN",
  /** Objects larger than this many bytes fan out (a default applies when unset). */
  fanOutThresholdBytes: "MOVIES_FAN_OUT_THRESHOLD_BYTES",
  /** Chunks a fan-out ingests at once (a default applies when unset). */
  fanOutMaxConcurrency: "MOVIES_FAN_OUT_MAX_CONCURRENCY",
} as const;
