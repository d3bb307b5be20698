import type { ParseArgsOptionsConfig } from "node:util";
import { INGEST_MAX_ATTEMPTS } from "@movies/adapters-lambda/wiring";
import { LOCAL_PORTS } from "@movies/local-aws/settings";

/** Every flag `movies` takes; `--help` and the README name each one. */
export const CLI_OPTIONS = {
  "api-url": { type: "string" },
  bucket: { type: "string" },
  region: { type: "string" },
  "s3-endpoint": { type: "string" },
  key: { type: "string" },
  timeout: { type: "string", default: "3600" },
  "rotten-tomatoes": { type: "string" },
  imdb: { type: "string" },
  limit: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsOptionsConfig;

/** Every environment variable `movies` reads itself (the AWS SDK reads its own as well). */
export const CLI_VARIABLES = [
  "MOVIES_API_URL",
  "MOVIES_BUCKET",
  "AWS_REGION",
  LOCAL_PORTS.http.variable,
  LOCAL_PORTS.s3.variable,
] as const;

export const CLI_HELP = `Usage: movies <command> [options]

Commands:
  ingest <file.csv> [--key KEY] [--timeout SECONDS]
                     upload a CSV (or .csv.gz) through S3, show the upload and then the ingest
                     (rows written, rows/s, time left), follow Lambda's retries (up to
                     ${INGEST_MAX_ATTEMPTS} attempts) and print that upload's report as JSON;
                     --key names the object (default: the file's name), --timeout stops
                     waiting after SECONDS (default 3600)
  get <movie_id>     print a movie
  list [--limit N]   print every movie as a JSON array, walking the API's pages (N per page,
                     1 to 500, default 50)
  rate <movie_id> [--rotten-tomatoes N] [--imdb N]
                     set one or both ratings and print the movie
  delete <movie_id>  remove a movie and its ratings (a later catalogue file that holds it
                     brings its info back)
  -h, --help         this help

Target: the local stack by default, always with its own credentials (local/local), whatever
AWS variables are exported; its ports come from ${LOCAL_PORTS.http.variable} and ${LOCAL_PORTS.s3.variable}
(default ${LOCAL_PORTS.http.fallback} and ${LOCAL_PORTS.s3.fallback}), or give --s3-endpoint URL.
A deployed stack:
  --api-url URL      its API URL (or MOVIES_API_URL); enough for get and list
  --bucket NAME      its bucket (or MOVIES_BUCKET); ingest only
  --region REGION    its region (or AWS_REGION); read from an execute-api URL when absent
  --s3-endpoint URL  an S3 endpoint other than AWS's
  Credentials come from the AWS SDK's chain (environment, profile, SSO, role). Only the
  calls the API authorizes with IAM are signed (rate, delete); get and list are not.

Progress goes to stderr: a live line on a terminal, a line every few seconds otherwise.
Exit codes: 0 done (ingest: completed), 1 refused or failed (ingest: rejected, skipped,
skipped_stale, or failed after the last attempt; the reason is on stderr), 2 wrong usage.`;
