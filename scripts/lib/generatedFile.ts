/**
 * A file generated from the sources (the graph JSON schema, the editor's node catalogue):
 * written, or with `--check` on the command line compared with the committed one (exit 1
 * and the command to run when it is out of date).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function writeOrCheck(file: string, text: string, command: string): void {
  if (!process.argv.includes('--check')) {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing file: out of date
  }
  if (current !== text) {
    process.stderr.write(`${file} is out of date; run \`${command}\`\n`);
    process.exit(1);
  }
  process.stdout.write(`${file} is up to date\n`);
}
