// Configuration of `cem analyze` (npm run analyze). The manifest must come out byte for byte the same
// on every machine: the analyzer takes its files in the order the file system lists them (globby),
// so the modules are created here in code-unit order of their paths (no locale-aware comparison),
// and every phase (collect, analyze, link) sees them in that order. A last plugin sorts the
// manifest's modules once more, in case a plugin adds one. scripts/check-generated.mjs proves it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const byPath = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

export default {
  globs: ['src/**/*.ts'],
  // green-qr-scan/server is Node code with no custom element.
  exclude: ['src/server/**'],
  litelement: true,
  overrideModuleCreation: ({ ts, globs }) =>
    [...globs]
      .sort(byPath)
      .map((glob) => ts.createSourceFile(glob, readFileSync(resolve(glob), 'utf8'), ts.ScriptTarget.ES2015, true)),
  plugins: [
    {
      name: 'green-qr-scan/sorted-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => byPath(a.path, b.path));
      },
    },
  ],
};
