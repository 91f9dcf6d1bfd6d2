/**
 * Prints the restoration table of every inpaint method on held-out MNIST digits
 * (scripts/training/lib/inpaintEval.ts: PSNR and SSIM in the hole, recognition rate; square and stroke
 * masks). `npm run eval:models` stores the same figures in the manifest.
 *
 *   npx tsx scripts/training/eval-inpaint.ts [--count 500] [--methods telea,gan]
 */
import { SHIPPED } from '../../src/models/manifest';
import { createNodeHost } from '../../src/cli/host';
import { INPAINT_METHODS } from '../../src/nodes/inpaint';
import { loadLayersModelFrom } from '../../src/nodes/lib/modelLoad';
import { modelsRoot, readModelFileFromDisk } from '../../src/models/nodeIO';
import { evalInpaint, inpaintTable } from './lib/inpaintEval';
import { initTraining, parseArgs } from './train-common';

const args = parseArgs();

async function main(): Promise<void> {
  await initTraining();
  const cls = await loadLayersModelFrom((p) => readModelFileFromDisk(p, modelsRoot()), SHIPPED.classifier('mnist'));
  const host = createNodeHost({ baseDir: process.cwd(), maxImageSide: 8192 });
  const methods = args.methods ? args.methods.split(',') : [...INPAINT_METHODS];
  const f = await evalInpaint(cls, host, Number(args.count ?? 500), methods, (m) => console.log(m));
  console.log(`\n${inpaintTable(f)}\n`);
  process.exit(0);
}

main().catch((e) => {
  console.error(String((e as Error)?.stack ?? e).slice(0, 2000));
  process.exit(1);
});
