import { createApp } from 'vue';
import 'green-qr-scan'; // registers <green-qr-scan>
import App from './App.vue';

createApp(App).mount('#app');
