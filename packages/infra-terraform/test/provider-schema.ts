/**
 * What `terraform validate` would say about the module, offline: every resource and data block
 * checked against the trimmed hashicorp/aws schema in provider-schema/aws.json (written by
 * scripts/extract-provider-schema.ts). Reports unknown arguments and blocks, missing required
 * ones, a once-only block repeated, a block written as an attribute and the reverse, literals of
 * the wrong type, references to attributes a type does not export, and values outside the sets
 * in provider-values.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type HclObject, isObject, resolved, type TfModule } from "./load-module.ts";
import { MODULE_DIR } from "./paths.ts";
import { ARGUMENT_SINCE, VALUE_SETS } from "./provider-values.ts";

export interface ArgumentSchema {
  /** string, number, bool, any, list(<element>) or map(<element>). */
  readonly type: string;
  readonly required?: true;
}

export interface BlockSchema {
  readonly arguments: Record<string, ArgumentSchema>;
  readonly blocks: Record<string, BlockSchema>;
  /** The block may appear at most once. */
  readonly max_one?: true;
  readonly required?: true;
}

export interface TypeSchema extends BlockSchema {
  /** Attributes the provider sets (other blocks may reference them, as well as the arguments). */
  readonly computed: readonly string[];
  /** Argument and block paths (`a`, `b.c`) the provider's baseline release does not have. */
  added_after_baseline?: string[];
}

export interface ProviderSchema {
  readonly provider: string;
  /** The hashicorp/aws release the schema describes. */
  readonly version: string;
  readonly extracted_from: string;
  /** The release `added_after_baseline` compares with: the first of the major. */
  readonly baseline_version?: string;
  readonly resource: Record<string, TypeSchema>;
  readonly data: Record<string, TypeSchema>;
}

export const PROVIDER_SCHEMA_PATH = path.join(MODULE_DIR, "provider-schema", "aws.json");

export const RE_EXTRACT =
  "re-extract it with scripts/extract-provider-schema.ts (see the README's 'Provider schema')";

export function loadProviderSchema(): ProviderSchema {
  return JSON.parse(readFileSync(PROVIDER_SCHEMA_PATH, "utf8")) as ProviderSchema;
}

/** Meta-arguments Terraform accepts on every resource and data block. */
const META = new Set([
  "count",
  "for_each",
  "depends_on",
  "provider",
  "lifecycle",
  "provisioner",
  "connection",
]);

const KINDS = ["resource", "data"] as const;

function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Whether a literal converts to `type` as Terraform converts values; expressions pass. */
function fitsType(value: unknown, type: string): boolean {
  if (value === null || isExpression(value) || type === "any") {
    return true;
  }
  const element = /^(list|map)\((.+)\)$/.exec(type);
  if (element?.[1] === "list") {
    return Array.isArray(value) && value.every((v) => fitsType(v, element[2] ?? "any"));
  }
  if (element?.[1] === "map") {
    return isObject(value) && Object.values(value).every((v) => fitsType(v, element[2] ?? "any"));
  }
  switch (type) {
    case "string":
      return ["string", "number", "boolean"].includes(typeof value);
    case "number":
      return (
        typeof value === "number" ||
        (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      );
    case "bool":
      return typeof value === "boolean" || value === "true" || value === "false";
    default:
      return true;
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(
        above + 1,
        (row[j - 1] as number) + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

function suggestion(name: string, schema: BlockSchema): string {
  const candidates = [...Object.keys(schema.arguments), ...Object.keys(schema.blocks)];
  const best = candidates
    .map((c) => [c, distance(name, c)] as const)
    .sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? ` (did you mean "${best[0]}"?)` : "";
}

interface Walk {
  readonly mod: TfModule;
  readonly violations: string[];
  /** Argument and block paths the module sets, per type: `aws_x` -> `a`, `b.c`. */
  readonly used: Map<string, Set<string>>;
}

function checkBody(
  walk: Walk,
  type: string,
  where: string,
  body: HclObject,
  schema: BlockSchema,
  prefix: string,
): void {
  const { violations } = walk;
  const used = walk.used.get(type) ?? new Set<string>();
  walk.used.set(type, used);
  const dynamicBlocks = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (prefix === "" && META.has(key)) {
      continue;
    }
    if (key === "dynamic" && isObject(value)) {
      for (const [name, generators] of Object.entries(value)) {
        const nested = schema.blocks[name];
        if (!nested) {
          violations.push(`${where}: unknown block "${name}"${suggestion(name, schema)}`);
          continue;
        }
        dynamicBlocks.add(name);
        used.add(`${prefix}${name}`);
        for (const generator of Array.isArray(generators) ? generators.filter(isObject) : []) {
          const content = generator["content"];
          for (const c of Array.isArray(content) ? content.filter(isObject) : []) {
            checkBody(walk, type, `${where} ${name}`, c, nested, `${prefix}${name}.`);
          }
        }
      }
      continue;
    }
    const argument = schema.arguments[key];
    const nested = schema.blocks[key];
    if (argument) {
      used.add(`${prefix}${key}`);
      const blockLike = Array.isArray(value) && value.length > 0 && value.every(isObject);
      if (blockLike && !argument.type.startsWith("list(") && argument.type !== "any") {
        violations.push(
          `${where}: "${key}" is an argument, written as a block; write ${key} = ...`,
        );
      } else if (!fitsType(value, argument.type)) {
        violations.push(`${where}: ${key} = ${JSON.stringify(value)} is not a ${argument.type}`);
      }
      checkValueSet(walk.mod, violations, `${type}.${prefix}${key}`, where, value);
    } else if (nested) {
      used.add(`${prefix}${key}`);
      const list = Array.isArray(value) ? value : [];
      if (!Array.isArray(value) || !list.every(isObject)) {
        violations.push(
          `${where}: "${key}" is a block, written as an argument; write ${key} { ... }`,
        );
        continue;
      }
      if (nested.max_one && list.length > 1) {
        violations.push(`${where}: block "${key}" may appear once, found ${list.length}`);
      }
      for (const item of list) {
        checkBody(walk, type, `${where} ${key}`, item as HclObject, nested, `${prefix}${key}.`);
      }
    } else {
      violations.push(`${where}: unknown argument or block "${key}"${suggestion(key, schema)}`);
    }
  }
  for (const [name, argument] of Object.entries(schema.arguments)) {
    if (argument.required && (body[name] === undefined || body[name] === null)) {
      violations.push(`${where}: missing required argument "${name}"`);
    }
  }
  for (const [name, nested] of Object.entries(schema.blocks)) {
    if (nested.required && body[name] === undefined && !dynamicBlocks.has(name)) {
      violations.push(`${where}: missing required block "${name}"`);
    }
  }
}

function checkValueSet(
  mod: TfModule,
  violations: string[],
  argument: string,
  where: string,
  value: unknown,
): void {
  const set = VALUE_SETS[argument];
  if (!set) {
    return;
  }
  const actual = resolved(mod, value);
  for (const item of Array.isArray(actual) ? actual : [actual]) {
    if (typeof item === "string" && !isExpression(item) && !set.values.includes(item)) {
      violations.push(
        `${where}: ${argument.split(".").slice(1).join(".")} "${item}" is not one of ${set.values.join(", ")}`,
      );
    }
  }
}

/** Every `aws_x.name.attr` and `data.aws_x.name.attr` in an expression of the module. */
const REFERENCE =
  /(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_]\w*)/g;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) strings(v, out);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

function checkReferences(mod: TfModule, schema: ProviderSchema, violations: string[]): void {
  const seen = new Set<string>();
  for (const text of strings(mod.json).filter(isExpression)) {
    for (const match of text.matchAll(REFERENCE)) {
      const [whole, data, type, name, attribute] = match;
      if (!type || !name || !attribute || seen.has(whole)) {
        continue;
      }
      seen.add(whole);
      const kind = data ? "data" : "resource";
      const byType = mod.json[kind];
      const byName = isObject(byType) ? byType[type] : undefined;
      // A for_each block is declared once and planned as its instances `name["key"]`.
      const declared =
        isObject(byName) && Object.keys(byName).some((n) => n === name || n.startsWith(`${name}[`));
      if (!declared) {
        violations.push(`${whole}: the module declares no ${kind} ${type}.${name}`);
        continue;
      }
      const typeSchema = schema[kind][type];
      if (
        typeSchema &&
        !(attribute in typeSchema.arguments) &&
        !(attribute in typeSchema.blocks) &&
        !typeSchema.computed.includes(attribute)
      ) {
        violations.push(`${whole}: ${type} exports no attribute "${attribute}"`);
      }
    }
  }
}

export interface SchemaCheck {
  readonly violations: string[];
  /** Argument and block paths the module sets, per type. */
  readonly used: ReadonlyMap<string, ReadonlySet<string>>;
}

export function checkProviderSchema(mod: TfModule, schema: ProviderSchema): SchemaCheck {
  const walk: Walk = { mod, violations: [], used: new Map() };
  for (const kind of KINDS) {
    const byType = mod.json[kind];
    for (const [type, byName] of Object.entries(isObject(byType) ? byType : {})) {
      const typeSchema = schema[kind][type];
      for (const [name, blocks] of Object.entries(isObject(byName) ? byName : {})) {
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        if (!typeSchema) {
          walk.violations.push(
            `${address}: ${kind} type ${type} is not in provider-schema/aws.json (hashicorp/aws ${schema.version}); ${RE_EXTRACT}`,
          );
          continue;
        }
        const body = Array.isArray(blocks) ? blocks[0] : undefined;
        if (isObject(body)) {
          checkBody(walk, type, address, body, typeSchema, "");
        }
      }
    }
  }
  checkReferences(mod, schema, walk.violations);
  return { violations: walk.violations, used: walk.used };
}

/**
 * The oldest hashicorp/aws release that accepts everything the module sets: the newest "since"
 * of the arguments it uses that the baseline release lacks, and of the values it sets. An
 * argument newer than the baseline without a known "since" is a violation.
 */
export function minimumProviderVersion(
  mod: TfModule,
  schema: ProviderSchema,
): { readonly version: string; readonly because: string[]; readonly unknown: string[] } {
  const { used } = checkProviderSchema(mod, schema);
  const because = new Set<string>();
  const unknown: string[] = [];
  let version = schema.baseline_version ?? "0.0.0";
  const raise = (since: string, why: string) => {
    because.add(`${why} (${since})`);
    if (compareVersions(since, version) > 0) version = since;
  };
  for (const [type, paths] of used) {
    const added = new Set(schema.resource[type]?.added_after_baseline ?? []);
    for (const p of schema.data[type]?.added_after_baseline ?? []) added.add(p);
    for (const p of paths) {
      if (!added.has(p)) continue;
      const since = ARGUMENT_SINCE[`${type}.${p}`];
      if (since) {
        raise(since, `${type}.${p}`);
      } else {
        unknown.push(
          `${type}.${p} is newer than hashicorp/aws ${schema.baseline_version}: find the release that added it (the provider's CHANGELOG) and add it to ARGUMENT_SINCE in test/provider-values.ts`,
        );
      }
    }
  }
  for (const [argument, set] of Object.entries(VALUE_SETS)) {
    const [type, ...rest] = argument.split(".");
    const byType = mod.json["resource"];
    const blocks = isObject(byType) && type ? byType[type] : undefined;
    for (const list of Object.values(isObject(blocks) ? blocks : {})) {
      const body = Array.isArray(list) ? list[0] : undefined;
      const value = resolved(mod, isObject(body) ? body[rest.join(".")] : undefined);
      for (const item of Array.isArray(value) ? value : [value]) {
        const since = typeof item === "string" ? set.since?.[item] : undefined;
        if (since) raise(since, `${argument} = ${item}`);
      }
    }
  }
  return { version, because: [...because], unknown };
}

export function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const CONSTRAINT_PART = /^(>=|>|<=|<|=|!=|~>)?\s*(\d+(?:\.\d+){0,2})$/;

/** The AWS provider's version constraint in required_providers, as written. */
export function providerConstraint(mod: TfModule): string | undefined {
  const terraform = mod.json["terraform"];
  const settings = Array.isArray(terraform) ? terraform.find(isObject) : undefined;
  const providers = settings?.["required_providers"];
  const first = Array.isArray(providers) ? providers.find(isObject) : undefined;
  const aws = first?.["aws"];
  const version = isObject(aws) ? aws["version"] : undefined;
  return typeof version === "string" ? version : undefined;
}

/**
 * The constraint is `>= X, < Y`: X at least the oldest release that accepts everything the
 * module sets, Y at most the next major (whose schema nobody checked), and the schema's own
 * release admitted.
 */
export function checkProviderConstraint(mod: TfModule, schema: ProviderSchema): string[] {
  const constraint = providerConstraint(mod);
  if (!constraint) {
    return ["required_providers.aws has no version constraint"];
  }
  const parts = constraint.split(",").map((p) => CONSTRAINT_PART.exec(p.trim()));
  const lower = parts.find((p) => p?.[1] === ">=")?.[2];
  const upper = parts.find((p) => p?.[1] === "<")?.[2];
  const violations: string[] = [];
  if (parts.some((p) => !p || !["<", ">="].includes(p[1] ?? "")) || !lower || !upper) {
    violations.push(
      `aws provider constraint "${constraint}": write it as ">= <oldest accepted>, < <next major>"`,
    );
  }
  const major = Number(schema.version.split(".")[0]);
  const needed = minimumProviderVersion(mod, schema);
  violations.push(...needed.unknown);
  if (lower && compareVersions(lower, needed.version) < 0) {
    violations.push(
      `aws provider constraint "${constraint}" admits ${lower}, but the module needs ${needed.version} or newer: ${needed.because.join("; ")}`,
    );
  }
  if (upper && compareVersions(upper, `${major + 1}.0.0`) > 0) {
    violations.push(
      `aws provider constraint "${constraint}" admits hashicorp/aws ${major + 1}, whose schema is not checked`,
    );
  }
  if (
    lower &&
    upper &&
    (compareVersions(schema.version, lower) < 0 || compareVersions(schema.version, upper) >= 0)
  ) {
    violations.push(
      `aws provider constraint "${constraint}" excludes ${schema.version}, the release the schema describes; ${RE_EXTRACT}`,
    );
  }
  return violations;
}
