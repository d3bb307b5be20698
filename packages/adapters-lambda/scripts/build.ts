import { access, mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { build, type Metafile, type OutputFile } from "esbuild";
import { type ZipOptions, zipSync } from "fflate";
import { FUNCTIONS } from "../src/wiring.ts";

/** The part of a wiring entry the build needs. */
export interface BundleSpec {
  readonly name: string;
  /** Handler source, relative to `rootDir`. */
  readonly entry: string;
  /** Zip to write, relative to `outDir`. */
  readonly zip: string;
}

export interface BuildOptions {
  /** Directory the entries (and their node_modules) are found from. */
  readonly rootDir: string;
  /** Directory the zip paths are relative to; defaults to `rootDir`. */
  readonly outDir?: string;
}

export interface BuiltZip {
  readonly name: string;
  readonly zipPath: string;
  readonly bytes: number;
}

// Bundled CommonJS (much of @aws-sdk's dependency tree) calls `require` for Node built-ins,
// which an ESM file does not have. The alias keeps clear of any bundled `createRequire`.
const BANNER =
  'import{createRequire as __bundleCreateRequire}from"node:module";' +
  "const require=__bundleCreateRequire(import.meta.url);";

// Same bytes for the same sources: a DOS timestamp cannot be older than 1980, and it is read in
// local time, so a local date keeps the bytes independent of the machine's time zone. Files are
// world-readable regular files (Unix 0644), which Lambda needs to load them.
const ZIP_ENTRY: ZipOptions = {
  level: 9,
  mtime: new Date(1980, 0, 1),
  os: 3,
  attrs: 0o100644 * 0x10000,
};

/** Bundles each handler into a zip whose handler is `index.handler`. */
export async function buildZips(
  functions: readonly BundleSpec[],
  options: BuildOptions,
): Promise<BuiltZip[]> {
  const rootDir = resolve(options.rootDir);
  const outDir = resolve(options.outDir ?? rootDir);
  const missing: string[] = [];
  await Promise.all(
    functions.map((fn) =>
      access(resolve(rootDir, fn.entry)).catch(() => {
        missing.push(`${fn.name}: ${fn.entry}`);
      }),
    ),
  );
  if (missing.length > 0) {
    throw new Error(
      `Handler entries not found under ${rootDir}:\n  ${missing.sort().join("\n  ")}`,
    );
  }
  return Promise.all(functions.map((fn) => buildZip(fn, rootDir, outDir)));
}

async function buildZip(fn: BundleSpec, rootDir: string, outDir: string): Promise<BuiltZip> {
  const result = await build({
    absWorkingDir: rootDir,
    entryPoints: [resolve(rootDir, fn.entry)],
    // Never written: the map's relative source paths are computed from here, so they depend on
    // the package layout only, not on where the zip goes.
    outfile: join(rootDir, "dist", fn.name, "index.mjs"),
    write: false,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    // Our pinned @aws-sdk, not the runtime's unpinned copy, and ESM builds tree-shake better.
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    sourcemap: "linked",
    // Stack traces need only the mappings; the sources would multiply the zip and cold start.
    sourcesContent: false,
    legalComments: "none",
    banner: { js: BANNER },
    metafile: true,
    logLevel: "warning",
  });
  const code = outputNamed(result.outputFiles, "index.mjs");
  const map = outputNamed(result.outputFiles, "index.mjs.map");
  checkExportsHandler(fn, result.metafile);
  checkNoAbsolutePaths(fn, rootDir, result.metafile, [code, map]);

  const zip = zipSync({
    "index.mjs": [code.contents, ZIP_ENTRY],
    "index.mjs.map": [map.contents, ZIP_ENTRY],
  });
  const zipPath = resolve(outDir, fn.zip);
  await mkdir(dirname(zipPath), { recursive: true });
  await writeFile(zipPath, zip);
  await writeFile(
    join(dirname(zipPath), `metafile-${fn.name}.json`),
    JSON.stringify(result.metafile),
  );
  return { name: fn.name, zipPath, bytes: zip.length };
}

function outputNamed(outputs: readonly OutputFile[], name: string): OutputFile {
  const output = outputs.find((file) => file.path.endsWith(`${sep}${name}`));
  if (output === undefined) throw new Error(`esbuild produced no ${name}`);
  return output;
}

function checkExportsHandler(fn: BundleSpec, metafile: Metafile): void {
  const entry = Object.values(metafile.outputs).find((output) => output.entryPoint !== undefined);
  if (!entry?.exports.includes("handler")) {
    throw new Error(
      `${fn.name}: ${fn.entry} does not export "handler" (Lambda calls index.handler)`,
    );
  }
}

/** A path of the build machine in the bundle would break reproducibility and leak its layout. */
function checkNoAbsolutePaths(
  fn: BundleSpec,
  rootDir: string,
  metafile: Metafile,
  outputs: readonly OutputFile[],
): void {
  const dirs = Object.keys(metafile.inputs).map((input) => dirname(resolve(rootDir, input)));
  const common = dirs.reduce(commonDir, rootDir);
  if (common === dirname(common)) return;
  for (const output of outputs) {
    if (output.text.includes(common)) {
      throw new Error(`${fn.name}: ${relative(rootDir, output.path)} contains the path ${common}`);
    }
  }
}

function commonDir(a: string, b: string): string {
  let dir = a;
  while (dir !== b && !b.startsWith(`${dir}${sep}`) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
}

if (import.meta.main) {
  const packageDir = resolve(import.meta.dirname, "..");
  try {
    for (const built of await buildZips(FUNCTIONS, { rootDir: packageDir })) {
      const kb = (built.bytes / 1024).toFixed(1);
      console.log(`${built.name.padEnd(20)} ${relative(packageDir, built.zipPath)}  ${kb} KB`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
