/**
 * The CLI's PNG compressor: node:zlib at level 1 with the run-length strategy — what
 * OpenCV's `imwrite` uses by default (with the Sub filter, as our encoder), native speed.
 * (Deflating pieces on several threads, as pigz does, was tried: slower here, the threads'
 * first touches of fresh memory contend.)
 */
import { constants, deflateSync } from 'node:zlib';

export function zlibDeflate(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: 1, strategy: constants.Z_RLE });
}
