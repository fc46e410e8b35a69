import { createApp } from 'vue';
import 'green-qr-scan'; // registers <green-qr-scan>
import App from './App.vue';

// ?id=1101000001 (the default) picks the instance. The page's backend (tickets, /green-api) is on its
// own origin: the dev server proxies it to examples/backend.mjs (vite.config.ts).
const instanceId = new URLSearchParams(location.search).get('id') ?? '1101000001';

createApp(App, { instanceId }).mount('#app');
