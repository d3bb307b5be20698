/** Credentials every local service accepts; DynamoDB Local ignores them, the S3 server checks them. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
export const LOCAL_REGION = "us-east-1";

/** The local stack's bucket, which the CLI uploads to by default. */
export const LOCAL_BUCKET = "movie-infos";

/** The local stack's table, unless `MOVIES_TABLE` names another. */
export const LOCAL_TABLE = "movies";

/** A running DynamoDB endpoint to use instead of starting DynamoDB Local (the functions read the same variable). */
export const DYNAMODB_ENDPOINT_VARIABLE = "MOVIES_DYNAMODB_ENDPOINT";

/** The local stack's ports: their defaults, and the flag and variable that override each. */
export const LOCAL_PORTS = {
  http: { fallback: 3000, flag: "--http-port", variable: "MOVIES_HTTP_PORT" },
  s3: { fallback: 4569, flag: "--s3-port", variable: "MOVIES_S3_PORT" },
  dynamodb: { fallback: 8000, flag: "--dynamodb-port", variable: "MOVIES_DYNAMODB_PORT" },
} as const;

export type LocalPortName = keyof typeof LOCAL_PORTS;

/** A setting the user got wrong; the message names the flag or variable they set. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * The port to use: the flag's value when given, else the variable's, else the default. A value
 * that is no port is refused, naming where it came from.
 */
export function localPort(
  name: LocalPortName,
  flagValue: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const { fallback, flag, variable } = LOCAL_PORTS[name];
  const [source, raw] =
    flagValue !== undefined
      ? [flag, flagValue]
      : env[variable] !== undefined && env[variable] !== ""
        ? [variable, env[variable]]
        : [undefined, String(fallback)];
  const port = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`${source} must be a port number from 0 to 65535, not "${raw}"`);
  }
  return port;
}

/** `pnpm start -- --help` hands the script the `--` too; it separates nothing here. */
export function withoutSeparator(argv: readonly string[]): string[] {
  return argv[0] === "--" ? argv.slice(1) : [...argv];
}
