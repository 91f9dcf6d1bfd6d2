/**
 * lib/random: xoshiro128** with splitmix32 seeding, checked against an independent C
 * implementation (scripts/fixtures/make_random_fixtures.py → test/fixtures/random.json),
 * the portable log against Math.log, and the statistics of the distributions.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mix32, normalArray, portableLog, Rng, sampleWithoutReplacement, uniformArray } from '../../../src/nodes/lib/random';

const ref = JSON.parse(readFileSync(new URL('../../fixtures/random.json', import.meta.url), 'utf8')) as {
  cases: { seed: number; stream: number; uint32: number[]; normal: number[] }[];
};

/** Distance in units in the last place between two positive finite doubles. */
function ulps(a: number, b: number): number {
  const v = new DataView(new ArrayBuffer(16));
  v.setFloat64(0, a);
  v.setFloat64(8, b);
  return Number(v.getBigInt64(0) - v.getBigInt64(8));
}

describe('Rng', () => {
  it('matches the C reference bit for bit (uint32 outputs and float32 normals)', () => {
    expect(ref.cases.length).toBeGreaterThanOrEqual(5);
    for (const c of ref.cases) {
      const rng = new Rng(c.seed, c.stream);
      const u = c.uint32.map(() => rng.nextUint32());
      expect(u).toEqual(c.uint32);
      // exact: the C reference prints float32 values with 9 significant digits
      const n = normalArray(c.normal.length, c.seed, c.stream);
      expect(Array.from(n)).toEqual(c.normal.map((x) => Math.fround(x)));
    }
  });

  it('is deterministic and separates seeds and streams', () => {
    const a = uniformArray(1000, 7, 0);
    expect(uniformArray(1000, 7, 0)).toEqual(a);
    const others = [uniformArray(1000, 8, 0), uniformArray(1000, 7, 1), uniformArray(1000, 0, 7)];
    for (const o of others) {
      let same = 0;
      for (let i = 0; i < 1000; i++) if (o[i] === a[i]) same++;
      expect(same).toBeLessThan(3); // 24-bit values: a chance coincidence is ~6e-8 per pair
    }
  });

  it('gives uncorrelated streams and neighbouring seeds', () => {
    const n = 100_000;
    const corr = (x: Float32Array, y: Float32Array): number => {
      let sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < n; i++) {
        sx += x[i]!; sy += y[i]!; sxy += x[i]! * y[i]!; sxx += x[i]! ** 2; syy += y[i]! ** 2;
      }
      const cov = sxy / n - (sx / n) * (sy / n);
      return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    };
    const base = uniformArray(n, 1, 0);
    // |r| of independent samples has standard deviation 1/√n ≈ 0.0032; 5σ bound
    for (const other of [uniformArray(n, 1, 1), uniformArray(n, 2, 0), uniformArray(n, 1, 2)]) {
      expect(Math.abs(corr(base, other))).toBeLessThan(0.016);
    }
  });

  it('uniform values lie in [0, 1) on the 2^-24 grid with mean 1/2 and variance 1/12', () => {
    const n = 200_000;
    const u = uniformArray(n, 123);
    let s = 0, q = 0, bad = 0;
    for (const x of u) {
      if (!(x >= 0 && x < 1 && Number.isInteger(x * 16777216))) bad++;
      s += x; q += x * x;
    }
    expect(bad).toBe(0);
    const mean = s / n;
    const variance = q / n - mean * mean;
    // standard errors: mean 0.29/√n ≈ 6.5e-4, variance ≈ 0.075/√n ≈ 1.7e-4; 5σ bounds
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0033);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.0009);
    const scaled = uniformArray(1000, 5, 0, -0.25, 0.5);
    expect(Math.min(...scaled)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...scaled)).toBeLessThan(0.5);
  });

  it('normal values have mean 0, sd 1, kurtosis 3 and the 68–95 rule', () => {
    const n = 200_000;
    const z = normalArray(n, 99);
    let s = 0, q = 0, k = 0, in1 = 0, in2 = 0;
    for (const x of z) {
      s += x; q += x * x; k += x ** 4;
      if (Math.abs(x) < 1) in1++;
      if (Math.abs(x) < 2) in2++;
    }
    // standard errors for n = 2e5: mean 0.0022, sd 0.0016, kurtosis √(24/n) ≈ 0.011,
    // P(|z|<1) 0.001, P(|z|<2) 0.0005; bounds are ≥ 5σ
    expect(Math.abs(s / n)).toBeLessThan(0.012);
    expect(Math.abs(Math.sqrt(q / n) - 1)).toBeLessThan(0.008);
    expect(Math.abs(k / n - 3)).toBeLessThan(0.06);
    expect(Math.abs(in1 / n - 0.682689)).toBeLessThan(0.005);
    expect(Math.abs(in2 / n - 0.954500)).toBeLessThan(0.0025);
    // mean + std·z in double, then rounded once to float32
    const shifted = normalArray(4, 99, 0, 0.5, 0.1);
    const r = new Rng(99);
    for (let i = 0; i < 4; i++) expect(shifted[i]).toBe(Math.fround(0.5 + 0.1 * r.nextNormal()));
  });

  it('nextBelow is unbiased and in range; rejects bad bounds', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.nextBelow(3)]!++;
    // binomial sd √(30000·(1/3)(2/3)) ≈ 82; 5σ ≈ 410
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(410);
    expect(rng.nextBelow(1)).toBe(0);
    const big = rng.nextBelow(2 ** 32);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
    expect(() => rng.nextBelow(0)).toThrow(/nextBelow: n must be an integer in 1 … 2\^32, got 0/);
  });

  it('rejects seeds and streams outside 0 … 2^32 − 1', () => {
    expect(() => new Rng(-1)).toThrow('seed must be an integer in 0 … 4294967295, got -1');
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/);
    expect(() => new Rng(0, 2 ** 32)).toThrow(/random stream id must be an integer/);
    expect(() => new Rng(2 ** 32 - 1, 2 ** 32 - 1)).not.toThrow();
  });

  it('mix32 is the splitmix32 finalizer', () => {
    // reference values from Python integer arithmetic (masking to 32 bits)
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).toBe(2261973619);
    expect(mix32(0x12345678)).toBe(384267965);
    expect(mix32(0xffffffff)).toBe(2578835075);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(mix32(i));
    expect(seen.size).toBe(10_000); // a bijection has no collisions
  });
});

describe('sampleWithoutReplacement', () => {
  it('returns k distinct indices in range, the same prefix on the sparse and dense paths', () => {
    const sparse = sampleWithoutReplacement(1000, 100, new Rng(11)); // k·4 < n: sparse map
    const dense = sampleWithoutReplacement(1000, 1000, new Rng(11)); // full permutation
    expect(new Set(sparse).size).toBe(100);
    for (const v of sparse) expect(v).toBeLessThan(1000);
    expect(Array.from(dense.subarray(0, 100))).toEqual(Array.from(sparse));
    expect(Array.from(dense).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(sampleWithoutReplacement(5, 0, new Rng(1)).length).toBe(0);
    expect(() => sampleWithoutReplacement(5, 6, new Rng(1))).toThrow(/k must be an integer in 0 … n \(5\), got 6/);
  });

  it('picks every index with equal probability', () => {
    const counts = new Array<number>(10).fill(0);
    const rng = new Rng(5);
    for (let t = 0; t < 20_000; t++) for (const v of sampleWithoutReplacement(10, 3, rng)) counts[v]!++;
    // each index: binomial(20000, 0.3), sd ≈ 65; 5σ ≈ 325
    for (const c of counts) expect(Math.abs(c - 6000)).toBeLessThan(325);
  });
});

describe('portableLog', () => {
  it('agrees with Math.log to within 1 ulp over many magnitudes', () => {
    const rng = new Rng(17);
    let exact = 0, worst = 0, n = 0;
    for (let i = 0; i < 200_000; i++) {
      // log-uniform over [2^-1074, 2^1023] plus dense sampling of (0, 1], where the noise uses it
      const x = i % 2 === 0 ? 2 ** (rng.nextDouble() * 2096 - 1074) : 1 - rng.nextDouble();
      if (!(x > 0) || !Number.isFinite(x)) continue;
      const got = portableLog(x);
      const want = Math.log(x);
      const d = want === 0 ? Math.abs(got) : Math.abs(ulps(Math.abs(got), Math.abs(want)));
      worst = Math.max(worst, d);
      if (got === want) exact++;
      n++;
    }
    expect(worst).toBeLessThanOrEqual(1); // fdlibm's error bound is < 1 ulp
    expect(exact / n).toBeGreaterThan(0.99); // V8's Math.log is itself fdlibm-derived
  });

  it('handles the special values', () => {
    expect(portableLog(1)).toBe(0);
    expect(portableLog(Math.E)).toBeCloseTo(1, 15);
    expect(portableLog(2)).toBe(Math.LN2);
    expect(portableLog(0)).toBe(-Infinity);
    expect(portableLog(-0)).toBe(-Infinity);
    expect(portableLog(-1)).toBeNaN();
    expect(portableLog(NaN)).toBeNaN();
    expect(portableLog(Infinity)).toBe(Infinity);
    expect(portableLog(5e-324)).toBeCloseTo(-744.4400719213812, 10); // smallest subnormal
    expect(portableLog(1 + 2 ** -30)).toBe(Math.log1p(2 ** -30)); // |f| < 2^-20 branch
  });
});
