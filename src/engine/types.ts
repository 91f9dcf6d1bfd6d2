/**
 * Core types of the pixel-loom engine. Plain TypeScript: no Vue, Rete, Dexie or DOM.
 *
 * Value conventions (DESIGN.md §3): images and masks are float32 HWC tensors in [0, 1]
 * with 1, 3 or 4 channels (masks: 1 channel, 1 = hole); latents are rank-2 [batch, dim]
 * tensors; numbers are plain JS numbers.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

export type PortType = 'image' | 'mask' | 'latent' | 'number';

export interface PortSpec {
  readonly type: PortType;
  readonly label?: string;
  readonly description?: string;
  /** An optional input may be left unconnected; compute then sees `undefined`. */
  readonly optional?: boolean;
}

interface ParamBase {
  readonly label?: string;
  readonly description?: string;
}
export interface FloatParam extends ParamBase {
  readonly kind: 'float';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  /** Suggested UI step; not enforced. */
  readonly step?: number;
}
export interface IntParam extends ParamBase {
  readonly kind: 'int';
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** The value must be odd (kernel sizes). */
  readonly odd?: boolean;
}
export interface EnumParam extends ParamBase {
  readonly kind: 'enum';
  readonly default: string;
  readonly options: readonly string[];
}
export interface BoolParam extends ParamBase {
  readonly kind: 'bool';
  readonly default: boolean;
}
/** An integer seed in [0, 2^32 - 1]. */
export interface SeedParam extends ParamBase {
  readonly kind: 'seed';
  readonly default: number;
}
export interface StringParam extends ParamBase {
  readonly kind: 'string';
  readonly default: string;
  readonly maxLength?: number;
}
/** A 2-D kernel: rows of finite numbers, all rows the same length, odd sizes. */
export interface KernelParam extends ParamBase {
  readonly kind: 'kernel';
  readonly default: readonly (readonly number[])[];
  /** Largest allowed rows / columns (default 31). */
  readonly maxSize?: number;
}

export type ParamSpec =
  | FloatParam
  | IntParam
  | EnumParam
  | BoolParam
  | SeedParam
  | StringParam
  | KernelParam;

export type ParamKind = ParamSpec['kind'];

export type ParamValueOf<S extends ParamSpec> = S extends FloatParam | IntParam | SeedParam
  ? number
  : S extends EnumParam | StringParam
    ? string
    : S extends BoolParam
      ? boolean
      : S extends KernelParam
        ? number[][]
        : never;

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ParamValueOf<P[K]> };
export type PortSpecs = Readonly<Record<string, PortSpec>>;

/** A value flowing on a wire. Tensors for image/mask/latent, numbers for `number`. */
export type Value = Tensor | number;

/**
 * What compute may return for an output port: a tensor for image/mask/latent ports; for
 * `number` ports a JS number or a rank-0 tensor (the engine reads it asynchronously after
 * compute and disposes it, so compute never has to call dataSync()).
 */
export type OutputValue = Tensor | number;

/** Limits the host applies to decoded data. */
export interface HostLimits {
  /** Largest accepted width or height of an image, in pixels (default 8192). */
  readonly maxImageSide: number;
  /** How the user raises the limits, appended to limit errors (CLI: `raise it with --max-size`). */
  readonly hint?: string;
}

/**
 * What the environment (CLI, browser worker, tests) provides to nodes that load data.
 * Nodes never touch the file system or the network themselves.
 */
export interface Host {
  /** Returns the bytes named by an `image.load` source (path, URL, data URL, asset id). */
  readSource(source: string, signal?: AbortSignal): Promise<Uint8Array>;
  readonly limits: HostLimits;
  /**
   * Reads a model file (a tfjs LayersModel model.json or weights shard). A relative path
   * names a shipped model file under public/models (CLI: read from the package; browser:
   * fetched from /models/<path>); an absolute URL or file path names a custom model.
   * Hosts without models leave it out; model nodes then fail with a clear message.
   */
  readModelFile?(path: string, signal?: AbortSignal): Promise<Uint8Array>;
}

export interface LoadContext {
  readonly host: Host;
  readonly nodeId: string;
  readonly signal?: AbortSignal;
  /** Reports load progress in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
}

/** A resource created by a node's async `load` (decoded image, model). */
export interface Resource {
  /**
   * Mixed into the node's cache signature (e.g. the content hash of the loaded bytes), so
   * the same params with different bytes give a different signature.
   */
  readonly signature?: string;
  dispose(): void;
  /** A line the editor shows on the node (e.g. image.load: the file's size and orientation). */
  readonly summary?: string;
}

export interface ComputeContext<P extends ParamSpecs, R extends Resource | undefined> {
  readonly nodeId: string;
  /** Connected inputs; an unconnected optional input is undefined. */
  readonly inputs: Readonly<Record<string, Value | undefined>>;
  /** Params with defaults filled in, validated against the schema. */
  readonly params: ParamValues<P>;
  /** The resource returned by `load`, when the definition has one. */
  readonly resource: R;
  /** The active tfjs backend name (webgpu, wasm, cpu). */
  readonly backend: string;
}

export interface NodeDefinition<
  P extends ParamSpecs = ParamSpecs,
  R extends Resource | undefined = Resource | undefined,
> {
  /** Stable type id, e.g. `filter.gaussianBlur`. */
  readonly type: string;
  readonly title: string;
  /** Palette category, e.g. `Filter`. */
  readonly category: string;
  readonly description: string;
  /** Bump when the computed result changes; part of the cache signature. */
  readonly version: number;
  readonly inputs: PortSpecs;
  readonly outputs: PortSpecs;
  readonly params: P;
  /**
   * Extra validation across params (e.g. low < high). Returns an error message naming the
   * param, or null when the params are acceptable.
   */
  readonly check?: (params: ParamValues<P>) => string | null;
  /**
   * Synchronous, pure. Runs inside tf.tidy: intermediate tensors are freed, returned tensors
   * kept. Never disposes its inputs. Throws an Error with a clear message on bad input.
   */
  compute?(ctx: ComputeContext<P, R>): Record<string, OutputValue>;
  /**
   * For algorithms that run on the host (sequential pixel loops such as fast-marching
   * inpainting): reads its inputs with `await t.data()`, computes on typed arrays and
   * returns fresh tensors. Not wrapped in tf.tidy: it must dispose any intermediate tensor it
   * makes (wrap tensor work in tf.tidy). Checks `ctx.signal` in long loops. A definition has
   * exactly one of `compute` and `computeAsync`.
   */
  computeAsync?(ctx: ComputeContext<P, R> & { readonly signal: AbortSignal }): Promise<Record<string, OutputValue>>;
  /**
   * Bytes of tensor data the outputs will take, computed from params and input shapes before
   * compute runs, for nodes whose output size is set by their params (a generated image, a
   * resize). The engine refuses to run a node whose estimate is above its memory budget; the
   * outputs of every node are checked against the budget after compute as well.
   */
  readonly outputBytes?: (params: ParamValues<P>, inputs: Readonly<Record<string, Value | undefined>>) => number;
  /** Async preparation (decode, model load); its resource is disposed by the engine. */
  load?(params: ParamValues<P>, ctx: LoadContext): Promise<R>;
  /**
   * The params `load` depends on (default: all). Resources are shared per (type, version,
   * these params), so e.g. changing a sampler's seed does not reload its model.
   */
  readonly loadParams?: readonly (keyof P & string)[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeDefinition = NodeDefinition<any, any>;

/** Output port type → input port type compatibility. A mask is a single-channel image. */
export function canConnect(from: PortType, to: PortType): boolean {
  return from === to || (from === 'mask' && to === 'image');
}

export interface PortRef {
  readonly node: string;
  readonly port: string;
}

export interface Position {
  readonly x: number;
  readonly y: number;
}

/**
 * `bypassed`: the node is bypassed (its outputs pass an input through, it computes nothing);
 * `muted`: the node is muted, or an input comes from a muted node (nothing is evaluated).
 */
export type NodeStatus = 'idle' | 'queued' | 'running' | 'cached' | 'ok' | 'error' | 'bypassed' | 'muted';

/**
 * How a node takes part in evaluation (graph format version 2, the node's `mode` key; absent =
 * active). `bypass`: each output passes through the node's first input of the same port
 * type, nothing is computed; `mute`: the node and everything downstream of it is not evaluated.
 */
export type NodeMode = 'bypass' | 'mute';
export const NODE_MODES: readonly NodeMode[] = ['bypass', 'mute'];

/** A node as stored in a graph. Placeholder nodes (unknown type) keep everything. */
export interface GraphNode {
  readonly id: string;
  readonly type: string;
  /** Format version 3: the component a `component` node is an instance of (DESIGN.md §2b). */
  readonly component?: string;
  /** Explicitly set params, in file order; defaults are not stored. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly position: Position;
  /** Bypassed or muted; absent when the node is active (the usual case). */
  readonly mode?: NodeMode;
  /** Unknown keys of the node object in the file, preserved and written back. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface Edge {
  readonly from: PortRef;
  readonly to: PortRef;
  /** Unknown keys of the edge object in the file, preserved and written back. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** What the evaluator needs from a graph (implemented by `Graph` in graph.ts). */
export interface GraphReadModel {
  getNode(id: string): GraphNode | undefined;
  /** Node ids in insertion order. */
  nodeIds(): readonly string[];
  readonly edges: readonly Edge[];
  /** The edge feeding an input port, if any. */
  edgeInto(node: string, port: string): Edge | undefined;
  /**
   * The node's definition when it is not simply the registry's for its type (a graph.input's
   * output follows its `kind`); the evaluator falls back to the registry without it.
   */
  definitionOf?(id: string): AnyNodeDefinition | undefined;
}

/** The definition the evaluator uses for a node: the graph's when it tells, else the registry's. */
export function definitionIn(registry: { get(type: string): AnyNodeDefinition | undefined }, graph: GraphReadModel, id: string): AnyNodeDefinition | undefined {
  const node = graph.getNode(id);
  if (!node) return undefined;
  return graph.definitionOf ? graph.definitionOf(id) : registry.get(node.type);
}
