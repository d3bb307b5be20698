/**
 * The movie ids an ingest has already accepted, to tell a first row from a duplicate. It is the
 * one structure of an ingest that grows with the number of distinct ids, so it is kept compact:
 * ids live in typed arrays instead of a `Set` of strings, which costs 60 to 100 bytes per id
 * (string, hash table entry, and the old-generation headroom the garbage collector keeps).
 *
 * It is exact: two different ids are never counted as one.
 * - An id is first packed without loss: each run of 5 characters of the movie id alphabet
 *   (`A-Z a-z 0-9 - _ .`, 65 symbols) becomes one 31-bit word, the run read as a number in
 *   bijective base 65 (digits 1 to 65, so that no run is 0 and runs of different lengths never
 *   share a value). 65^5 is under 2^31, so nothing spills into the next word. A 65th symbol
 *   does not fit in 6 bits: packing 6 bits a character once made `".A"` and `"AB"` one id.
 * - An id of up to 10 characters (two words, so every IMDb id) is its own 64-bit key in the
 *   short-id table: 8 bytes a slot, no string kept.
 * - A longer movie id (up to 64 characters, 13 words) is stored, packed, in an arena of words;
 *   its table slot holds a 32-bit hash and where the id is. Two ids with the same hash are told
 *   apart by comparing their words.
 * - Any other string (not a movie id: an ingest never passes one, it validates rows first) goes
 *   into a plain `Set`, so the structure stays exact for whatever it is given.
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
  const short = new Set64();
  const arena = new WordArena();
  const long = new Set64(arena);
  const others = new Set<string>();
  return {
    add(movieId) {
      const count = packWords(movieId);
      if (count === 0) {
        if (others.has(movieId)) return false;
        others.add(movieId);
        return true;
      }
      if (count <= 2) return short.add(WORDS[0] as number, count === 2 ? (WORDS[1] as number) : 0);
      return long.addWords(count);
    },
    get size() {
      return short.size + long.size + others.size;
    },
    get bytes() {
      return short.bytes + long.bytes + arena.bytes;
    },
  };
}

const SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
const BASE = SYMBOLS.length;
const RUN = 5;
// The longest movie id, 64 characters, packs into 13 words.
const MAX_LENGTH = 64;
const MAX_WORDS = 13;

// Movie id characters to their bijective digit 1..65; 0 for anything else.
const DIGIT = new Uint8Array(128);
for (const [i, symbol] of [...SYMBOLS].entries()) DIGIT[symbol.charCodeAt(0)] = i + 1;

/** The packed words of the last id `packWords` saw. */
const WORDS = new Int32Array(MAX_WORDS);

/**
 * Packs `id` into WORDS, one word per run of 5 characters, and returns the word count; 0 when
 * `id` is empty, longer than 64 characters, or holds a character outside the alphabet.
 */
function packWords(id: string): number {
  const length = id.length;
  if (length > MAX_LENGTH) return 0;
  let word = 0;
  let count = 0;
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    const digit = code < 128 ? (DIGIT[code] as number) : 0;
    if (digit === 0) return 0;
    // At most 65 + 65^2 + ... + 65^5 < 2^31: exact in a double and a positive int32.
    // Stryker disable next-line ArithmeticOperator: equivalent; `word * BASE - digit` packs the negated bijective number, as injective, and the structure stays exact (a long id's end mark only matters with a 32-bit hash collision between ids of different word counts sharing a prefix).
    word = word * BASE + digit;
    if ((i + 1) % RUN === 0 || i + 1 === length) {
      WORDS[count++] = word;
      word = 0;
    }
  }
  return count;
}

/** A 32-bit MurmurHash3-style hash of the first `count` words of WORDS. */
function hashWords(count: number): number {
  let h = 0x9747b28c ^ count;
  for (let i = 0; i < count; i++) {
    let k = Math.imul(WORDS[i] as number, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    // Stryker disable next-line ArithmeticOperator: equivalent; another constant mixes as well, and the structure is exact whatever the hash.
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  return fmix32(h);
}

// Words of long ids, in pages that are never moved: the arena grows a page at a time.
const PAGE_WORDS = 4096;
// The last word of a stored id carries this bit (a packed word is under 2^31), so a stored id
// says where it ends without a length of its own.
const LAST = 0x80000000 | 0;

/** Long ids' packed words, appended and never moved; an id is known by where it starts. */
class WordArena {
  private readonly pages: Int32Array[] = [];
  private used = PAGE_WORDS;

  get bytes(): number {
    return this.pages.length * PAGE_WORDS * 4;
  }

  /** Appends the first `count` words of WORDS; returns where they start. */
  append(count: number): number {
    if (this.used + count > PAGE_WORDS) {
      this.pages.push(new Int32Array(PAGE_WORDS));
      this.used = 0;
    }
    const page = this.pages[this.pages.length - 1] as Int32Array;
    const start = this.used;
    page.set(WORDS.subarray(0, count), start);
    page[start + count - 1] = (WORDS[count - 1] as number) | LAST;
    this.used += count;
    return (this.pages.length - 1) * PAGE_WORDS + start;
  }

  /** Whether the id stored at `ref` is the first `count` words of WORDS. */
  equals(ref: number, count: number): boolean {
    const page = this.pages[Math.floor(ref / PAGE_WORDS)] as Int32Array;
    const start = ref % PAGE_WORDS;
    for (let i = 0; i < count - 1; i++) if (page[start + i] !== WORDS[i]) return false;
    return page[start + count - 1] === ((WORDS[count - 1] as number) | LAST);
  }
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

/**
 * A set of 64-bit slots (high, low) in typed arrays; a high word of 0 marks an empty slot. Without
 * an arena a slot is a short id's key, whose high word (the first run) is never 0. With one, a
 * slot is (1 + where the id starts in the arena, hash) and two slots are the same id when their
 * words are.
 */
class Set64 {
  size = 0;
  private readonly parts: Int32Array[] = [];
  private readonly counts = new Int32Array(PARTS);
  private readonly shifts = new Int32Array(PARTS);
  private readonly arena: WordArena | undefined;

  constructor(arena?: WordArena) {
    this.arena = arena;
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

  /** Adds a short id's key, never (0, 0); true when it was not there. */
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
      if (storedHigh === 0) break;
      if (storedHigh === high && table[at + 1] === low) return false;
      slot = (slot + 1) & mask;
    }
    this.insert(p, slot, high, low);
    return true;
  }

  /** Adds the long id whose `count` words are in WORDS; true when it was not there. */
  addWords(count: number): boolean {
    const arena = this.arena as WordArena;
    const hash = hashWords(count);
    const p = hash >>> (32 - PARTS_LOG2);
    const table = this.parts[p] as Int32Array;
    const mask = (table.length >>> 1) - 1;
    let slot = (hash >>> ((this.shifts[p] as number) - PARTS_LOG2)) & mask;
    for (;;) {
      const at = slot << 1;
      const ref = table[at] as number;
      if (ref === 0) break;
      // Stryker disable next-line ConditionalExpression: equivalent when the hash test is dropped; comparing hashes first only spares reading the arena, the words decide.
      if (table[at + 1] === hash && arena.equals(ref - 1, count)) return false;
      slot = (slot + 1) & mask;
    }
    this.insert(p, slot, arena.append(count) + 1, hash);
    return true;
  }

  private insert(p: number, slot: number, high: number, low: number): void {
    const table = this.parts[p] as Int32Array;
    table[slot << 1] = high;
    table[(slot << 1) + 1] = low;
    this.size++;
    const count = (this.counts[p] as number) + 1;
    this.counts[p] = count;
    // Stryker disable next-line EqualityOperator: equivalent; growing at 12 of 16 slots instead of 13 only takes the memory one id sooner.
    if (count > (table.length >>> 1) * MAX_LOAD) this.grow(p);
  }

  /** Where a slot's key lands: a mix of the short key, or the long id's hash itself. */
  private mixOf(high: number, low: number): number {
    return this.arena === undefined ? fmix32(Math.imul(high, 0x9e3779b1) ^ low) : low;
  }

  private grow(p: number): void {
    const old = this.parts[p] as Int32Array;
    const table = new Int32Array(old.length * 2);
    const shift = (this.shifts[p] as number) - 1;
    const mask = (table.length >>> 1) - 1;
    // Stryker disable next-line EqualityOperator: equivalent; the slot past the end reads as undefined, copied as an empty slot onto an empty slot.
    for (let at = 0; at < old.length; at += 2) {
      const high = old[at] as number;
      // Stryker disable next-line ConditionalExpression: equivalent; copying an empty slot writes zeros onto an empty slot, skipping it only saves the work.
      if (high === 0) continue;
      const low = old[at + 1] as number;
      let slot = (this.mixOf(high, low) >>> (shift - PARTS_LOG2)) & mask;
      while (table[slot << 1] !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = high;
      table[(slot << 1) + 1] = low;
    }
    this.parts[p] = table;
    this.shifts[p] = shift;
  }
}
