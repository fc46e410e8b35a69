// The layers of src/: core (DOM-free, no Lit) → element (Lit) → adapters; nothing imports back up.
import { expect } from '@open-wc/testing';
import { command } from './helpers/command.js';

const layerOf = (file: string) =>
  file.startsWith('src/core/') ? 'core' : file.startsWith('src/element/') ? 'element' : file.startsWith('src/adapters/') ? 'adapters' : 'entry';
const RANK = { core: 0, element: 1, adapters: 2, entry: 3 } as const;

describe('layers of src/', () => {
  it('no module imports from a layer above its own (core → element → adapters → entry points)', async () => {
    const graph = await command<Record<string, string[]>>('source-import-graph', {}, { required: true });
    const files = Object.keys(graph);
    expect(files).to.include.members(['src/core/scan-session.ts', 'src/core/phone-link-session.ts', 'src/element/green-qr-scan.ts', 'src/adapters/react.ts']);
    const upward: string[] = [];
    for (const [file, targets] of Object.entries(graph)) {
      for (const target of targets.filter((t) => t.startsWith('src/'))) {
        if (RANK[layerOf(target)] > RANK[layerOf(file)]) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });

  it('the core imports nothing but the core: no Lit, no package at all', async () => {
    const graph = await command<Record<string, string[]>>('source-import-graph', {}, { required: true });
    const outside = Object.entries(graph)
      .filter(([file]) => file.startsWith('src/core/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('src/core/')).map((t) => `${file} → ${t}`));
    expect(outside).to.deep.equal([]);
  });

  it('green-qr-scan/session.js bundles to core modules only, with no external import', async () => {
    const bundle = await command<{ inputs: string[]; externalImports: string[]; bytes: number }>('source-bundle-core', {}, { required: true });
    expect(bundle.externalImports).to.deep.equal([]);
    expect(bundle.inputs.filter((p) => !p.startsWith('src/core/') && p !== 'src/session.ts')).to.deep.equal([]);
    expect(bundle.inputs).to.include('src/core/phone-link-session.ts');
  });

  // Issue 10's shape, kept: the element is properties, lifecycle and small views; the session is the
  // state machine (its transports and checks live elsewhere).
  it('the element file stays under 300 lines with no function over 40; the QR session under 250', async () => {
    const files = ['src/element/green-qr-scan.ts', 'src/core/scan-session.ts', 'src/element/views.ts', 'src/core/phone-link-session.ts'];
    const shapes = await command<Record<string, { lines: number; functions: { line: number; name: string; lines: number }[] }>>('source-shapes', { files }, { required: true });
    expect(shapes['src/element/green-qr-scan.ts'].lines).to.be.below(300);
    expect(shapes['src/core/scan-session.ts'].lines).to.be.below(250);
    // The scan finds functions (a scan that found none could not fail).
    expect(shapes['src/element/green-qr-scan.ts'].functions.map((f) => f.name)).to.include.members(['protected override render() {', 'restart(): void {']);
    const long = Object.entries(shapes).flatMap(([file, s]) => s.functions.filter((f) => f.lines > 40).map((f) => `${file}:${f.line} ${f.name} (${f.lines} lines)`));
    expect(long).to.deep.equal([]);
  });
});
