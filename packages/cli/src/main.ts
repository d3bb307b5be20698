#!/usr/bin/env node
import { parseArgs } from "node:util";
import { ConfigError, withoutSeparator } from "@movies/local-aws/settings";
import { apiClient } from "./api-client.ts";
import { CLI_HELP, CLI_OPTIONS } from "./cli-options.ts";
import { ingestFile } from "./ingest-command.ts";
import { exitCodeOf } from "./ingest-progress.ts";
import { statusLine } from "./status-line.ts";
import { resolveTarget, type Target, UsageError } from "./target.ts";

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
  const target = resolveTarget(values, process.env);
  if (command === "list") {
    if (argument !== undefined) throw new UsageError("list takes no argument; see movies --help");
    return listAll(target, values.limit);
  }
  if (argument === undefined || extra.length > 0) {
    throw new UsageError(`${command} takes exactly one argument; see movies --help`);
  }
  const api = apiClient(target, command);
  const movie = { params: { path: { movie_id: argument } } };

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
      return printed(await api.GET("/movies/{movie_id}", movie));
    case "delete": {
      const { response, error } = await api.DELETE("/movies/{movie_id}", movie);
      if (response.status === 204) {
        console.error(`deleted ${argument}`);
        return 0;
      }
      return printed({ response, error });
    }
    case "rate": {
      const rt = values["rotten-tomatoes"];
      const imdb = values.imdb;
      if (rt === undefined && imdb === undefined)
        throw new UsageError("rate needs --rotten-tomatoes, --imdb or both");
      const body = {
        ...(rt !== undefined && { rotten_tomatoes_rating: number(rt, "--rotten-tomatoes") }),
        ...(imdb !== undefined && { imdb_rating: number(imdb, "--imdb") }),
      } as { rotten_tomatoes_rating: number; imdb_rating?: number };
      return printed(await api.PATCH("/movies/{movie_id}", { ...movie, body }));
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

/** Walks every page of `GET /movies`, printing the movies as one JSON array as they come. */
async function listAll(target: Target, limitText: string | undefined): Promise<number> {
  const limit = limitText === undefined ? undefined : number(limitText, "--limit");
  const api = apiClient(target, "list");
  let cursor: string | undefined;
  let first = true;
  do {
    const { data, error, response } = await api.GET("/movies", {
      params: { query: { ...(limit !== undefined && { limit }), ...(cursor && { cursor }) } },
    });
    if (data === undefined) {
      if (!first) console.log("]");
      return printed({ response, error });
    }
    for (const item of data.movies) {
      process.stdout.write(`${first ? "[\n" : ",\n"}${JSON.stringify(item)}`);
      first = false;
    }
    cursor = data.next ?? undefined;
  } while (cursor !== undefined);
  console.log(first ? "[]" : "\n]");
  return 0;
}

/** A movie goes to stdout; a problem's detail and each invalid field to stderr. */
function printed(result: { data?: unknown; error?: unknown; response: Response }): number {
  if (result.response.ok) {
    console.log(JSON.stringify(result.data, null, 2));
    return 0;
  }
  const problem = result.error as
    | { detail?: string; errors?: { field: string; message: string }[] }
    | undefined;
  const detail =
    typeof problem === "object" && problem?.detail ? problem.detail : JSON.stringify(problem);
  console.error(`${result.response.status}: ${detail}`);
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
