/** Types shared by the codecs. */

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** How the pixels were stored in the file. gray+alpha is expanded to RGBA on decode. */
export type SourceColor = 'gray' | 'grayAlpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | 'ycck';

/** Integer samples as a decoder gives them. */
export type SampleArray = Uint8Array | Uint8ClampedArray | Uint16Array;

/**
 * A decoded image as stored in the file, before EXIF orientation: integer samples, row-major,
 * `stride` per pixel of which the first `channels` are the image (a decoder's RGBA buffer
 * serves an RGB image with stride 4). Sample value / `max` is the [0, 1] value.
 */
export interface RawImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Channels of the image: 1 (gray), 3 (RGB) or 4 (RGBA). */
  readonly channels: 1 | 3 | 4;
  readonly samples: SampleArray;
  readonly stride: number;
  readonly max: number;
  /** Bits per sample in the file (1, 2, 4, 8 or 16). */
  readonly bitDepth: number;
  readonly sourceColor: SourceColor;
  /** The EXIF block (a TIFF structure), when the file has one. */
  readonly exif: Uint8Array | null;
}
