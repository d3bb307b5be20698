import type { FanOutEvent } from "@movies/adapters-lambda/fan-out";

/**
 * FAULT INJECTION for the fan-out's own checks (the test line's case and the large local run):
 * `invoke` with the first run of chunk `index` failing, as a crashed worker would, and the runs of
 * each chunk counted, so that a check can see the retry took that chunk alone.
 */
export function failChunkOnce<T>(index: number, invoke: (event: FanOutEvent) => Promise<T>) {
  const runs = new Map<number, number>();
  return {
    runs,
    invoke: async (event: FanOutEvent): Promise<T> => {
      if (event.step === "chunk") {
        const run = (runs.get(event.chunk.index) ?? 0) + 1;
        runs.set(event.chunk.index, run);
        if (event.chunk.index === index && run === 1) throw new Error("injected worker fault");
      }
      return invoke(event);
    },
  };
}
