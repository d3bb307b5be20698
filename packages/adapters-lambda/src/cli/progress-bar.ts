const WIDTH = 30;

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

/**
 * A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal,
 * so scripts and logs get only the final result.
 */
export function progressBar(label: string, total: number) {
  const stream = process.stderr;
  const enabled = stream.isTTY === true;
  let lastDrawn = -1;
  return {
    update(done: number) {
      if (!enabled || total <= 0) return;
      const percent = Math.min(100, Math.floor((done / total) * 100));
      if (percent === lastDrawn) return;
      lastDrawn = percent;
      const filled = Math.round((percent / 100) * WIDTH);
      stream.write(
        `\r${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${percent}% ` +
          `${megabytes(done)}/${megabytes(total)} MB`,
      );
    },
    done(message: string) {
      if (enabled) stream.write("\r\x1b[2K");
      stream.write(`${message}\n`);
    },
  };
}
