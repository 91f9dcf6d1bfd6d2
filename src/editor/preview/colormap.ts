/**
 * Viridis colour map (perceptually uniform, colour-blind safe; matplotlib's, CC0) for metric
 * maps such as the SSIM map. 33 key colours (every 8th entry of matplotlib's 256-entry table)
 * with linear interpolation: within 2/255 of the full table.
 */
const KEYS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [71, 13, 96], [72, 24, 106], [72, 35, 116], [71, 45, 123], [69, 55, 129], [66, 64, 134],
  [62, 73, 137], [59, 82, 139], [55, 91, 141], [51, 99, 141], [47, 107, 142], [44, 114, 142], [41, 122, 142],
  [38, 130, 142], [35, 137, 142], [33, 145, 140], [31, 151, 139], [31, 159, 136], [33, 166, 133], [39, 173, 129],
  [49, 181, 123], [61, 188, 116], [76, 194, 108], [92, 200, 99], [110, 206, 88], [129, 211, 77], [149, 216, 64],
  [170, 220, 50], [192, 223, 37], [213, 226, 26], [234, 229, 26], [253, 231, 37],
];

/** Viridis at t ∈ [0, 1] (clamped; NaN → 0) as RGB floats in [0, 1]. */
export function viridis(t: number): [number, number, number] {
  const x = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const f = x * (KEYS.length - 1);
  const i = Math.min(KEYS.length - 2, Math.floor(f));
  const u = f - i;
  const a = KEYS[i]!;
  const b = KEYS[i + 1]!;
  return [0, 1, 2].map((k) => (a[k]! + (b[k]! - a[k]!) * u) / 255) as [number, number, number];
}

let lut: Uint8Array | undefined;

/** 256×RGB bytes: entry i is viridis(i / 255). */
export function viridisLut(): Uint8Array {
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const [r, g, b] = viridis(i / 255);
      lut[i * 3] = Math.round(r * 255);
      lut[i * 3 + 1] = Math.round(g * 255);
      lut[i * 3 + 2] = Math.round(b * 255);
    }
  }
  return lut;
}

/** CSS linear-gradient stops (left = low) for a legend bar. */
export function viridisGradientCss(steps = 17): string {
  const stops: string[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    const [r, g, b] = viridis(t);
    stops.push(`rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)}) ${(t * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
