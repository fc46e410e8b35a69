/**
 * A {@link LinkStore} in Redis, for a host that runs several link-server processes. It speaks plain
 * Redis commands (SET … PX NX/XX, GET, DEL, and three short Lua scripts), so any client works:
 * pass an ioredis client, or a `command` function for another client. It imports no Redis client
 * itself.
 */
import type { LinkStore } from './store.js';

/** Runs one Redis command, e.g. `['SET', 'k', 'v', 'PX', '1000', 'NX']`, and resolves with its reply. */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/** An ioredis client (or anything with its `call(command, ...args)` method). */
export interface RedisCallClient {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client, or a function that runs one command on any other client. */
  client: RedisCallClient | RedisCommand;
  /** Prefix of every key, so that several apps can share one Redis. Default `green-qr-scan:`. */
  prefix?: string;
}

const DELETE_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
const EXTEND_IF = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const INCREMENT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

const text = (reply: unknown): string | undefined => {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  return String(reply);
};
const ms = (value: number) => String(Math.max(1, Math.ceil(value)));

/**
 * A shared store in Redis (Redis ≥ 2.6.12). Every process of the host must use the same Redis and
 * the same `prefix`.
 *
 * ```js
 * import Redis from 'ioredis';
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL) });
 * ```
 */
export function redisStore(options: RedisStoreOptions): LinkStore {
  const { client } = options ?? ({} as RedisStoreOptions);
  const prefix = options?.prefix ?? 'green-qr-scan:';
  let command: RedisCommand;
  if (typeof client === 'function') command = client;
  else if (client && typeof client.call === 'function') command = (args) => client.call(args[0], ...args.slice(1));
  else throw new TypeError('redisStore: `client` must be an ioredis client or a function that runs one command');
  const key = (k: string) => `${prefix}${k}`;

  return {
    async set(k, value, ttlMs, mode) {
      const args = ['SET', key(k), value, 'PX', ms(ttlMs)];
      if (mode) args.push(mode.toUpperCase());
      return text(await command(args)) === 'OK';
    },
    async get(k) {
      return text(await command(['GET', key(k)]));
    },
    async delete(k) {
      return Number(await command(['DEL', key(k)])) > 0;
    },
    async deleteIf(k, value) {
      return Number(await command(['EVAL', DELETE_IF, '1', key(k), value])) > 0;
    },
    async extendIf(k, value, ttlMs) {
      return Number(await command(['EVAL', EXTEND_IF, '1', key(k), value, ms(ttlMs)])) > 0;
    },
    async increment(k, windowMs) {
      return Number(await command(['EVAL', INCREMENT, '1', key(k), ms(windowMs)]));
    },
  };
}
