// `npm run mutation` (scripts/mutation.mjs): mutation testing of the DOM-free core (src/core) with
// StrykerJS. Not part of CI. Each mutant is checked by the core suite (test/core/*.test.ts: real
// scripted servers and a virtual clock in headless Chromium), fast: Stryker's command
// (scripts/mutation-client.mjs) asks a long-lived test daemon (scripts/mutation-daemon.mjs), started
// by the first call in Stryker's sandbox, to run the tests with the mutant's id active. The daemon
// keeps one web-test-runner + Chromium warm, learns in its warm-up run which tests reach which
// mutant (Stryker's coverage counters, read from each test page) and runs only those, with mocha's
// bail and short per-test timeouts. scripts/mutation.mjs stops the daemon when Stryker ends.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Every file of the core but transport.ts (only types) and http-api.ts (only re-exports): no mutant.
  mutate: ['src/core/**/*.ts', '!src/core/transports/transport.ts', '!src/core/http-api.ts'],
  testRunner: 'command',
  commandRunner: { command: 'node scripts/mutation-client.mjs' },
  // The command runner cannot tell Stryker what each test covers; the daemon does that itself.
  coverageAnalysis: 'off',
  // Two sandboxes, each with its own daemon: many core tests wait on real time (HTTP polling paces
  // itself in seconds), so two mutants at once nearly halve the time even on 2 cores.
  concurrency: 2,
  // Added to 1.5 × the dry run (the daemon's start and warm-up, about a minute). The daemon fails a run
  // itself after 40 s (MUTATION_RUN_TIMEOUT_MS), so this one is only a backstop.
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  // The suite reads these; node_modules is linked, not copied.
  // dist/ stays: the runner's config loads dist/server (npm run mutation builds it first).
  ignorePatterns: ['/examples', '/docs', '/bench', '/reports', '/.stryker-tmp', '/.mutation-*'],
};
