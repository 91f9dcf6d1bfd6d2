/**
 * What every node component (each rendered in its own Vue app by rete-vue-plugin) shares
 * with the editor: provided to those apps under SHARED_KEY.
 */
import type { InjectionKey } from 'vue';
import type { RunState } from '../state/runState';
import type { EditorCore } from './editorCore';

export interface UiState {
  /** Bumped per node when its params change (node components re-read them). */
  paramVersion: Record<string, number>;
  readonly: boolean;
  /** The node shown in the preview panel. */
  previewNode: string | null;
  /** Full node detail (param widgets); off when zoomed far out, so big graphs stay light. */
  detail: boolean;
  /** A big graph zoomed far out: every node is drawn lite (logic/lod.ts). */
  lite: boolean;
  /**
   * The nodes of a big graph near the viewport (drawn in full, thumbnails decoded); the rest
   * are lite. Null: every node is near (a small graph). Replaced, never mutated.
   */
  near: ReadonlySet<string> | null;
  /** asset:<hash> → file name, for image.load nodes whose image was picked. */
  assetNames: Record<string, string>;
  /** "My components": row id → the version kept (an instance of an older one offers "Update"). */
  libraryVersions: Record<string, number>;
}

export interface CanvasShared {
  core(): EditorCore | null;
  readonly run: RunState;
  readonly ui: UiState;
  /** Validated param edit; returns the refusal message or null. */
  setParam(node: string, name: string, value: unknown, opts?: { record?: boolean; from?: unknown }): string | null;
  /** Opens the file dialog for an image.load node. */
  pickImage(node: string): void;
  /** Shows an output in the preview panel (`compare`: as the B side). */
  preview(node: string, port: string, compare?: boolean): void;
  notice(text: string, kind?: 'error' | 'info'): void;
  /** "Update" on an instance whose component "My components" holds in a newer version. */
  updateComponent(node: string): void;
}

export const SHARED_KEY: InjectionKey<CanvasShared> = Symbol('pixel-loom-canvas');
