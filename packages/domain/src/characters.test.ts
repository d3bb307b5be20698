import { describe, expect, it } from "vitest";
import { characterKind, codePointLabel } from "./characters.ts";

/** Test rows named `U+XXXX what it is`, with the code point. */
function named(rows: readonly (readonly [number, string])[]): [string, number][] {
  return rows.map(([code, name]) => [
    `U+${code.toString(16).toUpperCase().padStart(4, "0")} (${name})`,
    code,
  ]);
}

describe("characterKind", () => {
  it.each(
    named([
      [0x00, "NUL"],
      [0x08, "backspace"],
      [0x0b, "vertical tab"],
      [0x1b, "ESC"],
      [0x1f, "the last C0 control"],
      [0x7f, "DEL"],
      [0x80, "the first C1 control"],
      [0x85, "next line"],
      [0x9f, "the last C1 control"],
    ]),
  )("calls %s a control", (_, code) => {
    expect(characterKind(code)).toBe("control");
  });

  it.each(
    named([
      [0x09, "tab"],
      [0x0a, "line feed"],
      [0x0d, "carriage return"],
      [0x20, "space"],
      [0x41, "A"],
      [0x7e, "~"],
      [0xa0, "no-break space"],
      [0xe9, "é"],
      [0xac, "not sign, before the soft hyphen"],
      [0xae, "registered sign, after it"],
      [0x34e, "a combining mark before the grapheme joiner"],
      [0x61b, "Arabic semicolon, before ALM"],
      [0x115e, "a Hangul letter before the fillers"],
      [0x1161, "a Hangul letter after them"],
      [0x17b3, "a Khmer letter before its invisible vowels"],
      [0x17b6, "a Khmer vowel sign after them"],
      [0x200a, "hair space, before the zero-width space"],
      [0x2010, "hyphen, after RLM"],
      [0x2029, "paragraph separator, before the embeddings"],
      [0x202f, "narrow no-break space, after the overrides"],
      [0x205f, "medium mathematical space, before the word joiner"],
      [0x206a, "after the isolates"],
      [0x3163, "a Hangul letter before the filler"],
      [0xfdff, "before the variation selectors"],
      [0xfe10, "after them"],
      [0xffa1, "a halfwidth Hangul letter"],
      [0xfffc, "object replacement character, after the annotations"],
      [0x1f600, "an emoji"],
      [0xe0000, "before the language tag"],
      [0xe0002, "after it"],
      [0xe0080, "after the tags"],
      [0xe00ff, "before the supplementary variation selectors"],
      [0xe01f0, "after them"],
    ]),
  )("calls %s ordinary", (_, code) => {
    expect(characterKind(code)).toBeUndefined();
  });

  it.each(
    named([
      [0x202a, "LRE, the first embedding"],
      [0x202e, "RLO, the last override"],
      [0x2066, "LRI, the first isolate"],
      [0x2069, "PDI, the last"],
    ]),
  )("calls %s a bidi override or isolate", (_, code) => {
    expect(characterKind(code)).toBe("bidi");
  });

  it.each(
    named([
      [0xad, "soft hyphen"],
      [0x34f, "combining grapheme joiner"],
      [0x61c, "ALM"],
      [0x115f, "Hangul choseong filler"],
      [0x1160, "Hangul jungseong filler"],
      [0x17b4, "Khmer vowel inherent AQ"],
      [0x17b5, "Khmer vowel inherent AA"],
      [0x180e, "Mongolian vowel separator"],
      [0x200b, "zero-width space"],
      [0x200f, "RLM"],
      [0x2060, "word joiner"],
      [0x2064, "invisible plus"],
      [0x3164, "Hangul filler"],
      [0xfe00, "the first variation selector"],
      [0xfe0f, "the last one"],
      [0xfeff, "byte order mark"],
      [0xffa0, "halfwidth Hangul filler"],
      [0xfff9, "the first interlinear annotation character"],
      [0xfffa, "the second"],
      [0xfffb, "the last"],
      [0xe0001, "language tag"],
      [0xe0020, "the first tag"],
      [0xe007f, "cancel tag"],
      [0xe0100, "the first supplementary variation selector"],
      [0xe01ef, "the last one"],
    ]),
  )("calls %s invisible", (_, code) => {
    expect(characterKind(code)).toBe("invisible");
  });
});

describe("codePointLabel", () => {
  it.each([
    [0x0, "U+0000"],
    [0xad, "U+00AD"],
    [0x202e, "U+202E"],
    [0xe0001, "U+E0001"],
  ])("labels code point %i as %s", (code, label) => {
    expect(codePointLabel(code)).toBe(label);
  });
});
