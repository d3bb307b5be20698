/**
 * Expands what the module iterates, as `terraform plan` would, so that the checks read each
 * function's role, route and permission as a block of its own. It evaluates only what the module
 * writes: a `for_each` (resource, data source or `dynamic` block) that is a local, an index or
 * attribute into one, or `each.value...`; a local that is a literal or
 * `jsondecode(file("${path.module}/<file>"))`; and the traversals of `each` and of a dynamic
 * block's iterator. Every other expression stays the `${...}` string hcl2json gives.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { HclObject } from "./load-module.ts";

type Json = Record<string, unknown>;

/** Iterator name (`each`, or a dynamic block's label) -> its current key and value. */
type Scope = ReadonlyMap<string, { readonly key: unknown; readonly value: unknown }>;

const isJson = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `.name`, `["key"]` or `[0]`, repeated. */
const STEPS = String.raw`(?:\.[A-Za-z_][\w-]*|\[(?:"[^"]*"|\d+)\])*`;
const ITERATOR = new RegExp(String.raw`(?<![\w.])([A-Za-z_]\w*)\.(key|value)(${STEPS})`, "g");
const WHOLE_ITERATOR = new RegExp(String.raw`^\$\{([A-Za-z_]\w*)\.(key|value)(${STEPS})\}$`);
const INTERPOLATED_ITERATOR = new RegExp(
  String.raw`\$\{([A-Za-z_]\w*)\.(key|value)(${STEPS})\}`,
  "g",
);
const WHOLE_LOCAL = new RegExp(String.raw`^\$\{local\.([A-Za-z_][\w-]*)(${STEPS})\}$`);
const JSON_FILE = /^\$\{jsondecode\(file\("\$\{path\.module\}\/([^"]+)"\)\)\}$/;

/** Follows `.a["b"][0]` into a value; undefined where it does not lead anywhere. */
function follow(value: unknown, steps: string): unknown {
  let current = value;
  for (const [, name, key, index] of steps.matchAll(/\.([\w-]+)|\["([^"]*)"\]|\[(\d+)\]/g)) {
    const step = name ?? key;
    if (step !== undefined && isJson(current)) {
      current = current[step];
    } else if (index !== undefined && Array.isArray(current)) {
      current = current[Number(index)];
    } else {
      return undefined;
    }
  }
  return current;
}

const isPrimitive = (value: unknown): value is string | number | boolean =>
  ["string", "number", "boolean"].includes(typeof value);

class Evaluator {
  private readonly locals = new Map<string, unknown>();
  private readonly dir: string;
  private readonly written: Json;

  constructor(dir: string, written: Json) {
    this.dir = dir;
    this.written = written;
  }

  /** Reads every local, decoding the JSON files the module reads with jsondecode(file(...)). */
  async load(): Promise<void> {
    const blocks = this.written["locals"];
    for (const block of Array.isArray(blocks) ? blocks.filter(isJson) : []) {
      for (const [name, value] of Object.entries(block)) {
        const file = typeof value === "string" ? JSON_FILE.exec(value)?.[1] : undefined;
        const decoded = file
          ? JSON.parse(await readFile(path.join(this.dir, file), "utf8"))
          : value;
        this.locals.set(name, decoded);
      }
    }
  }

  /** The value of a local looked into (`local.x.y`, `local.x["k"]`), or of any local if `whole`. */
  private local(text: string, whole: boolean): unknown {
    const match = WHOLE_LOCAL.exec(text);
    if (!match?.[1] || (!whole && !match[2]) || !this.locals.has(match[1])) {
      return undefined;
    }
    return follow(this.locals.get(match[1]), match[2] ?? "");
  }

  private iterator(scope: Scope, name: string, part: string, steps: string): unknown {
    const entry = scope.get(name);
    return entry && follow(part === "key" ? entry.key : entry.value, steps);
  }

  /** One string with the scope's iterators replaced; a whole-value reference gives that value. */
  private substitute(text: string, scope: Scope): unknown {
    const whole = WHOLE_ITERATOR.exec(text);
    if (whole?.[1] && whole[2] && scope.has(whole[1])) {
      const value = this.iterator(scope, whole[1], whole[2], whole[3] ?? "");
      return value === undefined ? text : value;
    }
    const replace =
      (render: (value: string | number | boolean) => string) =>
      (match: string, name: string, part: string, steps: string) => {
        const value = scope.has(name) ? this.iterator(scope, name, part, steps) : undefined;
        return isPrimitive(value) ? render(value) : match;
      };
    const interpolated = text.replace(INTERPOLATED_ITERATOR, replace(String));
    const replaced = interpolated.replace(
      ITERATOR,
      replace((v) => JSON.stringify(v)),
    );
    const local = replaced === text ? undefined : this.local(replaced, false);
    return local === undefined ? replaced : local;
  }

  /** A value with the scope's iterators replaced, everywhere in it. */
  private deep(value: unknown, scope: Scope): unknown {
    if (typeof value === "string") {
      return this.substitute(value, scope);
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.deep(item, scope));
    }
    if (isJson(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v, scope)]));
    }
    return value;
  }

  /** What a for_each iterates, as [key, value] pairs; undefined when it cannot be evaluated. */
  private entries(forEach: unknown, scope: Scope): Array<[unknown, unknown]> | undefined {
    let value = this.deep(forEach, scope);
    if (typeof value === "string") {
      value = this.local(value, true);
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => [index, item]);
    }
    return isJson(value) ? Object.entries(value) : undefined;
  }

  /** A block with the scope applied and its evaluable dynamic blocks turned into blocks. */
  block(block: Json, scope: Scope): Json {
    const { dynamic, ...rest } = block;
    const out = this.deep(rest, scope) as Json;
    for (const [key, value] of Object.entries(out)) {
      if (Array.isArray(value) && value.every(isJson) && key !== "for_each") {
        out[key] = value.map((nested) => this.block(nested, scope));
      }
    }
    const left: Json = {};
    for (const [label, generators] of Object.entries(isJson(dynamic) ? dynamic : {})) {
      for (const generator of Array.isArray(generators) ? generators.filter(isJson) : []) {
        const entries = this.entries(generator["for_each"], scope);
        const contents = Array.isArray(generator["content"]) ? generator["content"] : [];
        if (!entries) {
          left[label] = [...((left[label] as unknown[]) ?? []), generator];
          continue;
        }
        const made = entries.flatMap(([key, value]) => {
          const inner = new Map(scope).set(label, { key, value });
          return contents.filter(isJson).map((content) => this.block(content, inner));
        });
        if (made.length > 0) {
          out[label] = [...((out[label] as unknown[]) ?? []), ...made];
        }
      }
    }
    if (Object.keys(left).length > 0) {
      out["dynamic"] = left;
    }
    return out;
  }

  /** `name` -> its instances `name["key"]`, or itself when it has no evaluable for_each. */
  instances(name: string, block: Json): Array<[string, Json]> {
    const entries = "for_each" in block ? this.entries(block["for_each"], new Map()) : undefined;
    if (!entries) {
      return [[name, this.block(block, new Map())]];
    }
    return entries.map(([key, value]) => [
      `${name}[${JSON.stringify(key)}]`,
      this.block(block, new Map([["each", { key, value }]])),
    ]);
  }
}

/** The module's resources and data sources with their for_each and dynamic blocks expanded. */
export async function expandForEach(dir: string, json: HclObject): Promise<HclObject> {
  const evaluator = new Evaluator(dir, json as Json);
  await evaluator.load();
  const out: Json = { ...json };
  for (const kind of ["resource", "data"]) {
    const byType = json[kind];
    if (!isJson(byType)) {
      continue;
    }
    out[kind] = Object.fromEntries(
      Object.entries(byType).map(([type, byName]) => [
        type,
        Object.fromEntries(
          Object.entries(isJson(byName) ? byName : {}).flatMap(([name, blocks]) => {
            const block = Array.isArray(blocks) ? blocks[0] : undefined;
            return isJson(block)
              ? evaluator.instances(name, block).map(([n, b]) => [n, [b]])
              : [[name, blocks]];
          }),
        ),
      ]),
    );
  }
  return out;
}
