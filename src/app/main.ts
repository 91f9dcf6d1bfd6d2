/** Browser entry: mounts the editor. The engine and tfjs start in a worker (src/worker). */
import { createApp } from 'vue';
import App from '../editor/App.vue';

createApp(App).mount('#app');
