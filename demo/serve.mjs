/**
 * `npm run demo`: the GREEN-API mock (127.0.0.1:MOCK_PORT, default 7070) plus a Vite dev server
 * for demo/ (127.0.0.1:DEMO_PORT, default 5173) that compiles ../src on the fly. The page learns
 * the mock's URL from the `__GREEN_QR_MOCK_URL__` constant. MOCK_PROFILE and MOCK_MESSENGER set the
 * stand-in's server-wide profile and messenger (the page can switch both per instance). Works
 * offline. Ctrl-C stops both.
 */
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { parseArgs, startMockServer } from '../mock/server.mjs';

const demoDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** @param {string | undefined} value @param {number} fallback */
function portFrom(value, fallback) {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Not a port: ${value}`);
    process.exit(2);
  }
  return port;
}

const standIn = parseArgs([], { MOCK_PROFILE: process.env.MOCK_PROFILE, MOCK_MESSENGER: process.env.MOCK_MESSENGER });
if (!('options' in standIn)) {
  console.error(`MOCK_PROFILE / MOCK_MESSENGER: ${'error' in standIn ? standIn.error : 'invalid'}`);
  process.exit(2);
}
const { profile, profileOptions, messenger } = standIn.options;
const mock = await startMockServer({ port: portFrom(process.env.MOCK_PORT, 7070), profile, profileOptions, messenger, log: true }).catch((error) => {
  console.error(`Could not start the mock server: ${error.message} (set MOCK_PORT to use another port)`);
  process.exit(1);
});

let vite;
try {
  vite = await createServer({
    configFile: false, // the root vite.config.ts is the library build, not this page
    root: demoDir,
    clearScreen: false,
    logLevel: 'info',
    define: { __GREEN_QR_MOCK_URL__: JSON.stringify(mock.url) },
    server: {
      host: '127.0.0.1',
      port: portFrom(process.env.DEMO_PORT, 5173),
      strictPort: false,
      fs: { allow: [repoRoot] },
    },
  });
  await vite.listen();
} catch (error) {
  console.error(`Could not start Vite: ${error instanceof Error ? error.message : error}`);
  await mock.close();
  process.exit(1);
}

const pageUrl = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
console.log(`\n  green-qr-scan demo   ${pageUrl}`);
console.log(`  GREEN-API mock       ${mock.url}   (control: POST ${mock.url}/mock/{id}/scan …; profile ${profile}, ${messenger})\n`);

let stopping = false;
async function stop() {
  if (stopping) process.exit(1); // a second Ctrl-C: do not wait
  stopping = true;
  console.log('\nStopping…');
  await Promise.allSettled([vite.close(), mock.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
