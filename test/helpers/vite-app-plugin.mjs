// Node side of test/vite-app.test.ts: builds a small Vite app that imports `green-qr-scan` (the
// built package: dist/, as an app that installed it sees it, through node_modules/green-qr-scan
// linked to this repository) with this repository's Vite, production settings, once per test run,
// into a scratch folder. Serves it under `/__vite-app/`, records which of its files the page
// requested, and answers what each output chunk holds (the package modules in it, relative to the
// package), so a test can check that the phone path, GREEN-API's HTTP side and Russian are chunks of
// their own that load on demand.
//
// Commands: vite-app-build {} → { entry, chunks: [{ file, isEntry, isDynamicEntry, modules, imports, dynamicImports }] }
//           vite-app-requests {} → { requests: [file, …] }
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PREFIX = '/__vite-app/';

export function viteApp() {
  let built;
  let dir;
  const requests = [];
  const build = () =>
    (built ??= (async () => {
      const { build: viteBuild } = await import('vite');
      dir = mkdtempSync(join(tmpdir(), 'green-qr-scan-vite-app-'));
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(root, join(dir, 'node_modules', 'green-qr-scan'), 'dir');
      writeFileSync(join(dir, 'main.js'), "import 'green-qr-scan';\n");
      const chunks = [];
      // Vite sets NODE_ENV for its build: keep the test runner's as it was.
      const nodeEnv = process.env.NODE_ENV;
      await viteBuild({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        build: {
          outDir: join(dir, 'dist'),
          emptyOutDir: true,
          rollupOptions: { input: { main: join(dir, 'main.js') } },
        },
        plugins: [
          {
            name: 'chunk-report',
            generateBundle(_, bundle) {
              for (const chunk of Object.values(bundle)) {
                if (chunk.type !== 'chunk') continue;
                chunks.push({
                  file: chunk.fileName,
                  isEntry: chunk.isEntry,
                  isDynamicEntry: chunk.isDynamicEntry,
                  modules: Object.keys(chunk.modules)
                    .filter((id) => id.startsWith(root))
                    .map((id) => relative(root, id).split(sep).join('/'))
                    .sort(),
                  imports: chunk.imports,
                  dynamicImports: chunk.dynamicImports,
                });
              }
            },
          },
        ],
      }).finally(() => {
        if (nodeEnv === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = nodeEnv;
      });
      chunks.sort((a, b) => (a.file < b.file ? -1 : 1));
      return { entry: chunks.find((c) => c.isEntry).file, chunks };
    })());

  const middleware = async (context, next) => {
    if (!context.path.startsWith(PREFIX)) return next();
    await build();
    const file = context.path.slice(PREFIX.length);
    const path = normalize(join(dir, 'dist', file));
    if (!path.startsWith(join(dir, 'dist') + sep)) return void (context.status = 404);
    try {
      context.body = readFileSync(path);
    } catch {
      context.status = 404;
      return;
    }
    requests.push(file);
    context.type = 'text/javascript';
    context.set('cache-control', 'no-store');
  };
  const plugin = {
    name: 'vite-app',
    async executeCommand({ command }) {
      if (command === 'vite-app-build') {
        try {
          return await build();
        } catch (error) {
          return { error: `building the Vite app failed: ${error.message}` };
        }
      }
      if (command === 'vite-app-requests') return { requests: [...requests] };
      return undefined;
    },
    serverStop() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return { plugin, middleware };
}
