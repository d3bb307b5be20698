import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { format, promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const PACKAGE_DIR = resolve(import.meta.dirname, "..");
const TSC = join(
  dirname(createRequire(import.meta.url).resolve("typescript/package.json")),
  "bin/tsc",
);

/** The README's usage example, which the test runs and typechecks as a consumer would. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(PACKAGE_DIR, "README.md"), "utf8");
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (example === undefined) throw new Error("README.md has no ```ts example");
  return example;
}

async function pack(destination: string): Promise<{ filename: string; files: string[] }> {
  // pnpm, not npm: only pnpm applies `publishConfig.exports`. A run through pnpm has it on PATH.
  const { stdout } = await run("pnpm", ["pack", "--json", "--pack-destination", destination], {
    cwd: PACKAGE_DIR,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new Error("pnpm is not on PATH: run the tests through pnpm (npx -y pnpm@12.4.2 test)");
    }
    throw error;
  });
  const packed = JSON.parse(stdout) as { filename: string; files: { path: string }[] };
  return { filename: packed.filename, files: packed.files.map((file) => file.path) };
}

describe("the packed @movies/domain, installed into a fresh npm project", () => {
  let project: string;
  let packed: { filename: string; files: string[] };

  beforeAll(async () => {
    project = await mkdtemp(join(tmpdir(), "movies-domain-consumer-"));
    packed = await pack(project);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    // The package has no dependencies, so the tarball alone installs: no registry is asked.
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", packed.filename], {
      cwd: project,
    });
  }, 60_000);

  afterAll(async () => {
    if (project !== undefined) await rm(project, { recursive: true, force: true });
  });

  it("ships the built JavaScript, its declarations and the README; no sources, no tests", () => {
    expect(packed.files).toContain("dist/index.js");
    expect(packed.files).toContain("dist/index.d.ts");
    expect(packed.files).toContain("dist/testing/in-memory-movie-store.js");
    expect(packed.files).toContain("dist/testing/in-memory-movie-store.d.ts");
    expect(packed.files).toContain("README.md");
    const unexpected = packed.files.filter(
      (path) =>
        !(path === "package.json" || path === "README.md" || /^dist\/.+\.(js|d\.ts)$/.test(path)) ||
        path.includes(".test."),
    );
    expect(unexpected).toEqual([]);
  });

  it("runs the README example on plain Node.js, without type stripping or a loader", async () => {
    await writeFile(join(project, "example.mjs"), await readmeExample());
    const { stdout } = await run(
      process.execPath,
      ["--no-experimental-strip-types", "example.mjs"],
      { cwd: project },
    );
    const movie = {
      movie_id: "mv1",
      name: "Interstellar",
      country_of_origin: "United States",
      release_date: "2014-10-26",
      rotten_tomatoes_rating: 98,
      imdb_rating: null,
    };
    expect(stdout).toBe(`${format(1, movie)}\n`);
  });

  it("typechecks the README example and a misuse is caught, under moduleResolution nodenext", async () => {
    await writeFile(join(project, "example.ts"), await readmeExample());
    // Proves the declarations carry real types: with `any` the expected error would not occur.
    await writeFile(
      join(project, "types.ts"),
      [
        'import { type Movie, type MovieInfoRepo, type RatingRepo } from "@movies/domain";',
        'import { InMemoryMovieStore } from "@movies/domain/testing";',
        "export const store: MovieInfoRepo & RatingRepo = new InMemoryMovieStore();",
        "// @ts-expect-error a rating is a number or null",
        "export const rating: string = ({} as Movie).imdb_rating;",
        "",
      ].join("\n"),
    );
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2023",
          strict: true,
          noEmit: true,
          // The shipped declarations are checked too, not taken on trust.
          skipLibCheck: false,
          types: [],
        },
        include: ["*.ts"],
      }),
    );
    const diagnostics = await run(process.execPath, [TSC, "-p", "."], { cwd: project }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(diagnostics).toBe("");
  });
});
