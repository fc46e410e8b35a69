import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `npm run dev`: the page's backend (the ticket route and green-qr-scan/server) is
// `node examples/backend.mjs` on 127.0.0.1:8080, reached through the dev server's own origin.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  base: './', // the built app works from any path
  plugins: [
    vue({
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'green-qr-scan' } },
    }),
  ],
  server: { proxy: { '/api': backend, '/green-api': { target: backend, ws: true } } },
});
