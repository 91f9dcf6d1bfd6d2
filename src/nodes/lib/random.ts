/**
 * Seeded pseudo-random numbers for the random nodes (noise, generators, masks).
 *
 * - Generator: xoshiro128** 1.0 (Blackman & Vigna), 128-bit state, period 2^128 − 1.
 * - Seeding: the 32-bit `seed` and a 32-bit `stream` id are mapped injectively to the
 *   state through the splitmix32 finalizer, then 8 outputs are discarded. Different
 *   (seed, stream) pairs therefore give different, decorrelated sequences, so a node can
 *   draw e.g. pixel positions and salt/pepper choices from independent streams.
 * - Determinism: only integer ops (`Math.imul`, `>>>`, `^`), IEEE-exact double arithmetic
 *   (+ − × ÷ and `Math.sqrt`, which ECMAScript requires to be correctly rounded) and a
 *   portable logarithm (a port of fdlibm's `__ieee754_log`, used instead of `Math.log`,
 *   whose last bit is implementation-defined). The same seed gives bit-identical arrays on
 *   every JS engine and platform.
 * - Normals: Marsaglia's polar method on doubles, both outputs of each accepted pair used.
 */

/** 2^-24: 24-bit uniforms are exact float32 values in [0, 1). */
const TWO_M24 = 1 / 16777216;
/** 2^-31: maps a signed 32-bit integer to [−1, 1). */
const TWO_M31 = 1 / 2147483648;
/** 2^-53 and 2^26 for 53-bit doubles. */
const TWO_M53 = 1 / 9007199254740992;
const TWO_26 = 67108864;
const UINT32_MAX = 0xffffffff;

/** The splitmix32 output function (a bijection on 32-bit integers). Returns an unsigned value. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
    throw new Error(`${what} must be an integer in 0 … ${UINT32_MAX}, got ${v}`);
  }
}

/** A seeded xoshiro128** generator. Not cryptographic. */
export class Rng {
  // State words, kept as signed int32 values.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /**
   * @param seed integer in [0, 2^32 − 1] (the node's `seed` param)
   * @param stream integer in [0, 2^32 − 1] naming the purpose within a node (default 0)
   */
  constructor(seed: number, stream = 0) {
    checkU32(seed, 'seed');
    checkU32(stream, 'random stream id');
    // Injective: s0 determines seed, s1 determines stream (mix32 is a bijection).
    let a = mix32((seed ^ 0x243f6a88) | 0);
    let b = mix32((stream ^ 0x85a308d3) | 0);
    // The other two words mix both, through splitmix32 steps.
    let sm = (a ^ Math.imul(b, 0x9e3779b9)) | 0;
    sm = (sm + 0x9e3779b9) | 0;
    let c = mix32(sm);
    sm = (sm + 0x9e3779b9) | 0;
    let d = mix32(sm ^ b);
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    if ((a | b | c | d) === 0) d = 1; // the all-zero state is a fixed point
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
    for (let i = 0; i < 8; i++) this.nextUint32();
  }

  /** Next raw output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let s2 = this.s2 ^ s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    this.s2 = s2;
    this.s3 = s3;
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits: exactly representable as float32, never 1. */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) * TWO_M24;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_26 + lo) * TWO_M53;
  }

  /** Unbiased integer in [0, n), 1 ≤ n ≤ 2^32 (rejection of the short top range). */
  nextBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > UINT32_MAX + 1) throw new Error(`nextBelow: n must be an integer in 1 … 2^32, got ${n}`);
    // Values below `threshold` = 2^32 mod n are rejected so every residue is equally likely.
    const threshold = (UINT32_MAX + 1) % n;
    for (;;) {
      const x = this.nextUint32();
      if (x >= threshold) return x % n;
    }
  }

  /** Standard normal deviate (Marsaglia polar method; the second of each pair is cached). */
  nextNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    for (;;) {
      const u = (this.nextUint32() | 0) * TWO_M31;
      const v = (this.nextUint32() | 0) * TWO_M31;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * portableLog(s)) / s);
      this.spare = v * m;
      this.hasSpare = true;
      return u * m;
    }
  }
}

/** `length` values uniform in [low, high) (computed in double, stored as float32). */
export function uniformArray(length: number, seed: number, stream = 0, low = 0, high = 1): Float32Array {
  const rng = new Rng(seed, stream);
  const out = new Float32Array(length);
  const span = high - low;
  if (low === 0 && span === 1) {
    for (let i = 0; i < length; i++) out[i] = rng.nextFloat();
  } else {
    for (let i = 0; i < length; i++) out[i] = low + span * rng.nextFloat();
  }
  return out;
}

/** `length` values from N(mean, std²) (computed in double, stored as float32). */
export function normalArray(length: number, seed: number, stream = 0, mean = 0, std = 1): Float32Array {
  const rng = new Rng(seed, stream);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = mean + std * rng.nextNormal();
  return out;
}

/**
 * `k` distinct indices of [0, n) in random order (partial Fisher–Yates shuffle: the first k
 * draws of a uniformly random permutation), 0 ≤ k ≤ n ≤ 2^32 − 1.
 */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw new Error(`sampleWithoutReplacement: n must be an integer in 0 … ${UINT32_MAX}, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`sampleWithoutReplacement: k must be an integer in 0 … n (${n}), got ${k}`);
  const out = new Uint32Array(k);
  if (k === 0) return out;
  if (k * 4 < n) {
    // Sparse shuffle: only the swapped positions are stored.
    const moved = new Map<number, number>();
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextBelow(n - i);
      const vj = moved.get(j) ?? j;
      const vi = moved.get(i) ?? i;
      moved.set(j, vi);
      out[i] = vj;
    }
    return out;
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextBelow(n - i);
    const t = perm[j]!;
    perm[j] = perm[i]!;
    perm[i] = t;
    out[i] = t;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Portable natural logarithm: a line-by-line port of fdlibm 5.3 e_log.c (__ieee754_log),
// error < 1 ulp. Uses only IEEE-exact operations, so its result is the same everywhere.

const LN2_HI = 6.93147180369123816490e-1; // 3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
const TWO54 = 1.8014398509481984e16; // 43500000 00000000
const LG1 = 6.666666666666735130e-1; // 3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 3FC2F112 DF3E5244

// Big-endian views (DataView default): bytes 0–3 hold the high word on every platform.
const bits = new DataView(new ArrayBuffer(8));

/** Natural logarithm, bit-identical on every platform (fdlibm algorithm). */
export function portableLog(x: number): number {
  bits.setFloat64(0, x);
  let hx = bits.getInt32(0);
  const lx = bits.getUint32(4);
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity; // log(±0)
    if (hx < 0) return NaN; // log(negative)
    k -= 54;
    x *= TWO54; // subnormal: scale up
    bits.setFloat64(0, x);
    hx = bits.getInt32(0);
  }
  if (hx >= 0x7ff00000) return x + x; // Inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  bits.setFloat64(0, x);
  bits.setInt32(0, hx | (i0 ^ 0x3ff00000)); // normalize x or x/2
  x = bits.getFloat64(0);
  k += i0 >> 20;
  const f = x - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}
