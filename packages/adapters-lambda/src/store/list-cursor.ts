import { createHash } from "node:crypto";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { ValidationError } from "@movies/domain";
import { TABLE_KEY } from "./table.ts";

/**
 * The listing's opaque cursor: the table key a page ended on, as base64url JSON, and a check
 * value over it, so a cursor that was cut, edited or taken from another list is refused as a
 * client's mistake (400) before it reaches DynamoDB, instead of failing there (a 5xx).
 */
const TAG = "movies-list-cursor-v1";
const CHECK_LENGTH = 16;

type Key = Record<string, AttributeValue>;

export function encodeCursor(key: Key): string {
  const payload = Buffer.from(
    JSON.stringify([key[TABLE_KEY.pk]?.S, key[TABLE_KEY.sk]?.S]),
  ).toString("base64url");
  return `${payload}.${check(payload)}`;
}

export function decodeCursor(cursor: string): Key {
  const [payload = "", checked, ...rest] = cursor.split(".");
  if (rest.length === 0 && checked === check(payload)) {
    const key = parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (key !== undefined) return key;
  }
  throw new ValidationError([{ field: "cursor", message: "is not a cursor this list gave out" }]);
}

function check(payload: string): string {
  return createHash("sha256")
    .update(`${TAG}:${payload}`)
    .digest("base64url")
    .slice(0, CHECK_LENGTH);
}

function parse(json: string): Key | undefined {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [pk, sk] = value;
    if (typeof pk !== "string" || typeof sk !== "string" || pk === "" || sk === "")
      return undefined;
    return { [TABLE_KEY.pk]: { S: pk }, [TABLE_KEY.sk]: { S: sk } };
  } catch {
    return undefined;
  }
}
