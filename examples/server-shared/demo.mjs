/**
 * What the three server examples (server-node, server-express, server-fastify) share, and what a real
 * app has its own version of: a "database" of GREEN-API instances with their credentials and owners,
 * a "login" (one pretend user), the page, and settings from the environment.
 *
 *   GREEN_API_URL  the instance's API host (e.g. https://7105.api.greenapi.com); unset: the local
 *                  GREEN-API stand-in (mock/server.mjs) is started in this process
 *   INSTANCE_ID    the instance the pretend user owns (default 1101000001)
 *   API_TOKEN      its apiTokenInstance (default: a placeholder the stand-in accepts)
 *   ALLOWED_HOSTS  the Host names the app answers to, comma-separated (default 127.0.0.1,localhost)
 *   PORT, HOST     where the app listens (default 8080, 127.0.0.1; PORT=0 picks a free port)
 *   REDIS_URL      (server-express) share tickets, locks and counters in Redis
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export async function demo() {
  let apiUrl = process.env.GREEN_API_URL;
  let standIn;
  if (!apiUrl) {
    const { startMockServer } = await import('../../mock/server.mjs');
    standIn = await startMockServer({ port: 0 });
    apiUrl = standIn.url;
    console.log(`GREEN-API stand-in on ${apiUrl} (link: curl -X POST ${apiUrl}/mock/{instance}/scan)`);
  }
  const instanceId = process.env.INSTANCE_ID ?? '1101000001';
  const token = process.env.API_TOKEN ?? `stand-in-token-${randomBytes(8).toString('hex')}`;
  /** Your database: instance id → where GREEN-API serves it, its token, who owns it, what it linked. */
  const db = new Map([[instanceId, { apiUrl, token, owner: 'demo-user', wid: undefined }]]);
  return {
    db,
    instanceId,
    /** Your login: the signed-in user of a request (here always the same pretend user). */
    currentUser: (/** @type {import('node:http').IncomingMessage} */ _req) => 'demo-user',
    allowedHosts: (process.env.ALLOWED_HOSTS ?? '127.0.0.1,localhost').split(',').map((h) => h.trim()),
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? '127.0.0.1',
    page: readFileSync(new URL('./page.html', import.meta.url), 'utf8').replaceAll('{{INSTANCE_ID}}', instanceId),
    /** Prints where the app listens (scripts/server-examples.mjs reads this line). */
    listening(/** @type {import('node:net').AddressInfo} */ address) {
      console.log(`listening on http://${address.address}:${address.port}/`);
    },
    async close() {
      await standIn?.close();
    },
  };
}
