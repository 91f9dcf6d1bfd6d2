/**
 * Messages between the editor (main thread) and the evaluation worker. Plain data only:
 * the editor never imports tfjs or node implementations (DESIGN.md §1, §5).
 */
import type { BackendName, BackendPreference } from './backend';
import type { GraphDocument } from './format';
import type { NodeCatalogEntry } from './registry';
import type { NodeStatus } from './types';

export interface BackendInfo {
  /** Active backend. */
  readonly name: BackendName;
  /** Why it was chosen (e.g. "WebGPU adapter is a software fallback"). */
  readonly reason: string;
  /** What the user asked for. */
  readonly preference: BackendPreference;
  /** Backends that can start in this browser. */
  readonly available: readonly BackendName[];
  /**
   * Threads the WebAssembly kernels split large images over on cpu / wasm (the evaluation
   * worker and its helpers; absent or 1: one thread).
   */
  readonly kernelThreads?: number;
}

export interface ImageStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** main → worker */
export type ToWorker =
  /** kernelThreads: most threads for the WebAssembly kernels (absent or 1: the worker's only; up to 4). */
  | { readonly type: 'init'; readonly backend: BackendPreference; readonly wasmPath: string; readonly kernelThreads?: number }
  | { readonly type: 'setBackend'; readonly backend: BackendPreference }
  /** Registers image bytes under an id (`asset:<hash>`), used as an image.load source. */
  | { readonly type: 'putAsset'; readonly requestId: number; readonly bytes: ArrayBuffer; readonly name: string }
  /** Evaluates `targets` of `graph`; a newer evaluate cancels the older one. */
  | {
      readonly type: 'evaluate';
      readonly runId: number;
      readonly graph: GraphDocument;
      readonly targets: readonly { readonly node: string; readonly port?: string }[];
      /** Longest side of preview thumbnails in pixels. */
      readonly thumbSize: number;
      /** URL that relative image.load sources resolve against (default: the app root). */
      readonly baseUrl?: string;
      /** Send every preview again, even when unchanged since the last run (the editor lost its copies). */
      readonly resend?: boolean;
    }
  | { readonly type: 'cancel'; readonly runId: number }
  /** Largest tensor data one node may output, in bytes (the memory budget checked before a node runs). */
  | { readonly type: 'setLimits'; readonly maxOutputBytes: number }
  /** Kept previews (persistent results): report their size, clear them, or set the size cap. */
  | { readonly type: 'results'; readonly action: 'info' | 'clear' | 'cap'; readonly cap?: number }
  /**
   * Float data of one output (for the preview panel). `key`: the node's evaluation key as the
   * editor sees it now (src/engine/evalKey.ts); a result computed for another key is refused.
   * `maxPixels`: larger images are sent subsampled (every `stride`-th pixel of every
   * `stride`-th row), so the main thread never receives or analyses more than this.
   */
  | { readonly type: 'getOutput'; readonly requestId: number; readonly node: string; readonly port: string; readonly key?: string; readonly maxPixels?: number };

/** worker → main */
export type FromWorker =
  /** The node catalogue, sent as soon as the worker runs (before a backend is chosen). */
  | { readonly type: 'catalog'; readonly catalog: readonly NodeCatalogEntry[] }
  | { readonly type: 'ready'; readonly catalog: readonly NodeCatalogEntry[]; readonly backend: BackendInfo }
  | { readonly type: 'backend'; readonly backend: BackendInfo }
  | { readonly type: 'asset'; readonly requestId: number; readonly id: string; readonly error?: string }
  /**
   * Per-node messages (status, progress with `node`, preview, value, latent) carry `key`: the
   * node's evaluation key in the document of that run (src/engine/evalKey.ts). The editor
   * shows them only while the node's current key is the same.
   */
  | { readonly type: 'status'; readonly runId: number; readonly node: string; readonly key: string; readonly status: NodeStatus; readonly ms?: number; readonly error?: string; readonly summary?: string }
  /**
   * Run progress: `done` of `total` targets (fractional while one is in work). With `node`,
   * the load progress of that node in [0, 1] (`total` 1).
   */
  | { readonly type: 'progress'; readonly runId: number; readonly done: number; readonly total: number; readonly node?: string; readonly key?: string }
  /** An image/mask output's thumbnail (transferred) and statistics. */
  | {
      readonly type: 'preview';
      readonly runId: number;
      readonly node: string;
      readonly key: string;
      readonly port: string;
      readonly width: number;
      readonly height: number;
      readonly channels: number;
      readonly thumbnail: ImageBitmap;
      readonly stats: ImageStats;
    }
  /** A number output; non-finite values as the strings "Infinity", "-Infinity", "NaN". */
  | { readonly type: 'value'; readonly runId: number; readonly node: string; readonly key: string; readonly port: string; readonly value: number | 'Infinity' | '-Infinity' | 'NaN' }
  /** A latent output's shape. */
  | { readonly type: 'latent'; readonly runId: number; readonly node: string; readonly key: string; readonly port: string; readonly shape: readonly number[] }
  /** `computes`: nodes that computed in this run (the rest came from a cache). */
  | { readonly type: 'done'; readonly runId: number; readonly cancelled: boolean; readonly ms: number; readonly error?: string; readonly computes?: number }
  /** The kept previews (persistent results in IndexedDB): size, cap, and why they are off (memory only). */
  | { readonly type: 'results'; readonly bytes: number; readonly entries: number; readonly cap: number; readonly off: string | null }
  | {
      readonly type: 'output';
      readonly requestId: number;
      readonly node: string;
      readonly port: string;
      readonly width?: number;
      readonly height?: number;
      readonly channels?: number;
      /** Size of the full image when `data` is subsampled (stride > 1). */
      readonly fullWidth?: number;
      readonly fullHeight?: number;
      /** Every `stride`-th pixel and row of the full image (1: all of it). */
      readonly stride?: number;
      /** HWC float32 (transferred). */
      readonly data?: Float32Array;
      readonly error?: string;
    }
  | { readonly type: 'fatal'; readonly message: string };
