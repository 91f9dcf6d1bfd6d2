/**
 * An ImageBitmap as a PNG object URL (for an <img>; the caller revokes it). Drawn through one
 * shared OffscreenCanvas (a plain canvas where there is none); the PNG is encoded off the
 * main thread's critical path by convertToBlob / toBlob.
 */
let shared: OffscreenCanvas | HTMLCanvasElement | null = null;

function canvasOf(w: number, h: number): OffscreenCanvas | HTMLCanvasElement {
  if (!shared) shared = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : document.createElement('canvas');
  if (shared.width !== w) shared.width = w;
  if (shared.height !== h) shared.height = h;
  return shared;
}

/** Conversions under way, and who waits for them all to finish (the test hook's idle()). */
let inflight = 0;
let waiters: (() => void)[] = [];

/** Resolves once no thumbnail is being converted (and the <img> sources they give are set). */
export function thumbnailsSettled(): Promise<void> {
  if (inflight === 0) return Promise.resolve();
  return new Promise((resolve) => waiters.push(resolve));
}

export async function bitmapUrl(bitmap: ImageBitmap): Promise<string> {
  inflight++;
  try {
    return await encode(bitmap);
  } finally {
    // after the caller's continuation has set the <img> source
    setTimeout(() => {
      if (--inflight === 0) {
        const w = waiters;
        waiters = [];
        for (const f of w) f();
      }
    }, 0);
  }
}

async function encode(bitmap: ImageBitmap): Promise<string> {
  const c = canvasOf(bitmap.width, bitmap.height);
  const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2D canvas context for a thumbnail');
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.drawImage(bitmap, 0, 0);
  const blob =
    c instanceof HTMLCanvasElement
      ? await new Promise<Blob>((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the thumbnail could not be encoded'))), 'image/png'))
      : await c.convertToBlob({ type: 'image/png' });
  return URL.createObjectURL(blob);
}
