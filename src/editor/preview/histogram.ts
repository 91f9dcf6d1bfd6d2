/** Histogram drawing: bar heights (pure) and a 2D-canvas painter. */
import type { Histogram } from './analyze';

export const CHANNEL_COLOURS: Record<number, readonly string[]> = {
  1: ['rgb(200, 200, 200)'],
  2: ['rgb(200, 200, 200)', 'rgb(150, 120, 220)'],
  3: ['rgb(235, 72, 77)', 'rgb(48, 180, 108)', 'rgb(62, 99, 221)'],
  4: ['rgb(235, 72, 77)', 'rgb(48, 180, 108)', 'rgb(62, 99, 221)', 'rgb(150, 150, 150)'],
};

export function channelColour(channels: number, k: number): string {
  return CHANNEL_COLOURS[channels]?.[k] ?? 'rgb(200, 200, 200)';
}

/**
 * Normalized bar heights in [0, 1] per channel. The scale is the largest interior bin over
 * all channels (the first and last bins also collect clamped values and would flatten the
 * rest), so those two may reach 1 and are capped there.
 */
export function histogramHeights(h: Histogram, opts: { sqrt?: boolean } = {}): Float32Array[] {
  let scale = 0;
  let all = 0;
  for (const c of h.counts) {
    for (let i = 0; i < c.length; i++) {
      if (i > 0 && i < c.length - 1 && c[i]! > scale) scale = c[i]!;
      if (c[i]! > all) all = c[i]!;
    }
  }
  if (scale === 0) scale = all;
  const f = (v: number): number => (opts.sqrt ? Math.sqrt(v) : v);
  const denom = scale > 0 ? f(scale) : 1;
  return h.counts.map((c) => {
    const out = new Float32Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = Math.min(1, f(c[i]!) / denom);
    return out;
  });
}

/** Paints the histogram into a 2D context of size w×h (CSS pixels, transform already set). */
export function paintHistogram(ctx: CanvasRenderingContext2D, h: Histogram, w: number, hgt: number, sqrt = false): void {
  ctx.clearRect(0, 0, w, hgt);
  const heights = histogramHeights(h, { sqrt });
  const channels = heights.length;
  const bw = w / h.bins;
  ctx.save();
  heights.forEach((hs, k) => {
    const colour = channelColour(channels, k);
    ctx.beginPath();
    ctx.moveTo(0, hgt);
    for (let i = 0; i < hs.length; i++) {
      const y = hgt - hs[i]! * (hgt - 1);
      ctx.lineTo(i * bw, y);
      ctx.lineTo((i + 1) * bw, y);
    }
    ctx.lineTo(w, hgt);
    ctx.closePath();
    // translucent areas so overlapping channels stay visible, each outlined in its colour
    ctx.globalCompositeOperation = channels > 1 ? 'lighter' : 'source-over';
    ctx.globalAlpha = channels > 1 ? 0.28 : 0.55;
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.globalCompositeOperation = 'source-over';
    ctx.globalAlpha = 0.95;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.stroke();
  });
  ctx.restore();
}
