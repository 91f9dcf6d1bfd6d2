// Worker-thread entry of the batch pool (piscina): worker threads do not inherit the
// TypeScript loader of the main thread, so register tsx here, then serve jobs from job.ts.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./job.ts');
export default mod.default;
