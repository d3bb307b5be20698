/**
 * Reads a Terraform root module the way the contract tests need it: every `.tf` file of one
 * directory parsed with @cdktf/hcl2json and merged into one object, plus small accessors.
 *
 * hcl2json keeps the HCL structure: `resource.<type>.<name>` and `data.<type>.<name>` are lists of
 * one block, nested blocks are lists of objects, literals stay literals, and any expression is a
 * string `${...}` (so `aws_s3_bucket.b.arn` reads as "${aws_s3_bucket.b.arn}").
 *
 * Blocks with a `for_each` the loader can evaluate become their instances, as Terraform would
 * plan them: `aws_x.name["key"]`, with `each.key` / `each.value...` and the iterator of every
 * `dynamic` block whose for_each it can evaluate replaced by their values (see for-each.ts for
 * the little it evaluates). Anything else stays as written.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "@cdktf/hcl2json";
import { expandForEach } from "./for-each.ts";

export type HclObject = { readonly [key: string]: unknown };

export interface TfModule {
  readonly dir: string;
  /** The `.tf` files read, sorted. */
  readonly files: readonly string[];
  /** All files merged: `{ resource, data, variable, output, locals, terraform, provider }`. */
  readonly json: HclObject;
}

/** A named block: `resource "type" "name"` or `data "type" "name"`. */
export interface NamedBlock {
  readonly type: string;
  readonly name: string;
  /** `type.name` for resources, `data.type.name` for data sources. */
  readonly address: string;
  readonly block: HclObject;
}

export function isObject(value: unknown): value is HclObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Merges `source` into `target`: objects key by key, lists concatenated. */
function mergeInto(target: Record<string, unknown>, source: HclObject): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined) {
      target[key] = Array.isArray(value) ? [...value] : isObject(value) ? { ...value } : value;
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      target[key] = [...existing, ...value];
    } else if (isObject(existing) && isObject(value)) {
      const merged: Record<string, unknown> = { ...existing };
      mergeInto(merged, value);
      target[key] = merged;
    } else {
      throw new Error(`cannot merge "${key}": it has different shapes in two files`);
    }
  }
}

/** Every name of these kinds must be declared once across the files, as Terraform requires. */
function assertDeclaredOnce(json: HclObject): void {
  const twice: string[] = [];
  for (const kind of ["resource", "data"]) {
    const byType = json[kind];
    if (!isObject(byType)) {
      continue;
    }
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) {
        continue;
      }
      for (const [name, blocks] of Object.entries(byName)) {
        if (Array.isArray(blocks) && blocks.length !== 1) {
          twice.push(`${kind} ${type}.${name}`);
        }
      }
    }
  }
  for (const kind of ["variable", "output", "module"]) {
    const byName = json[kind];
    if (!isObject(byName)) {
      continue;
    }
    for (const [name, blocks] of Object.entries(byName)) {
      if (Array.isArray(blocks) && blocks.length !== 1) {
        twice.push(`${kind} ${name}`);
      }
    }
  }
  if (twice.length > 0) {
    throw new Error(`declared more than once: ${twice.join(", ")}`);
  }
}

export async function loadModule(dir: string): Promise<TfModule> {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith(".tf"))
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) {
    throw new Error(`no .tf file in ${dir}`);
  }
  const json: Record<string, unknown> = {};
  for (const file of files) {
    const text = await readFile(path.join(dir, file), "utf8");
    let parsed: unknown;
    try {
      parsed = await parse(file, text);
    } catch (error) {
      throw new Error(`${file} is not valid HCL`, { cause: error });
    }
    if (!isObject(parsed)) {
      throw new Error(`${file}: unexpected hcl2json output`);
    }
    mergeInto(json, parsed);
  }
  assertDeclaredOnce(json);
  return { dir, files, json: await expandForEach(dir, json) };
}

function namedBlocks(mod: TfModule, kind: "resource" | "data", type: string): NamedBlock[] {
  const byType = mod.json[kind];
  const byName = isObject(byType) ? byType[type] : undefined;
  if (!isObject(byName)) {
    return [];
  }
  return Object.entries(byName).flatMap(([name, blocks]) => {
    const block = Array.isArray(blocks) ? blocks[0] : undefined;
    if (!isObject(block)) {
      return [];
    }
    const address = kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
    return [{ type, name, address, block }];
  });
}

export function resources(mod: TfModule, type: string): NamedBlock[] {
  return namedBlocks(mod, "resource", type);
}

export function dataSources(mod: TfModule, type: string): NamedBlock[] {
  return namedBlocks(mod, "data", type);
}

export function resourceTypes(mod: TfModule): Map<string, number> {
  const counts = new Map<string, number>();
  const byType = attr(mod.json, "resource");
  if (!isObject(byType)) {
    return counts;
  }
  for (const [type, byName] of Object.entries(byType)) {
    if (isObject(byName)) {
      counts.set(type, Object.keys(byName).length);
    }
  }
  return counts;
}

/** A block labelled by one name: `variable "x"`, `output "x"`. */
function labelled(mod: TfModule, kind: "variable" | "output", name: string): HclObject | undefined {
  const byName = attr(mod.json, kind);
  const blocks = isObject(byName) ? byName[name] : undefined;
  const block = Array.isArray(blocks) ? blocks[0] : undefined;
  return isObject(block) ? block : undefined;
}

export function variable(mod: TfModule, name: string): HclObject | undefined {
  return labelled(mod, "variable", name);
}

export function output(mod: TfModule, name: string): HclObject | undefined {
  return labelled(mod, "output", name);
}

export function variableNames(mod: TfModule): string[] {
  const byName = attr(mod.json, "variable");
  return isObject(byName) ? Object.keys(byName) : [];
}

export function outputNames(mod: TfModule): string[] {
  const byName = attr(mod.json, "output");
  return isObject(byName) ? Object.keys(byName) : [];
}

/** The raw value of an attribute or nested block list; undefined when absent. */
export function attr(block: HclObject | undefined, key: string): unknown {
  return block?.[key];
}

/** A nested block list (`statement`, `lambda_function`, ...); [] when absent. */
export function nested(block: HclObject | undefined, key: string): HclObject[] {
  const value = block?.[key];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** The single nested block `key` (e.g. `tracing_config`), or undefined. */
export function single(block: HclObject | undefined, key: string): HclObject | undefined {
  return nested(block, key)[0];
}

export function str(block: HclObject | undefined, key: string): string | undefined {
  const value = block?.[key];
  return typeof value === "string" ? value : undefined;
}

export function strList(block: HclObject | undefined, key: string): string[] | undefined {
  const value = block?.[key];
  if (!Array.isArray(value)) {
    return undefined;
  }
  return value.every((item) => typeof item === "string") ? value : undefined;
}

/**
 * The traversal an attribute is set to, without `${}`: "${aws_s3_bucket.b.arn}" gives
 * "aws_s3_bucket.b.arn", "${aws_x.f["k"].arn}" gives `aws_x.f["k"].arn`. Undefined for literals
 * and for any other expression.
 */
export function reference(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const match = /^\$\{([A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\]|\["[^"]*"\])*)\}$/.exec(value);
  return match?.[1];
}

/**
 * The resource (or data source, or instance) a traversal starts with: `aws_x.f["k"].arn` gives
 * `aws_x.f["k"]`, `aws_x.f[0].arn` gives `aws_x.f[0]`, `data.aws_y.d.json` gives `data.aws_y.d`.
 */
export function addressOf(ref: string | undefined): string | undefined {
  return ref && /^((?:data\.)?[\w-]+\.[\w-]+(?:\["[^"]*"\]|\[\d+\])?)/.exec(ref)?.[1];
}

/** The address of one instance of a for_each block: `aws_x.f["k"]`. */
export function instanceAddress(address: string, key: string): string {
  return `${address}[${JSON.stringify(key)}]`;
}

/** `aws_x.f["k"]` and `aws_x.f[0]` are instances of `aws_x.f`. */
export function baseAddress(address: string): string {
  return address.replace(/\[(?:"[^"]*"|\d+)\]$/, "");
}

/**
 * The value an attribute has with default variables: a literal as is, "${var.x}" as the default
 * of variable x (undefined when it has none). Other expressions stay as their `${...}` string.
 */
export function resolved(mod: TfModule, value: unknown): unknown {
  const ref = reference(value);
  if (ref?.startsWith("var.")) {
    return attr(variable(mod, ref.slice("var.".length)), "default");
  }
  return value;
}
