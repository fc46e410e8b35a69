// web-test-runner reporter that produces CI's last line: `N passed, N failed` (`, N skipped` only if
// any). A test file that failed to load, timed out or otherwise failed without a failing test
// counts as one failure.
//
// Under `npm test` (scripts/test.mjs) the counts are written as JSON to $WTR_COUNT_FILE and the
// wrapper prints the line after web-test-runner has exited, so nothing can follow it. Run directly
// (`npx wtr`), the reporter prints the line itself from the process's `exit` event, after the
// runner's own final progress output.
import { writeFileSync } from 'node:fs';

/** Counts tests in a (nested) suite result. */
function countSuite(suite, counts) {
  if (!suite) return;
  for (const test of suite.tests ?? []) {
    if (test.skipped) counts.skipped++;
    else if (test.passed) counts.passed++;
    else counts.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, counts);
}

/** `{passed, failed, skipped, total}` over the latest result of every session. */
export function countSessions(sessions) {
  const counts = { passed: 0, failed: 0, skipped: 0, total: 0 };
  for (const session of sessions) {
    const own = { passed: 0, failed: 0, skipped: 0 };
    countSuite(session.testResults, own);
    // A failed session without a failing test (load error, timeout, browser crash, uncaught
    // error outside a test) is a failure too.
    if (own.failed === 0 && (session.passed === false || (session.errors?.length ?? 0) > 0)) own.failed = 1;
    counts.passed += own.passed;
    counts.failed += own.failed;
    counts.skipped += own.skipped;
  }
  counts.total = counts.passed + counts.failed + counts.skipped;
  return counts;
}

/** The exact CI line. */
export function countLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export function countReporter() {
  let counts;
  return {
    start() {
      const file = process.env.WTR_COUNT_FILE;
      if (file) return;
      process.once('exit', (code) => {
        const c = counts ?? { passed: 0, failed: 0, skipped: 0, total: 0 };
        let out = '\n';
        if (c.passed + c.failed === 0) out += 'no tests ran\n';
        out += `${countLine(c)}\n`;
        process.stdout.write(out);
        if (c.passed + c.failed === 0 || c.failed > 0) process.exitCode = code || 1;
      });
    },
    onTestRunFinished({ sessions }) {
      counts = countSessions(sessions);
    },
    stop({ sessions }) {
      counts = countSessions(sessions);
      if (process.env.WTR_COUNT_FILE) writeFileSync(process.env.WTR_COUNT_FILE, JSON.stringify(counts));
    },
  };
}
