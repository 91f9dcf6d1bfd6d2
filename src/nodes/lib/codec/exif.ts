/**
 * EXIF orientation (TIFF tag 0x0112 in IFD0): read from the EXIF block of a JPEG (APP1), PNG
 * (eXIf) or WebP (EXIF chunk), and applied to HWC pixels the way viewers, browsers and
 * `PIL.ImageOps.exif_transpose` do. A malformed EXIF block is ignored (orientation 1), as
 * browsers do: it never makes an image unreadable.
 */
import { ascii, startsWith } from './bytes';
import type { SampleArray } from './types';

/** What each orientation value means, for messages and the node's summary. */
export const ORIENTATION_NAMES: Readonly<Record<number, string>> = {
  1: 'normal',
  2: 'mirrored horizontally',
  3: 'rotated 180°',
  4: 'mirrored vertically',
  5: 'mirrored and rotated 90° counter-clockwise',
  6: 'rotated 90° clockwise',
  7: 'mirrored and rotated 90° clockwise',
  8: 'rotated 90° counter-clockwise',
};

/**
 * The orientation (1–8) stored in a TIFF-structured EXIF block, or 1 when absent or
 * malformed. A leading `Exif\0\0` (as in JPEG APP1 and some WebP files) is skipped.
 */
export function exifOrientation(exif: Uint8Array | null): number {
  if (!exif) return 1;
  let b = exif;
  if (startsWith(b, [...ascii('Exif'), 0, 0])) b = b.subarray(6);
  if (b.length < 8) return 1;
  const little = b[0] === 0x49 && b[1] === 0x49;
  if (!little && !(b[0] === 0x4d && b[1] === 0x4d)) return 1;
  const u16 = (at: number): number => (little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!);
  const u32 = (at: number): number => (little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > b.length) return 1;
  const count = u16(ifd);
  for (let e = 0; e < count; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > b.length) return 1;
    if (u16(at) !== 0x0112) continue;
    const type = u16(at + 2);
    // SHORT (3) is the standard type; some writers use LONG (4).
    const v = type === 3 ? u16(at + 8) : type === 4 ? u32(at + 8) : 0;
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

/** True when the orientation swaps width and height (5–8). */
export function swapsSides(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/**
 * Returns the samples (w × h pixels, `stride` samples each) turned upright for
 * `orientation`; the same array for 1. Output size is h × w for 5–8.
 */
export function applyOrientation<T extends SampleArray>(data: T, w: number, h: number, stride: number, orientation: number): T {
  if (orientation < 2 || orientation > 8) return data;
  const swap = swapsSides(orientation);
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new (data.constructor as new (n: number) => T)(w * h * stride);
  // For each output pixel (x, y): the source pixel is sx = ax·x + bx·y + cx, sy = ay·x + by·y + cy.
  let ax = 1, bx = 0, cx = 0, ay = 0, by = 1, cy = 0; // prettier-ignore
  switch (orientation) {
    case 2: ax = -1; cx = w - 1; break; // prettier-ignore
    case 3: ax = -1; cx = w - 1; by = -1; cy = h - 1; break; // prettier-ignore
    case 4: by = -1; cy = h - 1; break; // prettier-ignore
    case 5: ax = 0; bx = 1; ay = 1; by = 0; break; // transpose // prettier-ignore
    case 6: ax = 0; bx = 1; ay = -1; by = 0; cy = h - 1; break; // 90° clockwise // prettier-ignore
    case 7: ax = 0; bx = -1; cx = w - 1; ay = -1; by = 0; cy = h - 1; break; // transverse // prettier-ignore
    case 8: ax = 0; bx = -1; cx = w - 1; ay = 1; by = 0; break; // 90° counter-clockwise // prettier-ignore
  }
  let o = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const s = ((ay * x + by * y + cy) * w + (ax * x + bx * y + cx)) * stride;
      for (let k = 0; k < stride; k++) out[o++] = data[s + k]!;
    }
  }
  return out;
}
