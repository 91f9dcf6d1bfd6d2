// Node entry of a kernel helper thread when the CLI runs from its TypeScript sources (tests,
// development): worker threads do not inherit the TypeScript loader of the main thread, so
// register tsx here. The built CLI starts dist-cli/nodeHelper.mjs instead.
import { register } from 'tsx/esm/api';

register();
await import('./nodeHelperMain.ts');
