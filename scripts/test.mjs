// `npm test`: runs web-test-runner (web-test-runner.config.mjs), then prints CI's last line
// `N passed, N failed` from the counts that scripts/count-reporter.mjs recorded. Exits non-zero when
// anything failed, when no test ran, or when the runner died before reporting.
// Extra arguments go to web-test-runner, e.g. `npm test -- --files test/protocol.test.ts`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countLine } from './count-reporter.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'wtr-count-'));
const countFile = join(dir, 'counts.json');

const child = spawn(process.execPath, [bin, '--config', 'web-test-runner.config.mjs', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, WTR_COUNT_FILE: countFile },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));

const code = await new Promise((resolve) => {
  child.on('error', (err) => {
    console.error(`could not start web-test-runner: ${err.message}`);
    resolve(1);
  });
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

let counts;
try {
  counts = JSON.parse(readFileSync(countFile, 'utf8'));
} catch {
  counts = undefined;
}
rmSync(dir, { recursive: true, force: true });

let out = '\n';
if (!counts) {
  out += `no tests ran (web-test-runner exited with code ${code} before reporting results)\n`;
  counts = { passed: 0, failed: 0, skipped: 0, total: 0 };
} else if (counts.passed + counts.failed === 0) {
  out += 'no tests ran\n';
}
out += `${countLine(counts)}\n`;
process.stdout.write(out);
process.exitCode = code !== 0 || counts.passed + counts.failed === 0 || counts.failed > 0 ? code || 1 : 0;
