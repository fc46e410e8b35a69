import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  base: './', // the built app works from any path
  plugins: [
    vue({
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'green-qr-scan' } },
    }),
  ],
});
