// Serves `/__bundle/<path>.js`: the project file <path>.ts (or <path>.js), under test/ or src/,
// bundled with esbuild into one ES module (the URL ends in .js so that no other plugin transforms
// the bundle again), dependencies included, as an application's bundler would ship it. For tests
// that load code the dev server cannot serve as is (React is CommonJS) or that need one module
// instance of everything in a fresh frame (test/registration.test.ts).
import { existsSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PREFIX = '/__bundle/';

export function bundlePlugin() {
  return {
    name: 'bundle',
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      const requested = decodeURIComponent(context.path.slice(PREFIX.length));
      const relative = [requested.replace(/\.js$/, '.ts'), requested].find((p) => existsSync(join(root, p))) ?? requested;
      const file = normalize(join(root, relative));
      if (!/^(test|src)\//.test(relative) || !file.startsWith(root + sep) || !existsSync(file)) {
        return { status: 404, body: `no such file to bundle: ${relative}`, type: 'text/plain' };
      }
      try {
        const result = await build({
          entryPoints: [file],
          bundle: true,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          write: false,
          logLevel: 'silent',
          tsconfig: join(root, 'tsconfig.json'),
          define: { 'process.env.NODE_ENV': '"development"' },
          // package.json's `sideEffects` names the dist/ files; from src/ the side-effect imports
          // (`import '../define.js'`) would be dropped.
          ignoreAnnotations: true,
        });
        return { body: result.outputFiles[0].text, type: 'js' };
      } catch (error) {
        return { status: 500, body: `bundling ${relative} failed: ${error.message}`, type: 'text/plain' };
      }
    },
  };
}
