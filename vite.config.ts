import { defineConfig } from 'vite';
import { minifyCssPlugin } from './scripts/minify-css.mjs';

// Builds the drop-in CDN file: one minified ES module with Lit inlined that registers the element.
// (The unbundled ESM build for npm is tsc's output; see scripts/build.mjs.) The CSS of Lit's `css`
// templates is minified at build time (scripts/minify-css.mjs), here and in the ESM build.
export default defineConfig({
  plugins: [minifyCssPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: 'esbuild',
    sourcemap: false,
    lib: {
      entry: 'src/define.ts',
      formats: ['es'],
      fileName: () => 'green-qr-scan.bundled.js',
    },
    rollupOptions: {
      output: { inlineDynamicImports: true },
    },
  },
  esbuild: {
    legalComments: 'none',
  },
});
