// Tests run in headless Chromium against real `ws` servers on 127.0.0.1 (test/helpers/ws-server.ts).
// Run with `npm test` (scripts/test.mjs), which prints CI's `N passed, N failed` as the last line.
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { countReporter } from './scripts/count-reporter.mjs';
import { mockPlugin } from './test/helpers/mock-plugin.mjs';
import { httpServerPlugin } from './test/helpers/http-server-plugin.mjs';
import { wsServerPlugin } from './test/helpers/ws-server-plugin.mjs';
import { sourcePlugin } from './test/helpers/source-plugin.mjs';
import { fcSeedPlugin } from './test/helpers/fc-seed-plugin.mjs';
import { bundlePlugin } from './test/helpers/bundle-plugin.mjs';
import { chunkGate } from './test/helpers/chunk-gate-plugin.mjs';
import { viteApp } from './test/helpers/vite-app-plugin.mjs';
import { chromiumLaunch } from './scripts/chromium.mjs';

/**
 * The strict policy of the hardening issue; test/csp/page.html is served with it (test/csp.test.ts).
 * `connect-src` is the README's: the instance's host over the websocket and HTTP (after linking the
 * element reads GetWaSettings for the account's avatar).
 */
export const STRICT_CSP =
  "default-src 'none'; script-src 'self'; connect-src ws://127.0.0.1:* http://127.0.0.1:*; img-src data:; style-src 'self'; require-trusted-types-for 'script'";

/** The drop-in build under /__dropin/<folder>/, whose files tests can refuse or hold (test/chunks.test.ts). */
const dropInGate = chunkGate();
/** A Vite app that imports the package, built on first use (test/vite-app.test.ts). */
const viteAppServer = viteApp();

const concurrency = Number(process.env.WTR_CONCURRENCY) || Math.min(2, Math.max(1, os.cpus().length));

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 120_000,
  middleware: [
    (context, next) => {
      if (context.path.startsWith('/test/csp/')) context.set('Content-Security-Policy', STRICT_CSP);
      return next();
    },
    dropInGate.middleware,
    viteAppServer.middleware,
  ],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    wsServerPlugin(),
    fcSeedPlugin(),
    bundlePlugin(),
    dropInGate.plugin,
    viteAppServer.plugin,
    httpServerPlugin(),
    mockPlugin(),
    sourcePlugin(),
    // Runs dist/server, which `npm test` builds first.
    (await import('./test/helpers/link-server-plugin.mjs')).linkServerPlugin(),
  ],
  browsers: [
    chromeLauncher({
      // One window per test page: in a shared window only the front tab is visible, and hidden
      // pages never run requestAnimationFrame or finish img.decode() (tests would hang).
      createPage: ({ context }) => context.newPage({ type: 'window' }),
      launchOptions: chromiumLaunch([
        '--disable-dev-shm-usage',
        // With concurrency > 1 the test pages share one window; keep background pages at full
        // speed (timers, image decoding, rendering).
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
        '--disable-backgrounding-occluded-windows',
      ]),
    }),
  ],
  // `npm run mutation` (StrykerJS, command runner): the active mutant's id reaches the instrumented
  // code through the environment in Node, but the tests run in a browser: hand it over on the page.
  ...(process.env.__STRYKER_ACTIVE_MUTANT__
    ? {
        testRunnerHtml: (testFramework) =>
          `<html><body><script>globalThis.__stryker__ = { activeMutant: ${JSON.stringify(process.env.__STRYKER_ACTIVE_MUTANT__)} };</script><script type="module" src="${testFramework}"></script></body></html>`,
      }
    : {}),
  testFramework: {
    config: { ui: 'bdd', timeout: 10_000 },
  },
  reporters: [defaultReporter(), countReporter()],
};
