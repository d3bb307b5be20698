/**
 * One line of figures for docs/reliability.md, printed by the tests that produce them (faults
 * injected, fuzz cases run, races run), so that the document quotes a real run.
 */
export function reportFigures(label: string, figures: Record<string, unknown>): void {
  console.info(`[reliability] ${label}: ${JSON.stringify(figures)}`);
}
