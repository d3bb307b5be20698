/**
 * Writes provider-schema/aws.json: the arguments, blocks and exported attributes of the resource
 * and data types this module uses (plus EXTRA_TYPES), read from the jsii assembly of
 * @cdktf/provider-aws, which is generated from one hashicorp/aws release. Run by hand when the
 * module starts using another type or the provider moves; never in CI (the package is 392 MB):
 *
 *   npm pack @cdktf/provider-aws@21.22.1 --pack-destination /tmp/aws      # hashicorp/aws 6.25.0
 *   npm pack @cdktf/provider-aws@21.0.0 --pack-destination /tmp/aws       # hashicorp/aws 6.0.0
 *   tar -xzf /tmp/aws/cdktf-provider-aws-21.22.1.tgz -C /tmp/aws/current package/.jsii
 *   tar -xzf /tmp/aws/cdktf-provider-aws-21.0.0.tgz -C /tmp/aws/baseline package/.jsii
 *   node packages/infra-terraform/scripts/extract-provider-schema.ts \
 *     /tmp/aws/current/package/.jsii /tmp/aws/baseline/package/.jsii
 *
 * The second assembly (the first release of the provider's major) is optional: with it, every
 * argument and block path that release lacks is listed under `added_after_baseline`, so that the
 * tests can make sure the version constraint admits no release that rejects what the module sets.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadModule } from "../test/load-module.ts";
import {
  type ArgumentSchema,
  type BlockSchema,
  PROVIDER_SCHEMA_PATH,
  type ProviderSchema,
  type TypeSchema,
} from "../test/provider-schema.ts";

/** Types the module does not use yet but that its planned changes will (kept small). */
const EXTRA_TYPES: ReadonlyArray<readonly ["resource" | "data", string]> = [
  ["resource", "aws_sfn_state_machine"],
  ["resource", "aws_sns_topic"],
  ["resource", "aws_sns_topic_policy"],
  ["resource", "aws_sqs_queue_policy"],
  ["resource", "aws_cloudwatch_metric_alarm"],
  ["resource", "aws_api_gateway_gateway_response"],
  ["resource", "aws_lambda_function_event_invoke_config"],
  ["resource", "aws_iam_role_policy_attachment"],
];

interface JsiiType {
  readonly fqn: string;
  readonly kind: string;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
  readonly properties?: readonly JsiiProperty[];
}

interface JsiiProperty {
  readonly name: string;
  readonly optional?: boolean;
  readonly static?: boolean;
  readonly docs?: { readonly summary?: string; readonly remarks?: string };
  readonly type: JsiiTypeRef;
}

type JsiiTypeRef = {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: "array" | "map"; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: readonly JsiiTypeRef[] };
};

interface Assembly {
  /** The npm package it comes from, e.g. @cdktf/provider-aws@21.22.1. */
  readonly source: string;
  /** The hashicorp/aws release it was generated from. */
  readonly version: string;
  readonly types: Readonly<Record<string, JsiiType>>;
  /** `resource:aws_x` or `data:aws_x` to the class's fqn. */
  readonly classes: ReadonlyMap<string, string>;
}

const REPRESENTS =
  /registry\.terraform\.io\/providers\/hashicorp\/aws\/([\d.]+)\/docs\/(resources|data-sources)\/\w+ (aws_\w+)\}/;

async function readAssembly(file: string): Promise<Assembly> {
  const json = JSON.parse(await readFile(file, "utf8")) as {
    name: string;
    version: string;
    types: Record<string, JsiiType>;
  };
  const classes = new Map<string, string>();
  let version = "";
  for (const type of Object.values(json.types)) {
    const match = type.kind === "class" ? REPRESENTS.exec(type.docs?.summary ?? "") : null;
    if (match?.[1] && match[3]) {
      version = match[1];
      classes.set(`${match[2] === "resources" ? "resource" : "data"}:${match[3]}`, type.fqn);
    }
  }
  if (!version) {
    throw new Error(`${file}: no hashicorp/aws resource classes found (not @cdktf/provider-aws?)`);
  }
  return { source: `${json.name}@${json.version}`, version, types: json.types, classes };
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The Terraform name: the registry anchor of the property's docs, else its snake case. */
function terraformName(property: JsiiProperty): string {
  const text = `${property.docs?.summary ?? ""} ${property.docs?.remarks ?? ""}`;
  const anchor = /#([a-z0-9_]+) [A-Za-z0-9]+#/.exec(text)?.[1];
  return anchor ?? snake(property.name);
}

function withoutResolvable(ref: JsiiTypeRef): JsiiTypeRef[] {
  return ref.union ? ref.union.types.filter((t) => t.fqn !== "cdktf.IResolvable") : [ref];
}

function primitiveType(ref: JsiiTypeRef): string | undefined {
  const [only] = withoutResolvable(ref);
  if (!only) return undefined;
  if (only.primitive) {
    return only.primitive === "boolean"
      ? "bool"
      : only.primitive === "any"
        ? "any"
        : only.primitive;
  }
  const element = only.collection && primitiveType(only.collection.elementtype);
  if (only.collection && element) {
    return `${only.collection.kind === "array" ? "list" : "map"}(${element})`;
  }
  return undefined;
}

/** The struct a block property holds, and whether it may appear once only. */
function blockStruct(ref: JsiiTypeRef): { fqn: string; maxOne: boolean } | undefined {
  for (const t of withoutResolvable(ref)) {
    if (t.fqn) return { fqn: t.fqn, maxOne: true };
    const element = t.collection?.elementtype;
    if (t.collection?.kind === "array" && element?.fqn) return { fqn: element.fqn, maxOne: false };
  }
  return undefined;
}

function isBlock(property: JsiiProperty): boolean {
  return /^\w+ block\.$/.test(property.docs?.summary ?? "");
}

function structSchema(assembly: Assembly, fqn: string, depth = 0): BlockSchema {
  const struct = assembly.types[fqn];
  if (!struct || depth > 12) {
    throw new Error(`struct ${fqn} not found in the assembly`);
  }
  const args: Record<string, ArgumentSchema> = {};
  const blocks: Record<string, BlockSchema> = {};
  for (const property of struct.properties ?? []) {
    const name = terraformName(property);
    const nestedStruct = isBlock(property) ? blockStruct(property.type) : undefined;
    if (nestedStruct) {
      blocks[name] = {
        ...structSchema(assembly, nestedStruct.fqn, depth + 1),
        ...(nestedStruct.maxOne ? { max_one: true } : {}),
        ...(property.optional ? {} : { required: true }),
      };
      continue;
    }
    args[name] = {
      type: primitiveType(property.type) ?? "any",
      ...(property.optional ? {} : { required: true }),
    };
  }
  return { arguments: sortKeys(args), blocks: sortKeys(blocks) };
}

/** The terraform meta-arguments cdktf puts into every Config: not the provider's. */
const META = new Set(["count", "depends_on", "for_each", "lifecycle", "provider", "provisioners"]);

function typeSchema(assembly: Assembly, kind: "resource" | "data", name: string): TypeSchema {
  const classFqn = assembly.classes.get(`${kind}:${name}`);
  const config = classFqn && assembly.types[`${classFqn}Config`];
  const cls = classFqn && assembly.types[classFqn];
  if (!classFqn || !config || !cls) {
    throw new Error(`${kind} ${name} is not in hashicorp/aws ${assembly.version}`);
  }
  const schema = structSchema(assembly, config.fqn);
  for (const meta of META) {
    delete schema.arguments[meta];
  }
  const computed = new Set<string>();
  for (const property of cls.properties ?? []) {
    const name = terraformName(property);
    if (
      !property.static &&
      !property.name.endsWith("Input") &&
      !(name in schema.arguments) &&
      !(name in schema.blocks)
    ) {
      computed.add(name);
    }
  }
  return { ...schema, computed: [...computed].sort() };
}

/** Every argument and block path of a schema: `a`, `b`, `b.c`. */
function paths(block: BlockSchema, prefix = ""): string[] {
  return [
    ...Object.keys(block.arguments).map((a) => `${prefix}${a}`),
    ...Object.entries(block.blocks).flatMap(([b, nested]) => [
      `${prefix}${b}`,
      ...paths(nested, `${prefix}${b}.`),
    ]),
  ];
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * JSON as Biome formats it (2 spaces, 100 columns): a leaf object or a list of strings on one line
 * when it fits, so that the file is small, diffs read well and `biome check` passes unchanged.
 */
function formatJson(value: unknown, indent = 0, key = ""): string {
  const pad = " ".repeat(indent);
  const head = `${pad}${key ? `${JSON.stringify(key)}: ` : ""}`;
  const inline = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(inline).join(", ")}]`
      : typeof v === "object" && v !== null
        ? Object.keys(v).length === 0
          ? "{}"
          : `{ ${Object.entries(v)
              .map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`)
              .join(", ")} }`
        : JSON.stringify(v);
  const leaf =
    typeof value !== "object" ||
    value === null ||
    Object.values(value).every((v) => typeof v !== "object" || v === null) ||
    Object.keys(value).length === 0;
  if (leaf && `${head}${inline(value)},`.length <= 100) {
    return `${head}${inline(value)}`;
  }
  const entries = Array.isArray(value)
    ? value.map((v) => formatJson(v, indent + 2))
    : Object.entries(value as object).map(([k, v]) => formatJson(v, indent + 2, k));
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${head}${open}\n${entries.join(",\n")}\n${pad}${close}`;
}

async function main(): Promise<void> {
  const [currentFile, baselineFile] = process.argv.slice(2);
  if (!currentFile) {
    throw new Error("usage: extract-provider-schema.ts <current .jsii> [<baseline .jsii>]");
  }
  const started = performance.now();
  const current = await readAssembly(currentFile);
  const baseline = baselineFile ? await readAssembly(baselineFile) : undefined;
  const moduleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const mod = await loadModule(moduleDir);
  const wanted = new Set(EXTRA_TYPES.map(([kind, name]) => `${kind}:${name}`));
  for (const kind of ["resource", "data"] as const) {
    const byType = mod.json[kind];
    for (const name of Object.keys(typeof byType === "object" && byType ? byType : {})) {
      wanted.add(`${kind}:${name}`);
    }
  }
  const out: ProviderSchema = {
    provider: "hashicorp/aws",
    version: current.version,
    extracted_from: current.source,
    ...(baseline ? { baseline_version: baseline.version } : {}),
    resource: {},
    data: {},
  };
  for (const key of [...wanted].sort()) {
    const [kind, name] = key.split(":") as ["resource" | "data", string];
    const schema = typeSchema(current, kind, name);
    if (baseline) {
      const known = baseline.classes.has(key)
        ? new Set(paths(typeSchema(baseline, kind, name)))
        : new Set<string>();
      const added = paths(schema).filter((p) => !known.has(p));
      if (added.length > 0) {
        schema.added_after_baseline = added.sort();
      }
    }
    out[kind][name] = schema;
  }
  await writeFile(PROVIDER_SCHEMA_PATH, `${formatJson(out)}\n`);
  const ms = Math.round(performance.now() - started);
  console.log(
    `wrote ${path.relative(process.cwd(), PROVIDER_SCHEMA_PATH)}: hashicorp/aws ${current.version}, ${wanted.size} types, ${ms} ms`,
  );
}

await main();
