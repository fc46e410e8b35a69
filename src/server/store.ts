/**
 * The store behind the link server: tickets (and so their revocation), the one-socket-per-ticket
 * lock, the once-per-ticket link confirmation and the rate counters all live in it. A host with one
 * process uses {@link memoryStore} (the default); a host with several processes behind a load
 * balancer gives every process the same shared store, e.g. {@link redisStore}, and the rules then
 * hold across them.
 *
 * The interface is a small key-value store with expiry, so that any shared database can back it.
 * Keys are short ASCII strings chosen by the server (never a ticket or a token: tickets are stored
 * under their SHA-256 hash); values are short strings.
 */

/** A key-value store with expiry, shared by every process of one host. All methods may reject. */
export interface LinkStore {
  /**
   * Stores `value` under `key` for `ttlMs` milliseconds. `mode: 'nx'` stores only when the key is
   * absent, `'xx'` only when it is present. Resolves whether it stored.
   */
  set(key: string, value: string, ttlMs: number, mode?: 'nx' | 'xx'): Promise<boolean>;
  /** The live value of `key`, or `undefined`. */
  get(key: string): Promise<string | undefined>;
  /** Deletes `key`; resolves whether it existed. */
  delete(key: string): Promise<boolean>;
  /** Deletes `key` only while it holds `value` (a lock's owner); resolves whether it did. */
  deleteIf(key: string, value: string): Promise<boolean>;
  /** Gives `key` a new lifetime of `ttlMs` only while it holds `value`; resolves whether it did. */
  extendIf(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Adds one to the counter `key` and resolves with the new count. A counter that did not exist
   * starts at 1 and lives `windowMs` from that first hit (a fixed window).
   */
  increment(key: string, windowMs: number): Promise<number>;
  /** Releases what the store holds (timers, connections it owns). */
  close?(): Promise<void>;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock (ms since the epoch). Default `Date.now`. */
  now?: () => number;
  /** Most keys held at once; `set` and `increment` on a new key beyond it are refused. Default 100,000. */
  maxKeys?: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The default store: one process's memory. Expired keys are dropped when read and swept every 1,000
 * writes, so it holds at most `maxKeys` keys. Not shared: with several processes use
 * {@link redisStore}.
 */
export function memoryStore(options: MemoryStoreOptions = {}): LinkStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const entries = new Map<string, Entry>();
  let writes = 0;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const sweep = () => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  };
  /** Room for one more key? */
  const room = () => {
    if (++writes % 1000 === 0 || entries.size >= maxKeys) sweep();
    return entries.size < maxKeys;
  };

  return {
    async set(key, value, ttlMs, mode) {
      const present = live(key) !== undefined;
      if ((mode === 'nx' && present) || (mode === 'xx' && !present)) return false;
      if (!present && !room()) return false;
      entries.set(key, { value, expiresAt: now() + ttlMs });
      return true;
    },
    async get(key) {
      return live(key)?.value;
    },
    async delete(key) {
      const present = live(key) !== undefined;
      entries.delete(key);
      return present;
    },
    async deleteIf(key, value) {
      if (live(key)?.value !== value) return false;
      entries.delete(key);
      return true;
    },
    async extendIf(key, value, ttlMs) {
      const entry = live(key);
      if (entry?.value !== value) return false;
      entry.expiresAt = now() + ttlMs;
      return true;
    },
    async increment(key, windowMs) {
      const entry = live(key);
      if (entry) {
        const count = Number(entry.value) + 1;
        entry.value = String(count);
        return count;
      }
      // A full store counts every new key as over any limit.
      if (!room()) return Number.MAX_SAFE_INTEGER;
      entries.set(key, { value: '1', expiresAt: now() + windowMs });
      return 1;
    },
    async close() {
      entries.clear();
    },
  };
}
