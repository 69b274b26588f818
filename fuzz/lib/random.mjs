// A small seeded PRNG (sfc32, seeded through splitmix32) and the choices the fuzzer makes with it. Every case is
// derived from (run seed, case index) alone, so a case can be replayed without running the ones before it.

/** splitmix32: spreads a 32-bit seed into well-mixed words. */
function splitmix32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hashes a list of numbers and strings into one 32-bit seed (FNV-1a over their text). */
export function mixSeed(...parts) {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h >>> 0;
}

/**
 * A deterministic random source. `chunkSize` (optional) fixes the chunk size of every streaming read made with
 * it (see {@link chunkPlan}), for replaying a case in the chunking that matters (16 KiB like a browser stream).
 */
export class Random {
  constructor(seed, { chunkSize } = {}) {
    this.chunkSize = chunkSize;
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A random 32-bit unsigned integer (sfc32). */
  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float() {
    return this.u32() / 0x1_0000_0000;
  }

  /** An integer in [0, n) (n > 0). */
  int(n) {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max]. */
  range(min, max) {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p) {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick(list) {
    return list[this.int(list.length)];
  }

  /** One element of `[value, weight]` pairs, by weight. */
  weighted(pairs) {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.float() * total;
    for (const [value, w] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    return pairs[pairs.length - 1][0];
  }

  /** A size skewed towards small values: mostly below 16, sometimes up to `max`. */
  smallSize(max) {
    const bits = this.int(Math.max(1, Math.ceil(Math.log2(max + 1))) + 1);
    return Math.min(max, this.int(2 ** bits) + 1);
  }

  /** `n` random bytes. */
  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = this.u32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return out;
  }

  /** A new independent source derived from this one and a label. */
  fork(label) {
    return new Random(mixSeed(this.u32(), label));
  }
}

/**
 * Chunk boundaries for streaming `size` bytes: small pieces (down to 1 byte) on small inputs, a random mix, a
 * fixed browser-like 16 KiB, or one piece; never more than `maxChunks` pieces, so the per-chunk cost of a
 * streaming read stays linear in the input.
 */
export function chunkPlan(rng, size, maxChunks = 20_000) {
  if (size === 0) return [];
  if (rng.chunkSize !== undefined) {
    const n = Math.max(rng.chunkSize, Math.ceil(size / maxChunks));
    return Array.from({ length: Math.ceil(size / n) }, (_, i) => Math.min(n, size - i * n));
  }
  // A stream of its own (one draw from the caller's), so that what the caller draws next does not depend on the
  // size: the scaling check runs a case again at a quarter of the size and must get the same options.
  rng = rng.fork('chunks');
  const floor = Math.max(1, Math.ceil(size / maxChunks));
  const style = rng.weighted([
    ['tiny', size <= 64 * 1024 ? 3 : 0],
    ['mixed', 4],
    ['fixed', 2],
    ['browser', 1],
    ['one', 1],
  ]);
  const sizes = [];
  let left = size;
  const fixed = Math.max(floor, rng.smallSize(8192));
  while (left > 0) {
    let n;
    if (style === 'tiny') n = Math.max(floor, rng.range(1, 7));
    else if (style === 'mixed') n = Math.max(floor, rng.smallSize(rng.chance(0.1) ? 256 * 1024 : 4096));
    else if (style === 'fixed') n = fixed;
    else if (style === 'browser') n = Math.max(floor, 16 * 1024);
    else n = left;
    n = Math.min(n, left);
    sizes.push(n);
    left -= n;
  }
  return sizes;
}
