/**
 * Characters a name or country must not hold, or not hold alone, because a person reading it
 * cannot see them or is shown something other than what is stored.
 *
 * - `control`: C0 (U+0000 to U+001F: NUL, ESC, backspace...), DEL (U+007F) and C1 (U+0080 to
 *   U+009F). They end strings early in other systems, colour or move a terminal's cursor, or erase
 *   what was printed before them. Tab, line feed and carriage return are the exception: they are
 *   whitespace, not commands, and a quoted CSV field may hold line breaks (a spreadsheet cell with
 *   two lines exports that way), so a two-line title is kept as it is.
 * - `bidi`: the embeddings and overrides U+202A to U+202E and the isolates U+2066 to U+2069.
 *   They reorder how the text around them is displayed (U+202E shows "evil.exe" as a harmless
 *   name), so what a person sees is not what is stored.
 *   The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) are allowed: they only settle the
 *   direction of neighbouring punctuation and digits, cannot reorder letters, and real
 *   right-to-left titles copied from the web carry them. Alone they are still invisible.
 * - `invisible`: format characters and fillers that draw nothing: soft hyphen, combining
 *   grapheme joiner, zero-width space, non-joiner and joiner, LRM, RLM, ALM, word joiner and the
 *   invisible operators, the byte order mark, variation selectors, Hangul fillers, tags. They are
 *   fine inside visible text (a joiner builds an emoji, a non-joiner shapes Persian), but a value
 *   made of nothing else looks empty.
 */
export type CharacterKind = "control" | "bidi" | "invisible";

/** The kind of the code point `code`, or `undefined` for an ordinary character. */
export function characterKind(code: number): CharacterKind | undefined {
  if (code < 0x20) return code === TAB || code === LF || code === CR ? undefined : "control";
  // Printable ASCII, the common case, after two comparisons.
  if (code < 0x7f) return undefined;
  if (code <= 0x9f) return "control";
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return "bidi";
  if (isInvisible(code)) return "invisible";
  return undefined;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function isInvisible(code: number): boolean {
  return (
    code === 0xad ||
    code === 0x34f ||
    code === 0x61c ||
    code === 0x115f ||
    code === 0x1160 ||
    code === 0x17b4 ||
    code === 0x17b5 ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2060 && code <= 0x2064) ||
    code === 0x3164 ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    code === 0xfeff ||
    code === 0xffa0 ||
    (code >= 0xfff9 && code <= 0xfffb) ||
    code === 0xe0001 ||
    (code >= 0xe0020 && code <= 0xe007f) ||
    (code >= 0xe0100 && code <= 0xe01ef)
  );
}

/** `U+202E`: how a message names a character a person could not see in a quote. */
export function codePointLabel(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
