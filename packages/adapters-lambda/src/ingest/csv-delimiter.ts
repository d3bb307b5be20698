/** The delimiters a catalogue file may use: Excel writes `;` where the decimal mark is a comma. */
export type CsvDelimiter = "," | ";" | "\t";

const CANDIDATES: readonly CsvDelimiter[] = [",", ";", "\t"];
const COLUMNS = 4;

/**
 * The delimiter of a file, from its first line that is not blank (the header or a data row):
 * the one that splits it into the four columns, else the one it holds most often; a comma when
 * in doubt. Quoted text is not counted, so a `;` inside a quoted name cannot decide.
 */
export function detectDelimiter(line: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char as CsvDelimiter)) {
      counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
    }
  }
  const exact = CANDIDATES.find((c) => counts.get(c) === COLUMNS - 1);
  if (exact !== undefined) return exact;
  let best: CsvDelimiter = ",";
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}
