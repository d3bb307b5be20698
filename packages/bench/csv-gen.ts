import { once } from "node:events";
import { createWriteStream } from "node:fs";

/**
 * Deterministic, realistic catalogue CSVs for the benchmarks, generated on the fly (never
 * committed). Rows look like IMDb exports: ids `tt` + 7 digits, names of 5 to 60 characters with
 * some commas, doubled quotes and non-ASCII letters, real country names (a few needing quotes)
 * and existing dates. About 1% of rows repeat an earlier id and 0.2% carry an impossible date,
 * so the duplicate and reject paths run too. The same seed and size give the same bytes.
 */

export interface CsvSize {
  /** Stop after this many data rows... */
  readonly rows?: number;
  /** ...or once the file reaches this many bytes (whichever is given). */
  readonly bytes?: number;
}

export interface GeneratedCsv {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** Rows whose id an earlier row already had. */
  readonly duplicates: number;
  /** Rows with an impossible date. */
  readonly invalid: number;
}

export const DEFAULT_SEED = 0x5eed_2026;

/** sfc32: small, fast, and good enough to make varied rows; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

const WORDS =
  "The Last Night of a Dark Star Return King Love War City River Ghost Summer Winter House Road Blue Red Silent Lost Dream Iron Golden Secret Girl Man Heart Storm Moon Sun Shadow Empire Amélie Café Über Señor Noël Zoë Mañana Smørrebrød Ça Déjà Vu Сталкер Солярис 千と千尋 神隠し 올드보이 Λόγος Ρόδος Ömer Łódź".split(
    " ",
  );
const COUNTRIES = [
  "United States",
  "United Kingdom",
  "France",
  "Germany",
  "Japan",
  "India",
  "Italy",
  "Spain",
  "Canada",
  "Australia",
  "Brazil",
  "Mexico",
  "South Korea",
  "China",
  "Sweden",
  "Denmark",
  "Argentina",
  "Nigeria",
  "Iran",
  "Türkiye",
  "Česko",
  "España",
  "Deutschland",
  "日本",
  "Korea, Republic of",
  "Congo, Democratic Republic of the",
  "Bolivia, Plurinational State of",
];
// Multiplier coprime to 10^7: i -> (i * A + B) mod 10^7 visits every 7-digit id once.
const ID_SPACE = 10_000_000;
const ID_MULTIPLIER = 7_368_787;
const ID_OFFSET = 1_234_567;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function movieName(random: () => number): string {
  const target = 5 + Math.floor(random() * 56);
  let name = "";
  while (name.length < target) {
    const word = WORDS[Math.floor(random() * WORDS.length)] as string;
    name = name.length === 0 ? word : `${name} ${word}`;
  }
  name = name.slice(0, target).trimEnd();
  if (name.length < 5) name = name.padEnd(5, "x");
  const decoration = random();
  if (decoration < 0.04) name = `${name}, Part ${1 + Math.floor(random() * 4)}`;
  else if (decoration < 0.06) name = `The "${name}"`;
  return name;
}

function releaseDate(random: () => number, invalid: boolean): string {
  const year = 1900 + Math.floor(random() * 126);
  const month = 1 + Math.floor(random() * 12);
  const day = invalid ? 30 : 1 + Math.floor(random() * 28);
  return `${year}-${String(invalid ? 2 : month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function movieId(index: number): string {
  const n = (index * ID_MULTIPLIER + ID_OFFSET) % ID_SPACE;
  return `tt${String(n).padStart(7, "0")}`;
}

/** Writes a CSV of the given size to `path`. */
export async function writeCatalogueCsv(
  path: string,
  size: CsvSize,
  seed = DEFAULT_SEED,
): Promise<GeneratedCsv> {
  const maxRows = size.rows ?? Number.POSITIVE_INFINITY;
  const maxBytes = size.bytes ?? Number.POSITIVE_INFINITY;
  if (maxRows === Number.POSITIVE_INFINITY && maxBytes === Number.POSITIVE_INFINITY) {
    throw new Error("writeCatalogueCsv needs rows or bytes");
  }
  const random = seededRandom(seed);
  const out = createWriteStream(path);
  let rows = 0;
  let bytes = 0;
  let duplicates = 0;
  let invalid = 0;
  let distinct = 0;
  let chunk = "";
  while (rows < maxRows && bytes < maxBytes) {
    let id: string;
    if (distinct > 0 && random() < 0.01) {
      id = movieId(Math.floor(random() * distinct));
      duplicates++;
    } else {
      id = movieId(distinct++);
    }
    const bad = random() < 0.002;
    if (bad) invalid++;
    const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)] as string;
    const line = `${id},${csvField(movieName(random))},${csvField(country)},${releaseDate(random, bad)}\n`;
    chunk += line;
    bytes += Buffer.byteLength(line);
    rows++;
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
  return { path, rows, bytes, duplicates, invalid };
}
