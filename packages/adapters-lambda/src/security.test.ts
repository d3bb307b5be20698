/*
 * No credentials and no AWS account ids in the repository: every file git tracks (or would
 * track: new files not ignored) is scanned for AWS access key ids, secret access keys, private
 * keys, provider credentials in Terraform, and 12-digit numbers that could be account ids. The
 * only account id allowed is the documented local placeholder 000000000000.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const REPO = execFileSync("git", ["rev-parse", "--show-toplevel"], {
  cwd: fileURLToPath(new URL(".", import.meta.url)),
  encoding: "utf8",
}).trim();

const LOCAL_ACCOUNT_PLACEHOLDER = "000000000000";

/**
 * 12-digit numbers that are not account ids, each with the reason. Keep it short: a real account
 * id belongs in a variable or in `data.aws_caller_identity`, never in a file.
 */
const NOT_ACCOUNT_IDS: ReadonlyArray<{ file: string; value: string; reason: string }> = [
  {
    file: "packages/domain/src/seen-movie-ids.test.ts",
    value: ["0123", "45678901"].join(""),
    reason: "a 12-character movie id of a hashing test",
  },
];

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly text: string;
}

const RULES: ReadonlyArray<{ rule: string; pattern: RegExp; files?: RegExp }> = [
  { rule: "AWS access key id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b/g },
  {
    rule: "AWS secret access key",
    pattern:
      /(?:aws_?secret_?access_?key|secret_?access_?key|secretAccessKey)["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
  },
  { rule: "private key", pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g },
  {
    rule: "credentials in Terraform",
    pattern: /^\s*(?:access_key|secret_key|token|profile|shared_credentials_files?)\s*=/gm,
    files: /\.tf$/,
  },
  { rule: "AWS account id", pattern: /(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/g },
];

function findSecrets(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const { rule, pattern, files } of RULES) {
    if (files && !files.test(file)) continue;
    for (const match of text.matchAll(pattern)) {
      const value = match[0];
      if (rule === "AWS account id") {
        if (value === LOCAL_ACCOUNT_PLACEHOLDER) continue;
        if (NOT_ACCOUNT_IDS.some((known) => known.file === file && known.value === value)) continue;
      }
      const line = text.slice(0, match.index).split("\n").length;
      findings.push({ file, line, rule, text: value.slice(0, 60) });
    }
  }
  return findings;
}

function repositoryFiles(): string[] {
  return execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: REPO,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((file) => file.length > 0);
}

describe("no credentials or account ids in the repository", () => {
  test("the scanner finds each kind of secret it looks for", () => {
    // Built from parts, so that this file does not hold what it looks for.
    const key = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
    const secret = ["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"].join("");
    const account = ["1234", "5678", "9012"].join("");
    const samples = [
      `const credentials = { accessKeyId: "${key}" };`,
      `aws_secret_access_key = ${secret}`,
      `-----BEGIN ${"RSA "}PRIVATE KEY-----`,
      `role = "arn:aws:iam::${account}:role/x"`,
    ];
    expect(samples.flatMap((text) => findSecrets("x.ts", text)).map((f) => f.rule)).toEqual([
      "AWS access key id",
      "AWS secret access key",
      "private key",
      "AWS account id",
    ]);
    expect(findSecrets("main.tf", '  access_key = "x"').map((f) => f.rule)).toEqual([
      "credentials in Terraform",
    ]);
    expect(
      findSecrets("x.ts", `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT_PLACEHOLDER}:function:f`),
    ).toEqual([]);
    // Longer digit runs (timestamps) and hashes are not account ids.
    expect(findSecrets("x.ts", "1767225600000 sha512-abc123456789012xyz")).toEqual([]);
  });

  test("no tracked file holds one", () => {
    const files = repositoryFiles();
    const findings: Finding[] = [];
    let scanned = 0;
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(REPO, file));
      } catch {
        continue; // deleted in the working tree
      }
      if (bytes.subarray(0, 8000).includes(0)) continue; // binary
      scanned++;
      findings.push(...findSecrets(file, bytes.toString("utf8")));
    }
    expect(findings).toEqual([]);
    expect(scanned).toBeGreaterThan(100);
  });
});
