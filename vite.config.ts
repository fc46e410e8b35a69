import { defineConfig } from 'vite';

// Builds the drop-in CDN file: one minified ES module with Lit inlined that registers the element.
// (The unbundled ESM build for npm is tsc's output; see scripts/build.mjs.)
export default defineConfig({
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
