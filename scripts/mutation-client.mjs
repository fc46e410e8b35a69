// Stryker's command (stryker.config.mjs, `commandRunner.command`): asks the test daemon
// (scripts/mutation-daemon.mjs) in the current directory — Stryker's sandbox — to run the core tests
// with the mutant in `__STRYKER_ACTIVE_MUTANT__` active (none: the plain suite). Starts the daemon
// when none answers. Exits 0 when every test passed, 1 when any failed or the run timed out (a
// hung mutant), 2 when the daemon could not be reached.
//   node scripts/mutation-client.mjs          run (mutant from the environment)
//   node scripts/mutation-client.mjs --stop   stop this directory's daemon (MUTATION_SLOT=name), if any
import { spawn } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.cwd();
/**
 * One daemon per concurrent Stryker run (stryker.config.mjs runs two at once): this call takes the
 * first free slot (an exclusive lock file holding its pid; a dead holder's lock is taken over) and
 * asks that slot's daemon.
 */
function takeSlot() {
  for (let n = 0; ; n += 1) {
    const lock = join(root, `.mutation-slot-${n}.lock`);
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(lock, 'utf8') || 0);
      if (!holder || alive(holder)) continue; // (empty: being written)
      rmSync(lock, { force: true });
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
      } catch {
        continue;
      }
    }
    process.on('exit', () => {
      try {
        if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
      } catch {
        /* gone */
      }
    });
    return String(n);
  }
}
const slot = process.env.MUTATION_SLOT ?? (process.argv.includes('--stop') ? '0' : takeSlot());
const STATE_FILE = join(root, `.mutation-daemon-${slot}.json`);
const LOG_FILE = join(root, `.mutation-daemon-${slot}.log`);
const daemonScript = fileURLToPath(new URL('./mutation-daemon.mjs', import.meta.url));
const START_TIMEOUT_MS = 180_000;

function state() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function get(port, path) {
  return new Promise((res, rej) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c) => (body += c));
      r.on('end', () => {
        try {
          res(JSON.parse(body));
        } catch (e) {
          rej(e);
        }
      });
    });
    req.on('error', rej);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function daemon() {
  let s = state();
  if (s && alive(s.pid)) return s;
  rmSync(STATE_FILE, { force: true });
  const out = openSync(LOG_FILE, 'a');
  const env = { ...process.env, MUTATION_SLOT: slot };
  delete env.__STRYKER_ACTIVE_MUTANT__;
  const child = spawn(process.execPath, [daemonScript], { cwd: root, env, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    await sleep(200);
    s = state();
    if (s?.pid === child.pid) return s;
    if (!alive(child.pid)) break;
  }
  if (alive(child.pid)) process.kill(child.pid, 'SIGTERM');
  throw new Error(`the mutation daemon did not start (see ${LOG_FILE})`);
}

if (process.argv.includes('--stop')) {
  const s = state();
  if (s && alive(s.pid)) await get(s.port, '/stop').catch(() => process.kill(s.pid, 'SIGTERM'));
  process.exit(0);
}

const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
try {
  const { port } = await daemon();
  const result = await get(port, `/run${mutant ? `?mutant=${encodeURIComponent(mutant)}` : ''}`);
  if (result.error) throw new Error(result.error);
  const what = mutant ? `mutant ${mutant} (${result.file ?? 'unknown file'})` : 'no mutant';
  if (result.timeout) {
    console.log(`${what}: timed out after ${result.ms} ms`);
    process.exit(1);
  }
  console.log(`${what}: ${result.files.length} files, ${result.tests} tests, ${result.passed ? 'passed' : 'FAILED'} in ${result.ms} ms`);
  for (const f of result.failed) console.log(`  ${f}`);
  process.exit(result.passed ? 0 : 1);
} catch (e) {
  console.error(`mutation-client: ${e?.message ?? e}`);
  process.exit(2);
}
