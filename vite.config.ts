import { defineConfig } from 'vite';
import { minifyCssPlugin } from './scripts/minify-css.mjs';

// Builds the drop-in CDN file: a minified ES module with Lit inlined that registers the element
// (src/bundled.ts), plus the parts it loads on demand (the phone path, the HTTP transport, Logout,
// GREEN-API's HTTP methods, Russian) as chunks in the same folder, imported with relative
// `import("./…")`: a copy of dist/ on a CDN works unchanged. Chunk names carry a hash of their
// content, so they are the same on any machine (scripts/build.mjs minifies them fully).
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
    // No `<link rel=modulepreload>` helper: the chunks are loaded only when needed.
    modulePreload: false,
    lib: {
      entry: 'src/bundled.ts',
      formats: ['es'],
      fileName: () => 'green-qr-scan.bundled.js',
    },
    rollupOptions: {
      output: {
        chunkFileNames: 'green-qr-scan.[name]-[hash].js',
        // GREEN-API's HTTP side (src/core/http-api.ts and what it re-exports) is one chunk, shared
        // by the sessions, Logout and the phone path, rather than several small ones (each file
        // compresses on its own). Only these modules: what they import from the element's own
        // code stays in the drop-in file.
        // Its requests and GetSettings' lookup are a chunk of their own (`green-api`): the one
        // GetSettings of `messenger="auto"` (the default) needs only them before the first QR code.
        manualChunks: (id) =>
          /\/src\/core\/(green-api|messenger-lookup)\.ts$/.test(id)
            ? 'green-api'
            : /\/src\/core\/(http-api|instance-checks|state-poller|wa-account|transports\/http-poll)\.ts$/.test(id)
              ? 'http-api'
              : undefined,
        onlyExplicitManualChunks: true,
      },
      // The entry may export more than src/bundled.ts does (what its chunks import from it), so
      // that it is the one file that holds Lit and the element (no facade in front of it).
      preserveEntrySignatures: 'allow-extension',
    },
  },
  esbuild: {
    legalComments: 'none',
    // Russian as UTF-8, not `\u` escapes (module scripts are always decoded as UTF-8).
    charset: 'utf8',
  },
});
