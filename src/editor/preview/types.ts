/** Plain data shared by the preview panel and its helpers (no Vue, no DOM). */

/** Full-resolution output of one port, HWC float32 (what EngineClient.getOutput returns). */
export interface FloatImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float32Array;
  /**
   * Set when the image is a subsample of a larger output (every `stride`-th pixel of every
   * `stride`-th row; the worker caps what reaches the main thread): the full size.
   */
  readonly fullWidth?: number;
  readonly fullHeight?: number;
  readonly stride?: number;
}

/**
 * A node output the panel shows. `type` (the node type) is optional: when given, the panel
 * looks the port up in the catalogue (number port → metric view; `metric.ssim` `map` → heat
 * map); without it the panel treats a port named `map` as a metric map.
 */
export interface PortSelection {
  readonly node: string;
  readonly port: string;
  readonly type?: string;
}

/** The part of EngineClient the panel uses. */
export interface OutputSource {
  getOutput(node: string, port: string): Promise<FloatImage>;
}

/** A number output as the worker reports it (non-finite values may arrive as strings). */
export type NumberValue = number | 'Infinity' | '-Infinity' | 'NaN' | string;

/**
 * Number outputs by node and port. Accepted shapes: `{ [node]: { [port]: value } }`,
 * `{ "node.port": value }`, `{ "node:port": value }` or a Map with either key style.
 */
export type NumberValues =
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | null
  | undefined;
