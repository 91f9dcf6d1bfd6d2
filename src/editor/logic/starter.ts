/**
 * The graph "New" opens: like graphs/denoise.graph.json, it shows something at once — a
 * sample photo, Gaussian noise, a median filter, and SSIM / PSNR of the result against the
 * original.
 */
import { FORMAT_ID, FORMAT_VERSION, type GraphDocument } from '../../engine/format';

export function starterDocument(): GraphDocument {
  return {
    format: FORMAT_ID,
    version: FORMAT_VERSION,
    name: 'Denoise and score',
    description: 'A sample photo, Gaussian noise (σ 0.1), a 3×3 median, and SSIM / PSNR of the restored image against the original.',
    nodes: [
      { id: 'load1', type: 'image.load', params: { source: '/assets/camera.png' }, position: { x: 0, y: 80 } },
      { id: 'gaussian1', type: 'noise.gaussian', params: { sigma: 0.1, seed: 7 }, position: { x: 310, y: 80 } },
      { id: 'median1', type: 'filter.median', params: { size: 3 }, position: { x: 620, y: 80 } },
      { id: 'ssim1', type: 'metric.ssim', params: {}, position: { x: 930, y: 0 } },
      { id: 'psnr1', type: 'metric.psnr', params: {}, position: { x: 930, y: 420 } },
    ],
    edges: [
      { from: { node: 'load1', port: 'image' }, to: { node: 'gaussian1', port: 'image' } },
      { from: { node: 'gaussian1', port: 'image' }, to: { node: 'median1', port: 'image' } },
      { from: { node: 'load1', port: 'image' }, to: { node: 'ssim1', port: 'a' } },
      { from: { node: 'median1', port: 'image' }, to: { node: 'ssim1', port: 'b' } },
      { from: { node: 'load1', port: 'image' }, to: { node: 'psnr1', port: 'a' } },
      { from: { node: 'median1', port: 'image' }, to: { node: 'psnr1', port: 'b' } },
    ],
  };
}
