/**
 * What the preview says about the pixel under the pointer: A's channel values (and B's and
 * |A−B| when comparing), each as a float and its 8-bit value; `values` holds A's full-precision
 * values as JSON (tests read it), `x`/`y` the position in the full image when A is subsampled.
 */
import { channelNames, pixelAt } from './analyze';
import { formatValue, to8bit } from './format';
import type { FloatImage } from './types';

export interface PixelReadout {
  readonly x: number;
  readonly y: number;
  readonly lines: string[];
  readonly values: string;
}

export function pixelReadout(a: FloatImage | null | undefined, b0: FloatImage | null | undefined, c: { x: number; y: number } | null | undefined, compare: boolean): PixelReadout | null {
  if (!c || !a) return null;
  const fmt = (img: FloatImage | null | undefined, label: string): string | null => {
    if (!img) return null;
    const vs = pixelAt(img, c.x, c.y);
    if (!vs) return `${label}outside`;
    const names = channelNames(img.channels);
    return label + vs.map((v, k) => `${names[k]} ${formatValue(v)} (${to8bit(v)})`).join('  ');
  };
  const lines: string[] = [];
  if (compare) {
    const la = fmt(a, 'A: ');
    const lb = fmt(b0, 'B: ');
    if (la) lines.push(la);
    if (lb) lines.push(lb);
    const b = b0;
    const va = pixelAt(a, c.x, c.y);
    const vb = b && b.width === a.width && b.height === a.height ? pixelAt(b, c.x, c.y) : undefined;
    if (va && vb) {
      const n = va.length === 1 || vb.length === 1 ? Math.max(va.length, vb.length) : Math.min(va.length, vb.length);
      const d = Array.from({ length: n }, (_, k) => Math.abs(va[va.length === 1 ? 0 : k]! - vb[vb.length === 1 ? 0 : k]!));
      lines.push('|A−B|: ' + d.map((v) => formatValue(v)).join('  '));
    }
  } else {
    const l = fmt(a, '');
    if (l) lines.push(l);
  }
  // full-precision channel values of A at the cursor (data-values, for tests and copy-paste);
  // the position in the full image when A is a subsample of it
  const step = a.stride ?? 1;
  return { x: c.x * step, y: c.y * step, lines, values: JSON.stringify(pixelAt(a, c.x, c.y) ?? []) };
}
