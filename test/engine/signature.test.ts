import { describe, expect, it } from 'vitest';
import { canonicalJson, fnv1a64, hashBytes, hashString, hashValue, inputSignature, nodeSignature } from '../../src/engine/signature';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, omits undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([undefined, 0.1, -0, 1e21])).toBe('[null,0.1,0,1e+21]');
    const noProto = Object.create(null) as Record<string, unknown>;
    noProto.k = 1;
    expect(canonicalJson(noProto)).toBe('{"k":1}');
  });

  it('writes non-finite numbers and typed arrays unambiguously and refuses what it cannot encode', () => {
    expect(canonicalJson([NaN, Infinity, -Infinity, 'NaN'])).toBe('[NaN,Infinity,-Infinity,"NaN"]');
    expect(canonicalJson(new Float32Array([0.5, 2]))).toBe('{"$typed":"Float32Array","data":[0.5,2]}');
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => canonicalJson(cyc)).toThrow('cyclic');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('cannot encode a function');
    // the same object twice (not a cycle) is fine
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});

describe('hashes', () => {
  it('implements FNV-1a 64 exactly (published test vectors)', () => {
    expect(fnv1a64(utf8(''))).toBe('cbf29ce484222325');
    expect(fnv1a64(utf8('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv1a64(utf8('foobar'))).toBe('85944171f73967e8');
  });

  it('hashString is hashBytes of the UTF-8 encoding, 16 hex digits', () => {
    for (const s of ['', 'a', 'pixel-loom', 'größe', '日本語', 'emoji 🧶 ok', 'lone \ud800 surrogate', 'end \udc00']) {
      expect(hashString(s)).toBe(hashBytes(utf8(s)));
      expect(hashString(s)).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('has no collisions on 20 000 similar strings and flips about half the bits on a one-bit change', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hashString(`n${i}`));
    expect(seen.size).toBe(20_000);

    const bits = (h: string): bigint => BigInt(`0x${h}`);
    let total = 0;
    const trials = 500;
    for (let i = 0; i < trials; i++) {
      const bytes = utf8(`signature-${i}`);
      const h0 = bits(hashBytes(bytes));
      const flipped = bytes.slice();
      flipped[bytes.length - 1]! ^= 1 << (i % 8); // last byte: FNV alone mixes it poorly
      const diff = h0 ^ bits(hashBytes(flipped));
      total += diff.toString(2).split('').filter((c) => c === '1').length;
    }
    // ideal avalanche is 32 of 64 bits; allow ±2 bits on the mean of 500 trials
    expect(total / trials).toBeGreaterThan(30);
    expect(total / trials).toBeLessThan(34);
  });

  it('hashes a few MB of bytes', () => {
    const big = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const h = hashBytes(big);
    big[big.length >> 1]! ^= 0x80;
    expect(hashBytes(big)).not.toBe(h);
  });
});

describe('nodeSignature', () => {
  const base = nodeSignature('filter.gaussianBlur', 1, { sigma: 1.5, mode: 'a' }, { image: 'abc.image' });
  it('is independent of param key order and sensitive to everything else', () => {
    expect(nodeSignature('filter.gaussianBlur', 1, { mode: 'a', sigma: 1.5 }, { image: 'abc.image' })).toBe(base);
    const variants = [
      nodeSignature('filter.boxBlur', 1, { sigma: 1.5, mode: 'a' }, { image: 'abc.image' }),
      nodeSignature('filter.gaussianBlur', 2, { sigma: 1.5, mode: 'a' }, { image: 'abc.image' }),
      nodeSignature('filter.gaussianBlur', 1, { sigma: 1.25, mode: 'a' }, { image: 'abc.image' }),
      nodeSignature('filter.gaussianBlur', 1, { sigma: 1.5, mode: 'a' }, { image: 'abd.image' }),
      nodeSignature('filter.gaussianBlur', 1, { sigma: 1.5, mode: 'a' }, { image: null }),
      nodeSignature('filter.gaussianBlur', 1, { sigma: 1.5, mode: 'a' }, {}),
      nodeSignature('filter.gaussianBlur', 1, { sigma: 1.5, mode: 'a' }, { image: 'abc.image' }, 'content-hash'),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(inputSignature('abc', 'image')).toBe('abc.image');
    expect(inputSignature('abc', 'image')).not.toBe(inputSignature('abc', 'map'));
    expect(hashValue({ a: [1, 2] })).toBe(hashString('{"a":[1,2]}'));
  });
});
