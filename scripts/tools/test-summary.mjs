// Prints the plain closing line "N passed, N failed" summed over vitest JSON reports
// (default: the unit report tmp/vitest-report.json and the end-to-end report
// tmp/vitest-e2e-report.json). A missing or unsuccessful report fails.
import { existsSync, readFileSync } from 'node:fs';
const files = process.argv.length > 2 ? process.argv.slice(2) : ['tmp/vitest-report.json', 'tmp/vitest-e2e-report.json'];
let passed = 0;
let failed = 0;
let ok = true;
const notes = [];
for (const file of files) {
  if (!existsSync(file)) {
    ok = false;
    notes.push(`${file} is missing`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  if (!r.success) {
    ok = false;
    notes.push(`${file}: not successful`);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed${notes.length ? ` (${notes.join('; ')})` : ''}`);
process.exit(failed > 0 || !ok ? 1 : 0);
