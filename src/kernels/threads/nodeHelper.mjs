// Node entry of a kernel helper thread: worker threads do not inherit the TypeScript loader of
// the main thread, so register tsx here, then serve bands (helper.ts) on the parent port.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { helperMain } = await import('./helper.ts');
await helperMain(parentPort);
