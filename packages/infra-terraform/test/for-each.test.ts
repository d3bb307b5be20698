/** The loader plans what a module iterates the way Terraform would, and leaves the rest alone. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModule, resources, type TfModule } from "./load-module.ts";

const HCL = `
locals {
  things = jsondecode(file("\${path.module}/things.json"))
  sizes  = { small = 1, large = var.large }
}

resource "aws_x" "thing" {
  for_each = local.things

  name = "\${var.prefix}-\${each.key}"
  ref  = aws_y.other[each.key].arn
  size = local.sizes[each.value.size]
  tags = each.value.tags

  dynamic "rule" {
    for_each = each.value.rules
    content {
      id     = "\${each.key}-\${rule.key}"
      action = rule.value
    }
  }

  dynamic "maybe" {
    for_each = var.on ? [1] : []
    content {
      value = maybe.value
    }
  }
}

resource "aws_x" "unplanned" {
  for_each = toset(var.names)
  name     = each.key
}
`;

const THINGS = {
  a: { size: "small", tags: { team: "one" }, rules: ["allow", "deny"] },
  b: { size: "large", tags: {}, rules: [] },
};

let dir: string;
let mod: TfModule;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "movies-tf-for-each-"));
  await writeFile(path.join(dir, "main.tf"), HCL);
  await writeFile(path.join(dir, "things.json"), JSON.stringify(THINGS));
  mod = await loadModule(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("for_each, each and dynamic blocks", () => {
  it("plans one instance per entry of a JSON file read with jsondecode(file())", () => {
    const names = resources(mod, "aws_x").map((r) => r.name);
    expect(names).toEqual(['thing["a"]', 'thing["b"]', "unplanned"]);
  });

  it("puts each.key and each.value in templates, indexes and whole values", () => {
    const a = resources(mod, "aws_x").find((r) => r.name === 'thing["a"]')?.block;
    expect(a?.["name"]).toBe(`\${var.prefix}-a`);
    expect(a?.["ref"]).toBe(`\${aws_y.other["a"].arn}`);
    expect(a?.["size"]).toBe(1);
    expect(a?.["tags"]).toEqual({ team: "one" });
    const b = resources(mod, "aws_x").find((r) => r.name === 'thing["b"]')?.block;
    expect(b?.["size"]).toBe(`\${var.large}`);
  });

  it("turns a dynamic block it can evaluate into blocks, and keeps the others as written", () => {
    const a = resources(mod, "aws_x").find((r) => r.name === 'thing["a"]')?.block;
    expect(a?.["rule"]).toEqual([
      { id: "a-0", action: "allow" },
      { id: "a-1", action: "deny" },
    ]);
    const b = resources(mod, "aws_x").find((r) => r.name === 'thing["b"]')?.block;
    expect(b?.["rule"]).toBeUndefined();
    expect(a?.["dynamic"]).toEqual({
      maybe: [{ for_each: `\${var.on ? [1] : []}`, content: [{ value: `\${maybe.value}` }] }],
    });
  });

  it("leaves a block whose for_each it cannot evaluate as written", () => {
    const unplanned = resources(mod, "aws_x").find((r) => r.name === "unplanned")?.block;
    expect(unplanned?.["name"]).toBe(`\${each.key}`);
  });
});
