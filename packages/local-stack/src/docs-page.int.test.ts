import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "@movies/adapters-lambda/wiring";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { type LocalStack, startLocalStack } from "./local-stack.ts";

/*
 * A real browser on the local stack: Debian's chromium, driven by playwright-core, opens the API
 * reference at /docs, and calls the API from a page of another origin (a real CORS preflight).
 * The stack allows the origin http://localhost:<port>; the same server is also 127.0.0.1:<port>,
 * an origin it does not allow.
 */
const CHROMIUM = "/usr/bin/chromium";

let stack: LocalStack;
let browser: BrowserContext;
let profile: string;
let port: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser test needs ${CHROMIUM}: run scripts/ensure-chromium.sh as root ` +
        "(apt-get install chromium), as .ci/run does.",
    );
  }
  process.env[ENV.dynamoEndpoint] = inject("dynamoDbEndpoint");
  port = await freePort();
  stack = await startLocalStack({
    httpPort: port,
    s3Port: 0,
    dynamoDbPort: 0,
    bucket: "movie-infos",
    tableName: `movies-docs-${process.pid}-${Date.now()}`,
    corsOrigins: [`http://localhost:${port}`],
    seedFile: join(import.meta.dirname, "../seed/movie-infos.csv"),
  });
  profile = await mkdtemp(join(tmpdir(), "movies-chromium-"));
  // A fresh profile per run (playwright-core passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

/** A page that fails the test on any request that leaves this stack (no CDN at run time). */
async function localPage(): Promise<{ page: Page; elsewhere: string[] }> {
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const { hostname, port: p } = new URL(request.url());
    if (!["localhost", "127.0.0.1"].includes(hostname) || p !== String(port)) {
      elsewhere.push(request.url());
    }
  });
  return { page, elsewhere };
}

describe("the API reference at /docs, in chromium", () => {
  test("sends GET /movies/{movie_id} through Try it out and shows the movie", async () => {
    const { page, elsewhere } = await localPage();
    await page.goto(`http://localhost:${port}/docs`);
    const operation = page
      .locator(".opblock.opblock-get")
      .filter({ hasText: "/movies/{movie_id}" })
      .first();
    await operation.locator(".opblock-summary").first().click();
    await operation.getByRole("button", { name: "Try it out" }).click();
    await operation.locator('input[placeholder="movie_id"]').fill("mv1");
    await operation.getByRole("button", { name: "Execute" }).click();
    const live = operation.locator(".live-responses-table tr.response");
    await expect.poll(() => live.locator(".response-col_status").first().textContent()).toBe("200");
    const body = await live
      .locator(".response-col_description pre.microlight")
      .first()
      .textContent();
    expect(JSON.parse(body ?? "")).toMatchObject({ movie_id: "mv1", name: "Interstellar" });
    await page.screenshot({ path: join(tmpdir(), "movies-docs.png"), fullPage: true });
    expect(elsewhere).toEqual([]);
    await page.close();
  });

  test("a page of an allowed origin PATCHes after a real preflight; another origin cannot read", async () => {
    const { page } = await localPage();
    const patch = (api: string) =>
      page.evaluate(async (url) => {
        try {
          const response = await fetch(`${url}/movies/mv2`, {
            method: "PATCH",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ imdb_rating: 71 }),
          });
          return { status: response.status, body: await response.json() };
        } catch (error) {
          return { refused: String(error) };
        }
      }, api);

    await page.goto(`http://localhost:${port}/docs`);
    expect(await patch(`http://127.0.0.1:${port}`)).toEqual({
      status: 200,
      body: expect.objectContaining({ movie_id: "mv2", imdb_rating: 71 }),
    });

    await page.goto(`http://127.0.0.1:${port}/docs`);
    expect(await patch(`http://localhost:${port}`)).toEqual({
      refused: expect.stringContaining("Failed to fetch"),
    });
    await page.close();
  });
});
