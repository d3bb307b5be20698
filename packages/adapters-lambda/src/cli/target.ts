import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../local/dynamodb-local.ts";

/** Where the CLI sends its work: the local stack unless an API URL says otherwise. */
export interface Target {
  readonly kind: "local" | "deployed";
  readonly apiUrl: string;
  readonly bucket: string;
  readonly region: string;
  /** Set for the local stack only; a deployed stack uses the SDK's default endpoint. */
  readonly s3Endpoint: string | undefined;
  /** Sign API requests with SigV4 (a deployed PATCH requires AWS_IAM by default). */
  readonly sign: boolean;
  /** The local stack's dummy keys, unless the environment names others; else the SDK's chain. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export interface TargetOptions {
  readonly "api-url"?: string | undefined;
  readonly bucket?: string | undefined;
  readonly region?: string | undefined;
  readonly "s3-endpoint"?: string | undefined;
}

export function resolveTarget(
  options: TargetOptions,
  env: Readonly<Record<string, string | undefined>>,
): Target {
  const apiUrl = options["api-url"] ?? env["MOVIES_API_URL"];
  if (!apiUrl) {
    return {
      kind: "local",
      apiUrl: `http://localhost:${env["MOVIES_HTTP_PORT"] ?? 3000}`,
      bucket: options.bucket ?? "movie-infos",
      region: options.region ?? LOCAL_REGION,
      s3Endpoint: options["s3-endpoint"] ?? `http://localhost:${env["MOVIES_S3_PORT"] ?? 4569}`,
      sign: false,
      credentials: env["AWS_ACCESS_KEY_ID"] ? undefined : { ...LOCAL_CREDENTIALS },
    };
  }
  const bucket = options.bucket ?? env["MOVIES_BUCKET"];
  const region = options.region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"];
  if (!bucket || !region) {
    throw new UsageError(
      "a deployed stack needs --bucket (or MOVIES_BUCKET) and --region (or AWS_REGION) with --api-url",
    );
  }
  return {
    kind: "deployed",
    apiUrl: apiUrl.replace(/\/+$/, ""),
    bucket,
    region,
    s3Endpoint: options["s3-endpoint"],
    sign: true,
    credentials: undefined,
  };
}

/** A mistake in how the CLI was called: exit code 2, as shells expect. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
