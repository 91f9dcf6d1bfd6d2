/**
 * Persistent results (DESIGN.md §4): besides the in-memory signature cache, the Engine can
 * keep every node's outputs in a ResultStore, content-addressed by the node's signature and
 * the backend (results may differ by backend within float32 tolerance) — the CLI's
 * `--cache <dir>` (cli/dirStore.ts). A stored result is used instead of computing; a store
 * that fails (a full disk, a damaged file) only costs the computation, never the run.
 */
import type { DataType } from '@tensorflow/tfjs-core';
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
