import { hash } from "node:crypto";
import type { Movie, Precondition } from "@movies/domain";

/**
 * The strong ETag of a movie: a hash of its JSON representation, so it changes with every stored
 * value, whoever changed it (a rating write or an ingest's put), and needs no version attribute
 * that an unconditional BatchWriteItem put could not maintain.
 */
export function etagOf(movie: Movie): string {
  return etagOfJson(JSON.stringify(movie));
}

/** The ETag of a movie from its JSON, for a caller that serializes it anyway. */
export function etagOfJson(movieJson: string): string {
  // One-shot hash: no Hash object per movie, which a page of 50 would otherwise feel.
  return `"${hash("sha256", movieJson, "base64url").slice(0, 27)}"`;
}

/** The entity tags of an `If-Match` or `If-None-Match` list; `*` as itself. */
function tagsOf(header: string): string[] {
  return header.match(/\*|(W\/)?"[^"]*"/g) ?? [];
}

/**
 * The write precondition of an `If-Match` header: the stored movie's ETag is one of those
 * listed, compared strongly (a weak tag never matches). `*` or no header: no condition beyond
 * the movie existing, which every write needs anyway.
 */
export function ifMatch(header: string | undefined): Precondition | undefined {
  if (header === undefined) return undefined;
  const tags = tagsOf(header);
  if (tags.includes("*")) return undefined;
  return (current) => tags.includes(etagOf(current));
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as a GET uses it). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return tagsOf(header).some((tag) => tag === "*" || tag.replace(/^W\//, "") === etag);
}
