/**
 * Zoom and pan of the preview canvas. A view maps image pixel coordinates to canvas (CSS)
 * pixels: screen = image · zoom + pan.
 */
export interface View {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

export const MIN_ZOOM = 1 / 64;
export const MAX_ZOOM = 64;

export function clampZoom(z: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
}

/** The whole image centred in the viewport with `margin` CSS pixels around it. */
export function fitView(imgW: number, imgH: number, viewW: number, viewH: number, margin = 8): View {
  const aw = Math.max(1, viewW - 2 * margin);
  const ah = Math.max(1, viewH - 2 * margin);
  const zoom = clampZoom(Math.min(aw / imgW, ah / imgH));
  return centred(imgW, imgH, viewW, viewH, zoom);
}

/** One image pixel per CSS pixel, centred. */
export function oneToOne(imgW: number, imgH: number, viewW: number, viewH: number): View {
  return centred(imgW, imgH, viewW, viewH, 1);
}

function centred(imgW: number, imgH: number, viewW: number, viewH: number, zoom: number): View {
  return { zoom, panX: Math.round((viewW - imgW * zoom) / 2), panY: Math.round((viewH - imgH * zoom) / 2) };
}

/** Zooms by `factor` keeping the image point under canvas point (sx, sy) where it is. */
export function zoomAt(v: View, factor: number, sx: number, sy: number): View {
  const zoom = clampZoom(v.zoom * factor);
  const k = zoom / v.zoom;
  return { zoom, panX: sx - (sx - v.panX) * k, panY: sy - (sy - v.panY) * k };
}

/** Zoom factor for a wheel event: one notch (≈100 px) zooms by 2^(1/4)… scaled by the delta. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const clamped = Math.max(-400, Math.min(400, px));
  return Math.pow(2, -clamped / 400);
}

/** Next "nice" zoom step up or down (powers of two and their halves: 1, 1.5, 2, 3, 4, 6, 8 …). */
export function stepZoom(zoom: number, dir: 1 | -1): number {
  const steps: number[] = [];
  for (let e = -6; e <= 6; e++) {
    steps.push(2 ** e);
    if (e < 6) steps.push(1.5 * 2 ** e);
  }
  if (dir > 0) return clampZoom(steps.find((s) => s > zoom * 1.0001) ?? MAX_ZOOM);
  return clampZoom([...steps].reverse().find((s) => s < zoom / 1.0001) ?? MIN_ZOOM);
}

export function pan(v: View, dx: number, dy: number): View {
  return { zoom: v.zoom, panX: v.panX + dx, panY: v.panY + dy };
}

/** Canvas point → image coordinates (floats). */
export function screenToImage(v: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.panX) / v.zoom, y: (sy - v.panY) / v.zoom };
}

/** Canvas point → integer pixel, or undefined outside the image. */
export function pixelUnder(v: View, sx: number, sy: number, imgW: number, imgH: number): { x: number; y: number } | undefined {
  const p = screenToImage(v, sx, sy);
  const x = Math.floor(p.x);
  const y = Math.floor(p.y);
  return x >= 0 && y >= 0 && x < imgW && y < imgH ? { x, y } : undefined;
}

/** "100%", "12.5%", "1600%". */
export function zoomLabel(zoom: number): string {
  const p = zoom * 100;
  return `${p >= 10 ? Math.round(p) : p.toFixed(1)}%`;
}
