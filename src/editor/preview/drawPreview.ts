/**
 * Paints the preview canvas: the shown layer (A, or |A−B|) at the view's zoom and pan over a
 * checkerboard where it has alpha, B right of the wipe line when wiping, a pixel grid from
 * 16× on, the pixel under the cursor from 4× on, and the wipe line with its A / B labels.
 */
import type { View } from './viewport';

type Layer = CanvasImageSource & { readonly width: number; readonly height: number };

export interface PreviewPaint {
  readonly size: { readonly w: number; readonly h: number };
  readonly dpr: number;
  /** The image A (its size and channels decide the geometry and the checkerboard). */
  readonly image: { readonly width: number; readonly height: number; readonly channels: number } | null;
  readonly base: Layer | null;
  /** B, drawn right of the wipe line (null: no wipe). */
  readonly wipeLayer: Layer | null;
  /** The wipe line's position, a fraction of A's width. */
  readonly wipe: number;
  /** Whether an alpha channel shows as transparency (not for a difference). */
  readonly alpha: boolean;
  readonly view: View;
  readonly cursor: { readonly x: number; readonly y: number } | null;
}

let checker: CanvasPattern | null = null;

function checkerPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (checker) return checker;
  const c = document.createElement('canvas');
  c.width = c.height = 16;
  const x = c.getContext('2d');
  if (!x) return null;
  x.fillStyle = '#3a3a3a';
  x.fillRect(0, 0, 16, 16);
  x.fillStyle = '#555';
  x.fillRect(0, 0, 8, 8);
  x.fillRect(8, 8, 8, 8);
  checker = ctx.createPattern(c, 'repeat');
  return checker;
}

export function drawPreview(ctx: CanvasRenderingContext2D, p: PreviewPaint): void {
  const { w, h } = p.size;
  ctx.setTransform(p.dpr, 0, 0, p.dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const a = p.image;
  const base = p.base;
  if (!a || !base) return;
  const v = p.view;
  if (p.alpha && (a.channels === 2 || a.channels === 4)) {
    const pattern = checkerPattern(ctx);
    if (pattern) {
      ctx.fillStyle = pattern;
      ctx.fillRect(v.panX, v.panY, a.width * v.zoom, a.height * v.zoom);
    }
  }
  ctx.save();
  ctx.translate(v.panX, v.panY);
  ctx.scale(v.zoom, v.zoom);
  ctx.imageSmoothingEnabled = v.zoom < 1;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(base, 0, 0);
  const b = p.wipeLayer;
  if (b) {
    ctx.save();
    ctx.beginPath();
    const wx = p.wipe * a.width;
    ctx.rect(wx, 0, Math.max(a.width, b.width) - wx, Math.max(a.height, b.height));
    ctx.clip();
    ctx.clearRect(wx, 0, b.width, b.height);
    ctx.drawImage(b, 0, 0);
    ctx.restore();
  }
  ctx.restore();
  // pixel grid when zoomed far in
  if (v.zoom >= 16) {
    ctx.save();
    ctx.strokeStyle = 'rgba(128, 128, 128, 0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    const x0 = Math.max(0, Math.floor(-v.panX / v.zoom));
    const x1 = Math.min(a.width, Math.ceil((w - v.panX) / v.zoom));
    const y0 = Math.max(0, Math.floor(-v.panY / v.zoom));
    const y1 = Math.min(a.height, Math.ceil((h - v.panY) / v.zoom));
    for (let x = x0; x <= x1; x++) {
      const sx = Math.round(v.panX + x * v.zoom) + 0.5;
      ctx.moveTo(sx, v.panY + y0 * v.zoom);
      ctx.lineTo(sx, v.panY + y1 * v.zoom);
    }
    for (let y = y0; y <= y1; y++) {
      const sy = Math.round(v.panY + y * v.zoom) + 0.5;
      ctx.moveTo(v.panX + x0 * v.zoom, sy);
      ctx.lineTo(v.panX + x1 * v.zoom, sy);
    }
    ctx.stroke();
    ctx.restore();
  }
  // the pixel under the cursor
  const c = p.cursor;
  if (c && v.zoom >= 4) {
    ctx.strokeStyle = 'rgba(255, 214, 10, 0.9)';
    ctx.lineWidth = 1;
    ctx.strokeRect(v.panX + c.x * v.zoom + 0.5, v.panY + c.y * v.zoom + 0.5, v.zoom - 1, v.zoom - 1);
  }
  if (b) {
    const sx = Math.round(v.panX + p.wipe * a.width * v.zoom) + 0.5;
    ctx.strokeStyle = 'rgba(255, 214, 10, 0.95)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(sx, 0);
    ctx.lineTo(sx, h);
    ctx.stroke();
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillStyle = 'rgba(255, 214, 10, 0.95)';
    ctx.textAlign = 'right';
    ctx.fillText('A', sx - 6, 16);
    ctx.textAlign = 'left';
    ctx.fillText('B', sx + 6, 16);
  }
}
