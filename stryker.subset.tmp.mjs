import base from './stryker.config.mjs';
export default {
  ...base,
  mutate: ['src/core/failures.ts', 'src/core/rate-gate.ts', 'src/core/state-poller.ts', 'src/core/link-session.ts'],
  commandRunner: { command: 'node scripts/test.mjs --files test/core/failures.test.ts test/core/rate-gate.test.ts test/core/state-poller.test.ts test/core/phone-link-session.test.ts test/core/scan-session.test.ts' },
  concurrency: 2,
  htmlReporter: { fileName: 'reports/mutation/subset.html' },
};
