/** A kernel helper thread in Node: loads the kernels and serves bands (helper.ts) on the parent port. */
import { parentPort } from 'node:worker_threads';
import { helperMain } from './helper';

if (!parentPort) throw new Error('nodeHelperMain runs as a worker thread');
const port = parentPort;
// Node's MessagePort delivers the message itself to 'message' listeners (no event object).
await helperMain({ postMessage: (m: unknown) => port.postMessage(m), on: (event: 'message', fn: (m: unknown) => void) => port.on(event, fn) });
