import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** Copies the module's .tf files and the JSON and templates they read to a fresh temporary directory. */
export async function copyModule(from: string): Promise<string> {
  const to = await mkdtemp(path.join(tmpdir(), "movies-tf-"));
  for (const file of await readdir(from)) {
    if ([".tf", ".json", ".vtl"].some((ext) => file.endsWith(ext))) {
      await copyFile(path.join(from, file), path.join(to, file));
    }
  }
  return to;
}

export async function removeCopy(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Replaces `from` by `to` in one file of a copy. `from` must occur exactly once, so that a change
 * of the module cannot silently turn a mutation into a no-op.
 */
export async function mutate(dir: string, file: string, from: string, to: string): Promise<void> {
  const target = path.join(dir, file);
  const text = await readFile(target, "utf8");
  const count = text.split(from).length - 1;
  if (count !== 1) {
    throw new Error(`mutation expects ${JSON.stringify(from)} once in ${file}, found ${count}`);
  }
  await writeFile(target, text.replace(from, to));
}

/** Appends HCL to one file of a copy. */
export async function append(dir: string, file: string, hcl: string): Promise<void> {
  const target = path.join(dir, file);
  await writeFile(target, `${await readFile(target, "utf8")}\n${hcl}\n`);
}
