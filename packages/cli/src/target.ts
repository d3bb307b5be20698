import {
  LOCAL_BUCKET,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localPort,
} from "@movies/local-aws/settings";

/** Where the CLI sends its work: the local stack unless an API URL says otherwise. */
export interface Target {
  readonly kind: "local" | "deployed";
  readonly apiUrl: string;
  /** Needed by `ingest` only; a deployed stack has no default. */
  readonly bucket: string | undefined;
  /** Needed to sign and to reach S3; for a deployed stack it may come from the API URL. */
  readonly region: string | undefined;
  /** Set for the local stack; a deployed stack uses the SDK's default endpoint. */
  readonly s3Endpoint: string | undefined;
  /**
   * The local stack's own key pair, whatever the environment holds (it knows no other keys);
   * undefined for a deployed stack, which uses the SDK's credential chain.
   */
  readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export interface TargetOptions {
  readonly "api-url"?: string | undefined;
  readonly bucket?: string | undefined;
  readonly region?: string | undefined;
  readonly "s3-endpoint"?: string | undefined;
}

/** `https://abc123.execute-api.eu-west-1.amazonaws.com/prod` is in eu-west-1. */
function regionOfApiUrl(apiUrl: string): string | undefined {
  try {
    return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(apiUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

export function resolveTarget(
  options: TargetOptions,
  env: Readonly<Record<string, string | undefined>>,
): Target {
  const apiUrl = options["api-url"] ?? env["MOVIES_API_URL"];
  if (!apiUrl) {
    return {
      kind: "local",
      apiUrl: `http://localhost:${localPort("http", undefined, env)}`,
      bucket: options.bucket ?? LOCAL_BUCKET,
      region: options.region ?? LOCAL_REGION,
      s3Endpoint: options["s3-endpoint"] ?? `http://localhost:${localPort("s3", undefined, env)}`,
      credentials: { ...LOCAL_CREDENTIALS },
    };
  }
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) {
    const source = options["api-url"] !== undefined ? "--api-url" : "MOVIES_API_URL";
    throw new UsageError(`${source} must be an http(s) URL, not "${apiUrl}"`);
  }
  return {
    kind: "deployed",
    apiUrl: apiUrl.replace(/\/+$/, ""),
    bucket: options.bucket ?? env["MOVIES_BUCKET"],
    region:
      options.region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? regionOfApiUrl(apiUrl),
    s3Endpoint: options["s3-endpoint"],
    credentials: undefined,
  };
}

/** The bucket `ingest` uploads to; a deployed stack must name it. */
export function bucketOf(target: Target): string {
  if (target.bucket) return target.bucket;
  throw new UsageError("ingest into a deployed stack needs --bucket (or MOVIES_BUCKET)");
}

/** The region for S3 and for signing; a deployed stack may need it named. */
export function regionOf(target: Target, forWhat: string): string {
  if (target.region) return target.region;
  throw new UsageError(`${forWhat} needs --region (or AWS_REGION): the API URL does not say it`);
}

/** A mistake in how the CLI was called: exit code 2, as shells expect. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
