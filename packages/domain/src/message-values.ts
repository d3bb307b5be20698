import { characterKind } from "./characters.ts";

// Error messages echo the offending value so a person can find it in their file, but a value can be
// arbitrarily long (a 16 KiB body, a runaway CSV field), so what is echoed is cut short.
const MAX_ECHOED_LENGTH = 40;

/**
 * `value` as a JSON string literal, shortened to a readable length. Characters a reader could not
 * see or that would disturb the message (controls, bidi overrides, zero-width ones) are escaped
 * as `\uXXXX`, as JSON already does for C0 controls.
 */
export function quote(value: string): string {
  const literal = JSON.stringify(
    value.length > MAX_ECHOED_LENGTH ? `${value.slice(0, MAX_ECHOED_LENGTH)}…` : value,
  );
  let shown = "";
  for (const char of literal) {
    const code = char.codePointAt(0) as number;
    if (characterKind(code) === undefined) shown += char;
    else for (let i = 0; i < char.length; i++) shown += `\\u${hex4(char.charCodeAt(i))}`;
  }
  return shown;
}

function hex4(unit: number): string {
  return unit.toString(16).padStart(4, "0");
}

/** What a person would call the JSON type of `value`. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `value` described for a message about a field that has the wrong type. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return `string ${quote(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeName(value);
}

/** A plain JSON-like object, as opposed to `null`, an array or a primitive. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
