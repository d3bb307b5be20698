#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError, withoutSeparator } from "@movies/local-aws/settings";
import { callApi } from "./api-client.ts";
import { CLI_HELP, CLI_OPTIONS } from "./cli-options.ts";
import { ingestFile } from "./ingest-command.ts";
import { exitCodeOf } from "./ingest-progress.ts";
import { statusLine } from "./status-line.ts";
import { resolveTarget, UsageError } from "./target.ts";

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: withoutSeparator(argv),
    allowPositionals: true,
    options: CLI_OPTIONS,
  });
  const [command, argument, ...extra] = positionals;
  if (values.help || command === undefined) {
    console.log(CLI_HELP);
    return values.help ? 0 : 2;
  }
  if (argument === undefined || extra.length > 0) {
    throw new UsageError(`${command} takes exactly one argument; see movies --help`);
  }
  const target = resolveTarget(values, process.env);

  switch (command) {
    case "ingest": {
      const timeout = Number(values.timeout);
      if (!(timeout > 0)) throw new UsageError("--timeout must be a positive number of seconds");
      const report = await ingestFile(target, argument, {
        key: values.key,
        timeoutMs: timeout * 1000,
        line: statusLine(process.stderr),
      });
      console.log(JSON.stringify(report, null, 2));
      return exitCodeOf(report);
    }
    case "get":
      return printed(await callApi(target, "GET", `/movies/${encodeURIComponent(argument)}`));
    case "rate": {
      const body: Record<string, unknown> = {};
      if (values["rotten-tomatoes"] !== undefined)
        body["rotten_tomatoes_rating"] = number(values["rotten-tomatoes"], "--rotten-tomatoes");
      if (values.imdb !== undefined) body["imdb_rating"] = number(values.imdb, "--imdb");
      if (Object.keys(body).length === 0)
        throw new UsageError("rate needs --rotten-tomatoes, --imdb or both");
      return printed(
        await callApi(target, "PATCH", `/movies/${encodeURIComponent(argument)}`, body),
      );
    }
    default:
      throw new UsageError(`unknown command ${command}; see movies --help`);
  }
}

function number(value: string, option: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed))
    throw new UsageError(`${option} must be a number, not "${value}"`);
  return parsed;
}

/** A movie goes to stdout; a problem's detail and each invalid field to stderr. */
function printed(response: { status: number; body: unknown }): number {
  if (response.status === 200) {
    console.log(JSON.stringify(response.body, null, 2));
    return 0;
  }
  const problem = response.body as {
    detail?: string;
    errors?: { field: string; message: string }[];
  };
  console.error(`${response.status}: ${problem?.detail ?? JSON.stringify(response.body)}`);
  for (const error of problem?.errors ?? []) console.error(`  ${error.field}: ${error.message}`);
  return 1;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`movies: ${(error as Error).message}`);
      process.exit(2);
    }
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED") {
      console.error(
        "movies: nothing answers at the target; is the local stack running (pnpm start)?",
      );
    } else {
      console.error(`movies: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  },
);
