// `npm run mutation`: StrykerJS over src/core (stryker.config.mjs), its mutants checked by the test
// daemon (scripts/mutation-daemon.mjs, started by Stryker's command scripts/mutation-client.mjs in
// Stryker's sandbox). Runs Stryker, then stops every daemon that the run started (their pids are
// collected in a temporary file), so no server or browser is left running. Extra arguments go to
// `stryker run`, e.g. `npm run mutation -- --mutate src/core/rate-gate.ts`. Each finished run's JSON
// report is kept in reports/mutation/runs/ (named by its time), so `npm run mutation:score` can add
// up the whole core from runs of a few files each.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mutation-'));
const pids = join(dir, 'daemon-pids');
const bin = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

const { default: strykerConfig } = await import('../stryker.config.mjs');
const report = join(root, strykerConfig.jsonReporter.fileName);
const startedAt = Date.now();
const child = spawn(process.execPath, [bin, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MUTATION_DAEMON_PIDS: pids },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));

let listed = [];
try {
  listed = readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number);
} catch {
  /* no daemon was started */
}
for (const pid of listed) {
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    continue; // gone already
  }
  if (cmd.includes('mutation-daemon.mjs')) process.kill(pid, 'SIGTERM');
}
// Give them a moment to close their browsers, then make sure.
await new Promise((r) => setTimeout(r, 3000));
for (const pid of listed) {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('mutation-daemon.mjs')) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
rmSync(dir, { recursive: true, force: true });
if (code === 0 && existsSync(report) && statSync(report).mtimeMs >= startedAt) {
  const runs = join(root, 'reports', 'mutation', 'runs');
  mkdirSync(runs, { recursive: true });
  const kept = join(runs, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  copyFileSync(report, kept);
  console.log(`Kept as ${kept}; npm run mutation:score adds up the kept runs.`);
}
process.exitCode = code;
