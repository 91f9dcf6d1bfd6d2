/**
 * Browser entry. Starts the evaluation worker first (engine + tfjs live there, never on the
 * main thread), then loads and mounts the editor while the worker boots.
 */
import { createApp } from 'vue';
import { prestartEngineWorker } from '../editor/engineClient';
import { prefetchGraph } from '../editor/shell/prefetch';

performance.mark('pl:main');
prestartEngineWorker();
prefetchGraph(location.search, location.href);
const { default: App } = await import('../editor/App.vue');
performance.mark('pl:app-loaded');
createApp(App).mount('#app');
performance.mark('pl:app-mounted');
