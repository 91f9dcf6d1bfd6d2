/**
 * Subsampling for the preview panel: an image larger than the panel's pixel budget reaches
 * the main thread as every `stride`-th pixel of every `stride`-th row, so converting and
 * analysing it there never takes long, whatever the image size (a 8192² preview froze the page
 * for 2 s). The values shown are exact values of real pixels.
 */

/** The smallest whole stride that brings w×h under maxPixels. */
export function strideFor(w: number, h: number, maxPixels: number): number {
  let s = 1;
  while (Math.ceil(w / s) * Math.ceil(h / s) > maxPixels) s++;
  return s;
}

/** Every `stride`-th pixel of every `stride`-th row of an HWC image. */
export function subsample(src: Float32Array, w: number, h: number, c: number, stride: number): { data: Float32Array; width: number; height: number } {
  const width = Math.ceil(w / stride);
  const height = Math.ceil(h / stride);
  const data = new Float32Array(width * height * c);
  let o = 0;
  for (let y = 0; y < h; y += stride) {
    const row = y * w * c;
    for (let x = 0; x < w; x += stride) {
      const i = row + x * c;
      for (let k = 0; k < c; k++) data[o++] = src[i + k]!;
    }
  }
  return { data, width, height };
}

