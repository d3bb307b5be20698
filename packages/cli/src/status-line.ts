/** Where status lines go: stderr, so stdout keeps only the result a script reads. */
export interface StatusStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface StatusLine {
  /**
   * Shows progress. A terminal redraws one line in place; anything else (CI, a pipe, a log)
   * gets a new line at most every `intervalMs`, unless `important` (a new stage) says now.
   */
  show(text: string, important?: boolean): void;
  /** A line that stays: a stage ended, or the final outcome. */
  note(text: string): void;
}

export function statusLine(
  stream: StatusStream,
  options: { intervalMs?: number; now?: () => number } = {},
): StatusLine {
  const interval = options.intervalMs ?? 5000;
  const now = options.now ?? Date.now;
  const live = stream.isTTY === true;
  let shown = "";
  let shownAt = Number.NEGATIVE_INFINITY;
  return {
    show(text, important = false) {
      if (text === shown) return;
      if (live) {
        stream.write(`\r\x1b[2K${text}`);
      } else {
        if (!important && now() - shownAt < interval) return;
        stream.write(`${text}\n`);
        shownAt = now();
      }
      shown = text;
    },
    note(text) {
      stream.write(live ? `\r\x1b[2K${text}\n` : `${text}\n`);
      shown = "";
    },
  };
}
