/**
 * `image.save`: marks an image as a result to keep. The node itself only validates its
 * input; the HOST writes the file, reading the image from the node's upstream output:
 * the CLI writes `<out>/<name>.png` (`bitDepth` 8: `Math.round(clamp(v)·255)`; 16:
 * `Math.round(clamp(v)·65535)`), the browser offers it as a download named `<name>.png`. Use `saveFileName(name)` for the file name.
 */
import { defineNode } from '../engine/defineNode';
import { asImage } from './lib/image';

const FORBIDDEN = /[/\\:*?"<>|\u0000-\u001f\u007f]/;

/**
 * Checks that `name` is a safe file base name: not empty, at most 100 characters, no path
 * separators or characters Windows forbids, no `..`, not starting with a dot or space.
 * Returns null when acceptable, else the reason.
 */
export function checkSaveName(name: string): string | null {
  if (name.trim() === '') return 'param name must not be empty';
  if (name.length > 100) return `param name is ${name.length} characters long; the maximum is 100`;
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    const ch = bad[0];
    const shown = ch < ' ' || ch === '\u007f' ? `control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : `"${ch}"`;
    return `param name ${JSON.stringify(name)} contains ${shown}; use a plain file name without folders`;
  }
  if (name.includes('..')) return `param name ${JSON.stringify(name)} contains ".."; use a plain file name`;
  if (name.startsWith('.') || name.startsWith(' ') || name.endsWith(' ')) {
    return `param name ${JSON.stringify(name)} must not start with a dot or start/end with a space`;
  }
  return null;
}

/** `<name>.png`, unless the name already ends in `.png` (any case). */
export function saveFileName(name: string): string {
  return /\.png$/i.test(name) ? name : `${name}.png`;
}

export const imageSave = defineNode({
  type: 'image.save',
  title: 'Save image',
  category: 'IO',
  description:
    'Saves its input as a PNG named <name>.png (CLI: in the --out folder; browser: a download), 8 or 16 bits per sample. Values are clamped to [0, 1] and rounded.',
  version: 1,
  inputs: { image: { type: 'image' } },
  outputs: {},
  params: {
    name: { kind: 'string', default: 'image', maxLength: 100, label: 'File name', description: 'Base name of the PNG file (no folders)' },
    bitDepth: {
      kind: 'int',
      default: 8,
      min: 8,
      max: 16,
      step: 8,
      label: 'Bit depth',
      description: '8 or 16 bits per sample: 16 keeps the precision of a restoration pipeline (65,536 levels)',
    },
  },
  check: (params) =>
    checkSaveName(params.name) ?? (params.bitDepth === 8 || params.bitDepth === 16 ? null : `param bitDepth is ${params.bitDepth}; it must be 8 or 16`),
  compute({ inputs }) {
    asImage(inputs.image);
    return {};
  },
});
