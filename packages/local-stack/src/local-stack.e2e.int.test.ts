import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { localS3Client } from "@movies/local-aws";
import { REAL_LOOKING_AWS_KEYS, SEED_MV1_RATED, SEED_PATCH_BODY } from "@movies/local-aws/test-kit";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

/*
 * The real local stack as a user starts it (`node src/main.ts`), as a child process on
 * free ports, driven over real HTTP and real S3 uploads. It shares the run's DynamoDB Local
 * through MOVIES_DYNAMODB_ENDPOINT (the override every user has) so the run starts one JVM.
 */

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const cliMain = fileURLToPath(new URL("../../cli/src/main.ts", import.meta.url));
const tableName = `movies-e2e-${process.pid}-${Date.now()}`;
let stack: ChildProcess;
let output = "";
let httpUrl = "";
let s3Endpoint = "";

/** Every process descended from `pid`, read from /proc, so the test sees what Ctrl-C leaves. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  stack = spawn(
    process.execPath,
    // Uploads over 4 MiB fan out, so the CLI's multipart upload below runs the state machine.
    [
      "src/main.ts",
      "--http-port",
      "0",
      "--s3-port",
      "0",
      "--dynamodb-port",
      "0",
      "--fan-out-threshold",
      String(4 * 1024 * 1024),
    ],
    {
      cwd: packageDir,
      env: {
        ...process.env,
        MOVIES_DYNAMODB_ENDPOINT: inject("dynamoDbEndpoint"),
        MOVIES_TABLE: tableName,
        POWERTOOLS_LOG_LEVEL: "WARN",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  stack.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  stack.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (output.includes("Press Ctrl-C to stop.")) {
        clearInterval(check);
        resolve();
      }
    }, 50);
    stack.once("exit", (code) => {
      clearInterval(check);
      reject(new Error(`the local stack exited with ${code} before it was up:\n${output}`));
    });
  });
  httpUrl = /HTTP API\s+(http:\/\/\S+)/.exec(output)?.[1] ?? "";
  s3Endpoint = /S3\s+(http:\/\/\S+)/.exec(output)?.[1] ?? "";
});

afterAll(() => {
  if (stack.exitCode === null) stack.kill("SIGKILL");
});

/** The CLI as a user runs it, pointed at this stack's ports. */
function movies(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [cliMain, ...args],
      {
        cwd: packageDir,
        env: {
          ...env,
          MOVIES_HTTP_PORT: new URL(httpUrl).port,
          MOVIES_S3_PORT: new URL(s3Endpoint).port,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function waitForMovie(movieId: string): Promise<Response> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await fetch(`${httpUrl}/movies/${movieId}`);
    if (response.status !== 404) return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${movieId} never appeared`);
}

describe("the local stack, end to end", () => {
  test("it is up with the seed's movies loaded through the S3 path", async () => {
    expect(httpUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(s3Endpoint).toMatch(/^http:\/\/localhost:\d+$/);
    const response = await fetch(`${httpUrl}/movies/mv2`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "The Dark Knight Rises" });
    expect(output).toContain("Loaded the seed's 3 movies through the S3 path.");
  });

  test("a bad port is reported under the variable the user set", async () => {
    const started = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["src/main.ts"],
        { cwd: packageDir, env: { ...process.env, MOVIES_HTTP_PORT: "eighty" } },
        (error, _stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(
      'MOVIES_HTTP_PORT must be a port number from 0 to 65535, not "eighty"',
    );
  });

  test("the seed's test flow: upload the CSV, PATCH mv1, GET the merged movie", async () => {
    const s3 = localS3Client(s3Endpoint);
    const csv =
      "mv1,Interstellar,United States,2014-10-26\nmv9,Inception,United States,2010-07-16\n";
    await s3.send(
      new PutObjectCommand({ Bucket: "movie-infos", Key: "movie-infos.csv", Body: csv }),
    );
    s3.destroy();
    expect((await waitForMovie("mv9")).status).toBe(200);

    const patch = await fetch(`${httpUrl}/movies/mv1`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: SEED_PATCH_BODY,
    });
    expect(patch.status).toBe(200);
    const get = await fetch(`${httpUrl}/movies/mv1`);
    expect(get.headers.get("content-type")).toBe("application/json");
    expect(await get.json()).toEqual(SEED_MV1_RATED);
  });

  test("the CLI ingests a multipart upload (fanned out) with real AWS keys exported, and prints its report", async () => {
    const dir = await mkdtemp(join(tmpdir(), "movies-e2e-"));
    const file = join(dir, "big movies.csv");
    // Over 5 MiB, so the CLI sends it in two parts and S3 announces one completed upload.
    const name = "A long title ".repeat(36);
    const rows = Array.from(
      { length: 11_000 },
      (_, i) => `big-${i},"${name}${i}",Chile,2001-01-01`,
    );
    const csv = `${rows.join("\n")}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(5 * 1024 * 1024);
    await writeFile(file, csv);
    const { code, stdout, stderr } = await movies(["ingest", file], {
      ...process.env,
      ...REAL_LOOKING_AWS_KEYS,
    });
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(stdout)).toMatchObject({
      key: "big movies.csv",
      status: "completed",
      rows_read: 11_000,
      written: 11_000,
      rejected: 0,
      // Above the stack's threshold: the state machine's definition ran it, in one chunk.
      chunks_total: 1,
      chunks_done: 1,
    });
    expect(stderr).toContain("uploaded s3://movie-infos/big movies.csv");
    expect((await waitForMovie("big-10999")).status).toBe(200);
  });

  test("a re-upload of identical bytes gets a report of its own", async () => {
    const dir = await mkdtemp(join(tmpdir(), "movies-e2e-"));
    const file = join(dir, "again.csv");
    await writeFile(file, "again-1,Solaris,Soviet Union,1972-03-20\n");
    const first = await movies(["ingest", file], { ...process.env, ...REAL_LOOKING_AWS_KEYS });
    const second = await movies(["ingest", file], { ...process.env, ...REAL_LOOKING_AWS_KEYS });
    expect([first.code, second.code]).toEqual([0, 0]);
    const [one, two] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    expect(one).toMatchObject({ status: "completed", written: 1 });
    expect(two).toMatchObject({ status: "completed", written: 1 });
    expect(two.version_id).toEqual(expect.any(String));
    expect(two.version_id).not.toBe(one.version_id);
    expect(Date.parse(two.started_at)).toBeGreaterThanOrEqual(Date.parse(one.finished_at));
  });

  test("get needs only the API URL: no bucket, no AWS credentials", async () => {
    const bare = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
    );
    const { code, stdout, stderr } = await movies(["get", "mv2"], {
      ...bare,
      MOVIES_API_URL: httpUrl,
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stdout)).toMatchObject({ movie_id: "mv2", name: "The Dark Knight Rises" });
  });

  test("a malformed percent-encoding is a 400 problem, not a gateway failure", async () => {
    const response = await fetch(`${httpUrl}/movies/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  test("unknown routes and methods get problem responses from the gateway", async () => {
    // As the deployed REST API answers both: MISSING_AUTHENTICATION_TOKEN, as a problem.
    for (const answer of [
      await fetch(`${httpUrl}/nothing-here`),
      await fetch(`${httpUrl}/movies/mv1`, { method: "POST" }),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(await answer.json()).toMatchObject({ status: 403, request_id: expect.any(String) });
    }
  });

  test("Ctrl-C (SIGINT) stops it cleanly and leaves no process or port behind", async () => {
    const pid = stack.pid ?? 0;
    const children = descendants(pid);
    const exited = new Promise<number | null>((resolve) => stack.once("exit", resolve));
    stack.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped.");
    expect(children.filter(alive)).toEqual([]);
    await expect(fetch(`${httpUrl}/movies/mv1`)).rejects.toThrow();
    await expect(fetch(s3Endpoint)).rejects.toThrow();
  });
});
