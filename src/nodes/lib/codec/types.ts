/** Types shared by the codecs. */

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** How the pixels were stored in the file. gray+alpha is expanded to RGBA on decode. */
export type SourceColor = 'gray' | 'grayAlpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | 'ycck';

/** A decoded image as stored in the file, before EXIF orientation. */
export interface RawImage {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  /** Channels of `data`: 1 (gray), 3 (RGB) or 4 (RGBA). */
  readonly channels: 1 | 3 | 4;
  /** Bits per sample in the file (1, 2, 4, 8 or 16). */
  readonly bitDepth: number;
  readonly sourceColor: SourceColor;
  /** Row-major HWC samples in [0, 1]; length = height · width · channels. */
  readonly data: Float32Array;
  /** The EXIF block (a TIFF structure), when the file has one. */
  readonly exif: Uint8Array | null;
}
