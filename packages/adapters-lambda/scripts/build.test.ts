import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { type BundleSpec, buildZips } from "./build.ts";

const FIXTURE: Record<string, string> = {
  "handler.ts": [
    'import { greet } from "./greet.ts";',
    'import legacy from "./legacy.cjs";',
    "export const handler = async (event: { name: string }) => ({",
    "  message: greet(event.name),",
    "  sep: legacy.sep,",
    "});",
  ].join("\n"),
  "greet.ts": [
    'export const greet = (name: string): string => "Hello, " + name;',
    'export const unused = (): string => "tree-shaken away";',
  ].join("\n"),
  // CommonJS requiring a built-in: what the createRequire banner is for.
  "legacy.cjs": 'const path = require("node:path");\nmodule.exports = { sep: path.sep };\n',
  "no-handler.ts": "export const main = async () => 1;\n",
};

const FIXTURE_FN: BundleSpec = { name: "fixture", entry: "handler.ts", zip: "dist/fixture.zip" };

const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "adapters-build-test-"));
  temps.push(dir);
  return dir;
}

async function fixtureDir(): Promise<string> {
  const dir = await tempDir();
  for (const [name, text] of Object.entries(FIXTURE)) await writeFile(join(dir, name), text);
  return dir;
}

interface ZipEntryHeader {
  readonly name: string;
  readonly madeByOs: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly unixMode: number;
}

/** The central directory, read by hand: fflate's unzip does not expose times or attributes. */
function centralDirectory(zip: Uint8Array): ZipEntryHeader[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.byteLength - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const entries: ZipEntryHeader[] = [];
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < view.getUint16(end + 10, true); i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      name: strFromU8(zip.subarray(at + 46, at + 46 + nameLength)),
      madeByOs: view.getUint8(at + 5),
      dosTime: view.getUint16(at + 12, true),
      dosDate: view.getUint16(at + 14, true),
      unixMode: view.getUint32(at + 38, true) >>> 16,
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("buildZips", () => {
  it("builds the same zip bytes from the same sources, wherever they and the zip are", async () => {
    const [rootA, rootB, outA, outB] = await Promise.all([
      fixtureDir(),
      fixtureDir(),
      tempDir(),
      tempDir(),
    ]);
    const [builtA] = await buildZips([FIXTURE_FN], { rootDir: rootA, outDir: outA });
    const [builtB] = await buildZips([FIXTURE_FN], { rootDir: rootB, outDir: outB });
    expect(builtA?.zipPath).toBe(join(outA, "dist/fixture.zip"));
    const zipA = await readFile(join(outA, "dist/fixture.zip"));
    const zipB = await readFile(join(outB, "dist/fixture.zip"));
    expect(zipA.length).toBe(builtA?.bytes);
    expect(zipB.equals(zipA)).toBe(true);
    expect(builtB?.bytes).toBe(builtA?.bytes);
    await expect(readFile(join(outA, "dist/metafile-fixture.json"), "utf8")).resolves.toMatch(
      /"handler\.ts"/,
    );
  });

  it("zips index.mjs and its map, with fixed times and readable Unix modes", async () => {
    const out = await tempDir();
    const root = await fixtureDir();
    await buildZips([FIXTURE_FN], { rootDir: root, outDir: out });
    const zip = new Uint8Array(await readFile(join(out, "dist/fixture.zip")));

    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["index.mjs", "index.mjs.map"]);
    const code = strFromU8(files["index.mjs"] as Uint8Array);
    const map = JSON.parse(strFromU8(files["index.mjs.map"] as Uint8Array)) as {
      version: number;
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(code).toMatch(/^import\{createRequire as __bundleCreateRequire\}from"node:module";/);
    expect(code.trimEnd().endsWith("//# sourceMappingURL=index.mjs.map")).toBe(true);
    expect(code).not.toContain("tree-shaken away");
    expect(map.version).toBe(3);
    expect(map.sources.toSorted()).toEqual([
      "../../greet.ts",
      "../../handler.ts",
      "../../legacy.cjs",
    ]);
    expect(map.sourcesContent).toBeUndefined();
    for (const text of [code, JSON.stringify(map)]) {
      expect(text).not.toContain(root);
      expect(text).not.toContain(tmpdir());
    }

    const dos1980 = (0 << 9) | (1 << 5) | 1;
    expect(centralDirectory(zip)).toEqual(
      ["index.mjs", "index.mjs.map"].map((name) => ({
        name,
        madeByOs: 3,
        dosTime: 0,
        dosDate: dos1980,
        unixMode: 0o100644,
      })),
    );
  });

  it("gives a module whose handler runs in plain Node", async () => {
    const out = await tempDir();
    await buildZips([FIXTURE_FN], { rootDir: await fixtureDir(), outDir: out });
    const files = unzipSync(new Uint8Array(await readFile(join(out, "dist/fixture.zip"))));
    const lambdaTask = join(out, "task");
    await mkdir(lambdaTask);
    await writeFile(join(lambdaTask, "index.mjs"), files["index.mjs"] as Uint8Array);
    const url = pathToFileURL(join(lambdaTask, "index.mjs")).href;
    const script = `const m = await import(${JSON.stringify(url)});
      process.stdout.write(JSON.stringify([typeof m.handler, await m.handler({ name: "Ada" })]));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      script,
    ]);
    expect(JSON.parse(stdout)).toEqual(["function", { message: "Hello, Ada", sep: "/" }]);
  });

  it("names every missing entry before building anything", async () => {
    const root = await fixtureDir();
    const out = await tempDir();
    const missing = [
      { name: "one", entry: "src/handlers/one.ts", zip: "dist/one.zip" },
      FIXTURE_FN,
      { name: "two", entry: "src/handlers/two.ts", zip: "dist/two.zip" },
    ];
    await expect(buildZips(missing, { rootDir: root, outDir: out })).rejects.toThrow(
      "Handler entries not found under",
    );
    await expect(buildZips(missing, { rootDir: root, outDir: out })).rejects.toThrow(
      /one: src\/handlers\/one\.ts\n {2}two: src\/handlers\/two\.ts/,
    );
    await expect(readFile(join(out, "dist/fixture.zip"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses an entry that does not export handler", async () => {
    const fn = { name: "bad", entry: "no-handler.ts", zip: "bad.zip" };
    await expect(
      buildZips([fn], { rootDir: await fixtureDir(), outDir: await tempDir() }),
    ).rejects.toThrow('bad: no-handler.ts does not export "handler"');
  });
});
