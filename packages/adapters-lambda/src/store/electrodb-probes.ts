/**
 * What the fast paths (movie-info-items.ts, movie-query.ts) share to read ElectroDB's own output
 * for two probe ids: the ids, how a key value is made from an id, and the refusal when a shape
 * cannot be reproduced.
 */

/** ElectroDB's output is not a shape a fast path can reproduce; the fast path refuses to exist. */
export class ItemShapeError extends Error {
  override readonly name = "ItemShapeError";
}

/** Two movie ids in mixed letter cases, so a lowercased key and a kept one never both match. */
export const PROBE_IDS = ["Probe.Id-1_A", "pROBE.iD-2_b"] as const;

/** A key value: a constant prefix, then the movie id, lowercased when ElectroDB lowercases keys. */
export interface KeyTemplate {
  readonly prefix: string;
  readonly lower: boolean;
}

/** The template that turns the probe ids into `a` and `b`, if there is one. */
export function keyTemplateOf(a: string, b: string): KeyTemplate | undefined {
  for (const lower of [false, true]) {
    const [idA, idB] = PROBE_IDS.map((id) => (lower ? id.toLowerCase() : id)) as [string, string];
    const prefix = a.slice(0, a.length - idA.length);
    if (a === prefix + idA && b === prefix + idB && (!lower || prefix === prefix.toLowerCase())) {
      return { prefix, lower };
    }
  }
  return undefined;
}

/** The key value of `movieId` under a template. */
export function keyBuilder({ prefix, lower }: KeyTemplate): (movieId: string) => string {
  return lower ? (id) => prefix + id.toLowerCase() : (id) => prefix + id;
}
