/**
 * The movie ids an ingest has already accepted, to tell a first row from a duplicate. It is the
 * one structure of an ingest that grows with the number of distinct ids, so it is kept compact:
 * 8 bytes a slot in typed arrays instead of the 60 to 100 bytes a `Set` of strings costs per id
 * (string, hash table entry, and the old-generation headroom the garbage collector keeps).
 *
 * Exactness:
 * - An id of at most 10 characters from the movie id alphabet (`A-Z a-z 0-9 - _ .`, 64
 *   symbols, 6 bits each) is packed into 64 bits as it is: 60 bits of characters and 4 of
 *   length. Two different such ids never share a key, so these are counted exactly. IMDb ids
 *   (`tt` and 7 or 8 digits) are all of this kind.
 * - Any other id (longer, or a string that is not a movie id) is kept as a 64-bit hash in a
 *   table of its own. Two different ids count as one only if their hashes collide; for n such
 *   ids that happens with probability about n² / 2^65: 1e-7 for two million of them, in the
 *   whole ingest. Such a collision would only count one row as a duplicate that is not; every
 *   row is still written.
 */
export interface SeenMovieIds {
  /** Records `movieId`; `true` when it had not been seen before. */
  add(movieId: string): boolean;
  /** Distinct ids recorded. */
  readonly size: number;
  /** Bytes held by the tables (for the benchmarks and tests). */
  readonly bytes: number;
}

export function createSeenMovieIds(): SeenMovieIds {
  const packed = new Set64();
  const hashed = new Set64();
  return {
    add(movieId) {
      // keyOf writes the key into KEY; true when the id was packed exactly.
      const table = keyOf(movieId) ? packed : hashed;
      return table.add(KEY[0] as number, KEY[1] as number);
    },
    get size() {
      return packed.size + hashed.size;
    },
    get bytes() {
      return packed.bytes + hashed.bytes;
    },
  };
}

const MAX_PACKED_LENGTH = 10;

// Movie id characters to 0..63; -1 for anything else.
const SYMBOL = new Int8Array(128).fill(-1);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."].forEach((c, i) => {
  SYMBOL[c.charCodeAt(0)] = i;
});

/** The 64-bit key of the last id `keyOf` saw, as [high, low] 32-bit halves. */
const KEY = new Int32Array(2);

/**
 * Puts the key of `id` in KEY and returns true when it is the exact packing: bits 0 to 59 hold
 * the characters, 6 bits each from the first; bits 60 to 63 the length (1 to 10, never 0, so a
 * key is never 0). Otherwise puts a 64-bit hash there and returns false.
 */
function keyOf(id: string): boolean {
  const length = id.length;
  if (length > 0 && length <= MAX_PACKED_LENGTH) {
    let low = 0;
    let high = 0;
    let i = 0;
    for (; i < length; i++) {
      const code = id.charCodeAt(i);
      const symbol = code < 128 ? (SYMBOL[code] as number) : -1;
      if (symbol < 0) break;
      if (i < 5) low |= symbol << (6 * i);
      else if (i === 5) {
        low |= (symbol & 3) << 30;
        high |= symbol >>> 2;
      } else high |= symbol << (6 * i - 32);
    }
    if (i === length) {
      KEY[0] = high | (length << 28);
      KEY[1] = low;
      return true;
    }
  }
  hash64(id);
  return false;
}

/**
 * Two 32-bit MurmurHash3-style lanes over the UTF-16 units, each with its own seed, cross-mixed
 * at the end: a 64-bit hash whose bits are all well spread. (0, 0) is moved to (0, 1): the table
 * uses 0 for an empty slot.
 */
function hash64(id: string): void {
  let h1 = 0x9747b28c ^ id.length;
  let h2 = 0x5bd1e995 ^ Math.imul(id.length, 0x27d4eb2f);
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i);
    let k1 = Math.imul(unit, 0xcc9e2d51);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), 0x1b873593);
    h1 ^= k1;
    h1 = Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64;
    let k2 = Math.imul(unit ^ 0x7f4a7c15, 0x85ebca6b);
    k2 = Math.imul((k2 << 17) | (k2 >>> 15), 0xc2b2ae35);
    h2 ^= k2;
    h2 = Math.imul((h2 << 11) | (h2 >>> 21), 9) + 0x52dce729;
  }
  h1 = fmix32(h1 ^ h2);
  h2 = fmix32(h2 ^ Math.imul(h1, 0x9e3779b9));
  h1 = fmix32(h1 + h2);
  KEY[0] = h1;
  KEY[1] = h1 === 0 && h2 === 0 ? 1 : h2;
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

// 64 sub-tables, chosen by the top bits of a mix of the key, each an open-addressing table with
// linear probing that doubles on its own: growth never holds two copies of everything at once,
// so memory rises in small steps instead of a doubling spike.
const PARTS_LOG2 = 6;
const PARTS = 1 << PARTS_LOG2;
const INITIAL_SLOTS_LOG2 = 4;
// Linear probing stays short (about 8 probes to find an absent key) up to three quarters full.
const MAX_LOAD = 0.75;

/** A set of non-zero 64-bit keys in typed arrays. */
class Set64 {
  size = 0;
  private readonly parts: Int32Array[] = [];
  private readonly counts = new Int32Array(PARTS);
  private readonly shifts = new Int32Array(PARTS);

  constructor() {
    for (let p = 0; p < PARTS; p++) {
      this.parts.push(new Int32Array(2 << INITIAL_SLOTS_LOG2));
      this.shifts[p] = 32 - INITIAL_SLOTS_LOG2;
    }
  }

  get bytes(): number {
    let bytes = 0;
    for (const part of this.parts) bytes += part.byteLength;
    return bytes;
  }

  /** Adds the key; true when it was not there. */
  add(high: number, low: number): boolean {
    const mixed = fmix32(Math.imul(high, 0x9e3779b1) ^ low);
    const p = mixed >>> (32 - PARTS_LOG2);
    const table = this.parts[p] as Int32Array;
    // The slot index uses the bits below those that chose the part.
    const mask = (table.length >>> 1) - 1;
    let slot = (mixed >>> ((this.shifts[p] as number) - PARTS_LOG2)) & mask;
    for (;;) {
      const at = slot << 1;
      const storedHigh = table[at] as number;
      if (storedHigh === 0 && table[at + 1] === 0) break;
      if (storedHigh === high && table[at + 1] === low) return false;
      slot = (slot + 1) & mask;
    }
    table[slot << 1] = high;
    table[(slot << 1) + 1] = low;
    this.size++;
    const count = (this.counts[p] as number) + 1;
    this.counts[p] = count;
    if (count > (table.length >>> 1) * MAX_LOAD) this.grow(p);
    return true;
  }

  private grow(p: number): void {
    const old = this.parts[p] as Int32Array;
    const table = new Int32Array(old.length * 2);
    const shift = (this.shifts[p] as number) - 1;
    const mask = (table.length >>> 1) - 1;
    for (let at = 0; at < old.length; at += 2) {
      const high = old[at] as number;
      const low = old[at + 1] as number;
      if (high === 0 && low === 0) continue;
      const mixed = fmix32(Math.imul(high, 0x9e3779b1) ^ low);
      let slot = (mixed >>> (shift - PARTS_LOG2)) & mask;
      while (table[slot << 1] !== 0 || table[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = high;
      table[(slot << 1) + 1] = low;
    }
    this.parts[p] = table;
    this.shifts[p] = shift;
  }
}
