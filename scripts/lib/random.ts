/**
 * mulberry32: the small seeded PRNG of the training and data scripts (they also replace
 * Math.random with it so tfjs initialisers are seeded). Not the nodes' generator
 * (src/nodes/lib/random.ts, xoshiro128**): switching would change how the shipped weights
 * are reproduced.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
