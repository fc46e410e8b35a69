// Starts Debian's redis-server (`apt-get install redis-server`; REDIS_SERVER overrides the path) on a
// free loopback port, without persistence, for the link-server tests and scripts/server-examples.mjs.
// The caller stops it with `stop()` (by its own pid).
import { spawn } from 'node:child_process';
import net from 'node:net';

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A free loopback port (closed again at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startRedis() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const ready = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('redis-server did not answer within 10 s'), 10_000);
      const done = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      const check = () => {
        if (child.exitCode !== null) return;
        const probe = net.connect(port, '127.0.0.1');
        probe.once('connect', () => {
          probe.write('PING\r\n');
          probe.once('data', (d) => {
            probe.destroy();
            if (String(d).startsWith('+PONG')) done(true);
            else setTimeout(check, 50);
          });
        });
        probe.once('error', () => setTimeout(check, 50));
      };
      child.once('error', (err) => done(`could not start ${REDIS_SERVER} (${err.message}): apt-get install redis-server`));
      child.once('exit', () => done(`redis-server exited: ${out.trim().slice(0, 300)}`));
      check();
    });
    if (ready === true) {
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: () =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', () => resolve(undefined));
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    if (!String(ready).includes('Address already in use')) throw new Error(String(ready));
  }
  throw new Error('redis-server: no free port after 3 attempts');
}
