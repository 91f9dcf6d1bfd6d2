/**
 * Files in and out of the editor: export (.graph.json, self-contained with images, a PNG of an
 * output carrying the graph), import (graph files and PNGs with a graph become new library
 * graphs; refused files change nothing), `?graph=` links to other origins (fetched only after
 * the user confirms), and images picked for an image.load node.
 */
import { documentText, validateGraphDocument, type GraphDocument } from '../../engine/format';
import type { GraphRow } from '../../storage/db';
import { isPng, readGraphFromPng } from '../../storage/pngGraph';
import { collectAssetIds, embedAssets, extractEmbedded } from '../../storage/share';
import { graphSlug, outputPng, pngFileName } from '../logic/exportPng';
import { linkImportKey } from '../logic/graphLink';
import { importedWithMissingImagesNotice } from '../logic/missingImages';
import type { EngineSession } from './engine';
import { absoluteBase, errorText, plural, type EditorSession } from './session';

/** The name an imported file gets when the graph has none: the file name without its extension. */
export function fileStem(label: string): string {
  const base = label.split(/[\\/]/).pop() ?? label;
  return base.replace(/\.(graph\.)?json$/i, '').replace(/\.png$/i, '') || 'Imported graph';
}

export function looksLikePng(file: { type: string; name: string }): boolean {
  return file.type === 'image/png' || /\.png$/i.test(file.name);
}

/** Whether a dropped file may become an image.load node. */
export function isLoadableImage(file: { type: string; name: string }): boolean {
  return /^image\/(png|jpeg|webp)$/.test(file.type) || /\.(png|jpe?g|webp)$/i.test(file.name);
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export interface ImportOptions {
  base?: string;
  reason?: 'import' | 'create';
  name?: string;
  importKey?: string;
}

export interface ImportDeps {
  openRow(row: GraphRow): Promise<void>;
}

export function createImportExport(s: EditorSession, engine: EngineSession, deps: ImportDeps, save: (blob: Blob, name: string) => void = download) {
  const { state, library } = s;

  /** Downloads the canonical .graph.json of the current graph. */
  function exportGraph(): void {
    const c = s.core.value;
    if (!c) return;
    save(new Blob([s.currentText()], { type: 'application/json' }), `${graphSlug(c.root.name)}.graph.json`);
  }

  /** Reads a source for the self-contained export: stored assets, and files the app serves. */
  async function readSource(source: string): Promise<{ bytes: Uint8Array; type: string } | null> {
    if (source.startsWith('asset:')) {
      const row = await library.getAsset(source);
      return row ? { bytes: new Uint8Array(await row.bytes.arrayBuffer()), type: row.type } : null;
    }
    const url = new URL(source, absoluteBase(s.current.base));
    const res = await fetch(url.href).catch(() => null);
    if (!res || !res.ok || /text\/html/i.test(res.headers.get('content-type') ?? '')) return null;
    return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get('content-type') ?? '' };
  }

  /** Downloads the graph with every image it uses embedded as a data: URL. */
  async function exportEmbedded(): Promise<void> {
    const c = s.core.value;
    if (!c) return;
    try {
      const { doc, missing } = await embedAssets(c.document(), readSource, { origin: location.origin });
      save(new Blob([documentText(doc)], { type: 'application/json' }), `${graphSlug(c.root.name)}.self-contained.graph.json`);
      if (missing.length) s.notice(`Exported without ${plural(missing.length, 'image')} that could not be read: ${missing.join(', ')}`, 'error');
    } catch (e) {
      s.notice(`Cannot export a self-contained file: ${errorText(e)}`, 'error');
    }
  }

  /** Downloads the previewed output as a PNG with the graph inside. */
  async function exportPng(sel: { node: string; port: string }): Promise<void> {
    const c = s.core.value;
    if (!c || !s.client) return;
    try {
      const out = await s.client.getOutput(sel.node, sel.port);
      const bytes = await outputPng(out, s.currentText());
      save(new Blob([bytes.slice().buffer], { type: 'image/png' }), pngFileName(c.root.name, sel.node));
    } catch (e) {
      s.notice(`Cannot export ${sel.node}.${sel.port} as PNG: ${errorText(e)}`, 'error');
    }
  }

  /** The user confirmed a `?graph=` link to another origin: fetch and open it now. */
  async function openLinkPrompt(): Promise<void> {
    const url = state.linkPrompt;
    state.linkPrompt = null;
    if (!url) return;
    try {
      const { text, base } = await engine.fetchGraph(url);
      await importGraphText(text, url, { base, reason: 'create', importKey: linkImportKey(text) });
    } catch (e) {
      s.notice(`Cannot open ${url}: ${errorText(e)}`, 'error');
    }
  }

  /** The user declined a `?graph=` link: it is dropped from the address, nothing was requested. */
  function dismissLinkPrompt(): void {
    state.linkPrompt = null;
    const url = new URL(location.href);
    url.searchParams.delete('graph');
    history.replaceState(history.state, '', url.href);
  }

  /**
   * Graph file text → a NEW library graph, opened. Refused (errors panel, notice, nothing
   * stored) when it is not JSON or does not validate (newer version, bad params, …). data: URL
   * images become stored assets. With `importKey` (a `?graph=` link), a library graph imported
   * before from the same text is opened instead of adding another copy at every visit.
   */
  async function importGraphText(text: string, label: string, opts: ImportOptions = {}): Promise<boolean> {
    const refuse = (issues: { path: string; message: string }[], why: string): false => {
      state.importIssues = issues;
      state.errorsOpen = true;
      s.notice(`Cannot import ${label}: ${why}. The library is unchanged.`, 'error');
      return false;
    };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return refuse([{ path: '', message: `${label} is not JSON: ${errorText(e)}` }], 'it is not JSON');
    }
    const issues = validateGraphDocument(json, s.registry!);
    if (issues.length) return refuse([...issues], `${plural(issues.length, 'problem')} (see the errors panel)`);
    if (opts.importKey !== undefined) {
      const earlier = await library.findImported(opts.importKey).catch(() => null);
      if (earlier) {
        try {
          await deps.openRow(earlier);
          s.notice(`Opened "${earlier.name}" from your library: this link was opened before (Duplicate it in the library for another copy).`, 'info');
          return true;
        } catch {
          /* it does not open any more: import a fresh copy */
        }
      }
    }
    let extracted: ReturnType<typeof extractEmbedded>;
    try {
      extracted = extractEmbedded(json as GraphDocument);
    } catch (e) {
      return refuse([{ path: '', message: errorText(e) }], 'an embedded image is broken');
    }
    const doc = extracted.doc as GraphDocument;
    const wanted = opts.name ?? (typeof doc.name === 'string' && doc.name.trim() ? doc.name : fileStem(label));
    // a new graph never takes the name of one already in the library: "name (2)", …
    const name = await library.freeName(wanted).catch(() => wanted);
    let row: GraphRow;
    try {
      row = await library.create({
        name,
        text: s.canonicalText(doc, name),
        base: opts.base ?? '/',
        assets: extracted.assets.map((a) => ({ id: a.id, bytes: a.bytes, type: a.type, name: a.name })),
        reason: opts.reason ?? 'import',
        ...(opts.importKey !== undefined ? { importKey: opts.importKey } : {}),
      });
    } catch (e) {
      s.notice(`Cannot import ${label}: ${errorText(e)}`, 'error');
      return false;
    }
    try {
      await deps.openRow(row);
    } catch (e) {
      s.notice(`Imported "${row.name}" into the library, but it does not open: ${errorText(e)}`, 'error');
      return false;
    }
    if ((opts.reason ?? 'import') === 'import') {
      // opening it may have said that images are missing: the import notice repeats that
      const missing = await library.missingAssets(collectAssetIds(doc)).catch(() => []);
      if (missing.length) s.notice(importedWithMissingImagesNotice(row.name, missing), 'error');
      else s.notice(`Imported "${row.name}" as a new graph in the library.`, 'info');
    }
    return true;
  }

  /**
   * A file given to Import or dropped: a .graph.json or a PNG carrying a graph becomes a new
   * library graph. Returns 'image' for a PNG without a graph (the caller decides what that
   * means), else whether it was imported.
   */
  async function importFile(file: File): Promise<boolean | 'image'> {
    if (looksLikePng(file)) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (!isPng(bytes)) {
        s.notice(`Cannot import ${file.name}: it is named like a PNG but is not a PNG file.`, 'error');
        return false;
      }
      let text: string | null;
      try {
        text = readGraphFromPng(bytes);
      } catch (e) {
        s.notice(`Cannot read ${file.name}: ${errorText(e)}`, 'error');
        return false;
      }
      if (text === null) return 'image';
      return importGraphText(text, file.name);
    }
    return importGraphText(await file.text(), file.name);
  }

  async function onImportFile(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const r = await importFile(file);
    if (r === 'image') s.notice(`${file.name} is a PNG without a pixel-loom graph in it, so there is nothing to import. To use it as an image, drop it on the canvas or pick it in a Load image node.`, 'error');
  }

  async function onImagePicked(e: Event): Promise<void> {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    const node = s.pickTarget;
    s.pickTarget = null;
    if (!file || !node) return;
    const id = await engine.putImage(file);
    if (id) s.setParam(node, 'source', id);
  }

  return { exportGraph, exportEmbedded, exportPng, openLinkPrompt, dismissLinkPrompt, importGraphText, importFile, onImportFile, onImagePicked };
}

export type ImportExport = ReturnType<typeof createImportExport>;
