// `npm run mutation`: mutation testing of the DOM-free core (src/core) with StrykerJS. Each mutant
// is checked by the fast core suite (`npm run test:core`: test/core/**, real scripted servers and a
// virtual clock in headless Chromium). Not part of CI: a full run takes a long time on 2 cores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/core/**/*.ts'],
  testRunner: 'command',
  commandRunner: { command: 'npm run -s test:core' },
  coverageAnalysis: 'off',
  concurrency: 1,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  // The suite reads these; node_modules is linked, not copied.
  // dist/ stays: the runner's config loads dist/server (npm run mutation builds it first).
  ignorePatterns: ['/examples', '/docs', '/bench', '/reports', '/.stryker-tmp'],
};
