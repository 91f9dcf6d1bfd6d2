// Prints the plain closing line "N passed, N failed" from vitest's JSON report.
import { readFileSync } from 'node:fs';
const file = process.argv[2] ?? 'tmp/vitest-report.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
const failed = r.numFailedTests ?? 0;
console.log(`tests: ${r.numPassedTests ?? 0} passed, ${failed} failed`);
process.exit(failed > 0 || !r.success ? 1 : 0);
