/*
 * `pnpm mutation [target ...] [stryker options]`: StrykerJS on a temporary copy of the working
 * tree, one run per target of stryker.config.mjs (domain, csv-reader, http-edge; all by default).
 *
 * Stryker must mutate in place here (TypeScript 7 breaks the tsconfig rewrite of its sandboxes),
 * so it runs on a copy: the checkout's sources are never mutated, and a run that is interrupted
 * (even killed) leaves its mutants in a temporary directory only. The copy holds the files git
 * would commit (tracked, or new and not ignored) and each package's `node_modules` links; the root
 * `node_modules` is linked, not copied. Reports land in `reports/mutation/` of the checkout.
 *
 * Examples: `pnpm mutation`, `pnpm mutation domain --mutate packages/domain/src/movie-id.ts`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { MUTATION_TARGETS } = (await import(join(root, "stryker.config.mjs"))) as {
  MUTATION_TARGETS: Record<string, unknown>;
};
const args = process.argv.slice(2);
const named = args.filter((arg) => arg in MUTATION_TARGETS);
const targets = named.length > 0 ? named : Object.keys(MUTATION_TARGETS);
const strykerArgs = args.filter((arg) => !(arg in MUTATION_TARGETS));
const copy = mkdtempSync(join(tmpdir(), "movies-mutation-"));

const files = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
  cwd: root,
  encoding: "utf8",
});
if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
for (const file of files.stdout.split("\0")) {
  if (file === "" || !existsSync(join(root, file))) continue;
  mkdirSync(dirname(join(copy, file)), { recursive: true });
  cpSync(join(root, file), join(copy, file));
}
symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
for (const pkg of readdirSync(join(root, "packages"))) {
  const modules = join(root, "packages", pkg, "node_modules");
  // pnpm's links are relative, so the copies resolve workspace packages inside the copy.
  if (existsSync(modules))
    cpSync(modules, join(copy, "packages", pkg, "node_modules"), {
      recursive: true,
      verbatimSymlinks: true,
    });
}

// Stryker and its workers in a process group of their own: an interrupted run stops all of them
// before the copy is removed, and no worker is left running.
let stryker: ChildProcess | undefined;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    interrupted = true;
    try {
      if (stryker?.pid !== undefined) process.kill(-stryker.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  });
}

let failed = false;
for (const target of targets) {
  if (interrupted) break;
  const started = Date.now();
  stryker = spawn(
    "nice",
    ["-n", "19", join(root, "node_modules/.bin/stryker"), "run", ...strykerArgs],
    {
      cwd: copy,
      stdio: "inherit",
      detached: true,
      env: { ...process.env, MUTATION_TARGET: target },
    },
  );
  const [code] = (await once(stryker, "exit")) as [number | null];
  failed ||= code !== 0;
  console.log(
    `[mutation] ${target}: ${code === 0 ? "done" : "FAILED"} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
if (existsSync(join(copy, "reports/mutation"))) {
  cpSync(join(copy, "reports/mutation"), join(root, "reports/mutation"), { recursive: true });
}
rmSync(copy, { recursive: true, force: true });
process.exit(failed || interrupted ? 1 : 0);
