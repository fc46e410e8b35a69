// Node side of test/helpers/chunk-gate.ts: serves a copy of the drop-in build (the built
// dist/green-qr-scan.bundled.js and its chunks) under `/__dropin/<folder>/`, as a CDN would serve a
// copy of dist/, and lets a test refuse, drop or hold the request for any of its files, to prove that
// a chunk that does not load is a `connection` failure (and that loading one never blocks linking).
// Each test file picks its own folder name, so test files running at the same time never see each
// other's rules. Every request is recorded, so a test can tell which chunks a page loaded.
//
// Commands (executeServerCommand):
//   chunk-gate      {folder, chunk, action}  the chunk by name without its hash (e.g.
//                   `green-qr-scan.phone.js`): `refuse` (404), `drop` (the connection is closed
//                   without an answer: a network error), `hold` (answered once released), `pass`
//                   (served again; releases held requests)
//   chunk-requests  {folder}                 the chunk names requested so far, in order
//   chunk-files     {}                       chunk name → file name, and which load before the first QR
import { readFileSync } from 'node:fs';
import { dropInChunks } from '../../scripts/chunks.mjs';

const PREFIX = '/__dropin/';

/**
 * `{ plugin, middleware }`: the plugin answers the commands, the middleware (in the config's
 * `middleware`, which runs before the dev server's own) serves the files.
 */
export function chunkGate() {
  /** folder → { rules: Map<chunk name, action>, requests: string[], held: Set<() => void> } */
  const folders = new Map();
  const folderOf = (name) => {
    let folder = folders.get(name);
    if (!folder) folders.set(name, (folder = { rules: new Map(), requests: [], held: new Set() }));
    return folder;
  };
  const chunks = () => dropInChunks().chunks;

  const middleware = async (context, next) => {
        if (!context.path.startsWith(PREFIX)) return next();
        const [name, file, ...rest] = context.path.slice(PREFIX.length).split('/');
        const chunk = chunks().find((c) => c.file === file);
        if (!name || !chunk || rest.length) {
          context.status = 404;
          context.body = 'not a file of the drop-in build';
          return;
        }
        const folder = folderOf(name);
        folder.requests.push(chunk.name);
        const action = folder.rules.get(chunk.name);
        if (action === 'hold') {
          await new Promise((release) => folder.held.add(release));
          return serve(context, chunk, folder.rules.get(chunk.name));
        }
        return serve(context, chunk, action);
  };
  const plugin = {
    name: 'chunk-gate',
    async executeCommand({ command, payload }) {
      switch (command) {
        case 'chunk-gate': {
          const { folder: name, chunk, action } = payload ?? {};
          if (!['refuse', 'drop', 'hold', 'pass'].includes(action)) return { error: `unknown action ${action}` };
          if (!chunks().some((c) => c.name === chunk)) return { error: `no chunk named ${chunk} in dist/ (npm run build)` };
          const folder = folderOf(String(name));
          if (action === 'pass') folder.rules.delete(chunk);
          else folder.rules.set(chunk, action);
          if (action !== 'hold') {
            for (const release of [...folder.held]) release();
            folder.held.clear();
          }
          return { ok: true };
        }
        case 'chunk-requests':
          return { requests: [...folderOf(String(payload?.folder)).requests] };
        case 'chunk-files':
          return { chunks: chunks().map((c) => ({ name: c.name, file: c.file, firstQr: c.firstQr })) };
        default:
          return undefined;
      }
    },
  };
  return { plugin, middleware };
}

function serve(context, chunk, action) {
  context.set('cache-control', 'no-store');
  if (action === 'refuse') {
    context.status = 404;
    context.body = 'refused by the test';
    context.remove('etag');
    context.remove('last-modified');
    return;
  }
  if (action === 'drop') {
    context.respond = false;
    context.req.socket.destroy();
    return;
  }
  context.status = 200;
  context.type = 'text/javascript';
  context.body = readFileSync(new URL(chunk.file, new URL('../../dist/', import.meta.url)));
}
