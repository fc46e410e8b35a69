// Node side of test/layers.test.ts: reads src/ from disk and answers its import graph, and bundles
// the framework-free core (src/session.ts) with esbuild to list what it pulls in.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');

/** Every .ts file below `dir`, as a sorted list of paths relative to the repo (forward slashes). */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
    .sort();
}

/** `import … from 'x'`, `export … from 'x'`, `import('x')` and `import 'x'` (type-only ones too). */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importGraph() {
  const graph = {};
  for (const file of sources(src)) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = new Set();
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      targets.add(spec.startsWith('.') ? posix.normalize(posix.join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec);
    }
    graph[file] = [...targets].sort();
  }
  return graph;
}

async function bundleCore() {
  const result = await build({
    entryPoints: [join(src, 'session.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    // Anything that is not ours stays an import, so it shows up in the metafile.
    plugins: [{ name: 'externals', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => ({ path: a.path, external: true })) }],
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    inputs: Object.keys(result.metafile.inputs).map((p) => p.split('\\').join('/')).sort(),
    externalImports: output.imports.filter((i) => i.external).map((i) => i.path).sort(),
    bytes: result.outputFiles.reduce((n, f) => n + f.contents.length, 0),
  };
}

export function sourcePlugin() {
  return {
    name: 'source-plugin',
    async executeCommand({ command }) {
      if (command === 'source-import-graph') return importGraph();
      if (command === 'source-bundle-core') return bundleCore();
      return undefined;
    },
  };
}
