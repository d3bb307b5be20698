import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The package the benchmark measures: bundle entries and zips are relative to it. */
export const PACKAGE_DIR = join(dirname(BENCH_DIR), "adapters-lambda");
export const WORKER = join(BENCH_DIR, "worker.ts");

/** The line a worker prints its result on; anything else on stdout is ignored. */
export const RESULT_MARK = "BENCH_RESULT ";

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (no interpolation), so p99 of 500 samples is the 495th. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
  /** Receives each stdout line as it comes (e.g. a server announcing its URL). */
  readonly onLine?: (line: string) => void;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node [nodeArgs] args` and resolves with its output; rejects on a non-zero exit. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // The parent's NODE_OPTIONS (a debugger, vitest's loaders) are not meant for the children.
    const { NODE_OPTIONS: _parentOnly, ...inherited } = process.env;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
      cwd: PACKAGE_DIR,
      env: { ...inherited, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pendingLine = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      if (options.onLine === undefined) return;
      pendingLine += text;
      const lines = pendingLine.split("\n");
      pendingLine = lines.pop() ?? "";
      for (const line of lines) options.onLine(line);
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr = (stderr + text).slice(-20_000);
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new Error(`node ${args.join(" ")} failed (${how}):\n${stderr.slice(-4000)}`));
      }
    });
  });
}

/** The JSON a worker printed after RESULT_MARK. */
export function resultOf<T>(run: RunResult): T {
  const line = run.stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_MARK));
  if (line === undefined) throw new Error(`no result line in:\n${run.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

/** Runs a bench worker mode in a fresh Node process and returns its result. */
export async function runWorker<T>(
  mode: string,
  input: unknown,
  options: RunOptions = {},
): Promise<T> {
  return resultOf<T>(await runNode([WORKER, mode, JSON.stringify(input)], options));
}

export interface Background<T> {
  /** The worker's result line: for a server, what it announces once it is up. */
  readonly ready: Promise<T>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a long-running worker (a server). Its stdin stays open as a lifeline: if this process
 * dies, the pipe closes and the worker stops itself.
 */
export function startWorker<T>(
  mode: string,
  input: unknown,
  options: RunOptions = {},
): Background<T> {
  const { NODE_OPTIONS: _parentOnly, ...inherited } = process.env;
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), WORKER, mode, JSON.stringify(input)],
    {
      cwd: PACKAGE_DIR,
      env: { ...inherited, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const ready = new Promise<T>((resolve, reject) => {
    let buffered = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      buffered += text;
      const line = buffered.split("\n").find((l) => l.startsWith(RESULT_MARK));
      if (line !== undefined) resolve(JSON.parse(line.slice(RESULT_MARK.length)) as T);
    });
    void exited.then(() =>
      reject(new Error(`${mode} worker exited early:\n${stderr.slice(-4000)}`)),
    );
  });
  ready.catch(() => undefined);
  return {
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Process CPU time (user + system, every thread) in microseconds. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
