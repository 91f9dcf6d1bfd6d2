/**
 * Persistent results (DESIGN.md §4): besides the in-memory signature cache, the Engine can
 * keep every node's outputs in a ResultStore, content-addressed by the node's signature and
 * the backend (results may differ by backend within float32 tolerance) — the CLI's
 * `--cache <dir>` (cli/dirStore.ts). A stored result is used instead of computing; a store
 * that fails (a full disk, a damaged file) only costs the computation, never the run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType } from '@tensorflow/tfjs-core';
import type { PortSpec, Value } from './types';
import { hashValue } from './signature';

/** One stored output: a number, or a tensor's dtype, shape and values. */
export type StoredValue = { readonly kind: 'number'; readonly value: number } | { readonly kind: 'tensor'; readonly dtype: DataType; readonly shape: readonly number[]; readonly data: Float32Array | Int32Array | Uint8Array };

export interface ResultStore {
  /** The outputs stored under `key`, or null (never stored, or unreadable: then it is as if not stored). */
  get(key: string): Promise<Readonly<Record<string, StoredValue>> | null>;
  /** Stores outputs under `key` (atomically: a reader sees all of them or none). */
  put(key: string, outputs: Readonly<Record<string, StoredValue>>): Promise<void>;
}

/** The store key of a node result: its signature on a backend. */
export function storeKey(signature: string, backend: string): string {
  return hashValue({ s: signature, b: backend });
}

/** A stored result as outputs of a node with `ports` (new tensors), or null when it does not fit them. */
export function outputsFromStore(stored: Readonly<Record<string, StoredValue>>, ports: Readonly<Record<string, PortSpec>>): Record<string, Value> | null {
  for (const [port, spec] of Object.entries(ports)) {
    const v = Object.prototype.hasOwnProperty.call(stored, port) ? stored[port] : undefined;
    if (!v || (v.kind === 'number') !== (spec.type === 'number')) return null;
  }
  const outputs: Record<string, Value> = {};
  for (const port of Object.keys(ports)) {
    const v = stored[port]!;
    outputs[port] = v.kind === 'number' ? v.value : tf.tensor(v.data, [...v.shape], v.dtype);
  }
  return outputs;
}

/** A node's outputs as they are stored (tensor values read back), or null for an output that cannot be. */
export async function storedFromOutputs(outputs: Readonly<Record<string, unknown>>, ports: Readonly<Record<string, PortSpec>>): Promise<Record<string, StoredValue> | null> {
  const out: Record<string, StoredValue> = {};
  for (const port of Object.keys(ports)) {
    const v = outputs[port];
    if (typeof v === 'number') out[port] = { kind: 'number', value: v };
    else if (v instanceof tf.Tensor) out[port] = { kind: 'tensor', dtype: v.dtype, shape: [...v.shape], data: (await v.data()) as Float32Array | Int32Array | Uint8Array };
    else return null;
  }
  return out;
}
