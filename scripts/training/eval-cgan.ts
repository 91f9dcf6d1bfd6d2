/**
 * Prints the per-class recognition figures of the shipped class-conditional generator
 * (scripts/training/lib/conditionalEval.ts; `npm run eval:models` stores them in the manifest).
 *
 *   npx tsx scripts/training/eval-cgan.ts --data mnist [--count 500] [--seed 1000]
 */
import { SHIPPED } from '../../src/models/manifest';
import { loadLayersModelFrom } from '../../src/nodes/lib/modelLoad';
import { readModelFileFromDisk, modelsRoot } from '../../src/models/nodeIO';
import { conditionalTable, evalConditional } from './lib/conditionalEval';
import { initTraining, parseArgs, type DataSet } from './train-common';

const args = parseArgs();
const data = (args.data ?? 'mnist') as DataSet;

async function main(): Promise<void> {
  await initTraining();
  const read = (p: string): Promise<Uint8Array> => readModelFileFromDisk(p, modelsRoot());
  const gen = await loadLayersModelFrom(read, SHIPPED.gan(data));
  const cls = await loadLayersModelFrom(read, SHIPPED.classifier(data));
  const f = evalConditional(gen, cls, data, Number(args.count ?? 500), Number(args.seed ?? 1000));
  console.log(`\n${conditionalTable(data, f)}\n\nworst generated / real: ${f.worstRatio.toFixed(3)} (target ≥ 0.95)`);
  process.exit(0);
}

main().catch((e) => {
  console.error(String((e as Error)?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
