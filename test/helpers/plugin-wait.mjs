// Shared by the server plugins: a wait command that resolves when a condition holds, re-checked
// whenever the server calls its `waiters` (e.g. on each connection, frame or request).

/** Longest a wait command may take; web-test-runner drops command responses after 20 s. */
export const MAX_WAIT_MS = 15_000;

/**
 * Resolves with `check()`'s first non-undefined value, or `{error}` after `timeout` ms.
 * @param {{ waiters: Set<() => void> }} server
 * @param {() => unknown} check
 * @param {number | undefined} timeout
 * @param {string} what
 */
export const waitFor = (server, check, timeout, what) =>
  new Promise((resolve) => {
    const first = check();
    if (first !== undefined) return resolve(first);
    const ms = Math.max(0, Math.min(Number(timeout) || 5000, MAX_WAIT_MS));
    const waiter = () => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      server.waiters.delete(waiter);
      resolve(value);
    };
    const timer = setTimeout(() => {
      server.waiters.delete(waiter);
      resolve({ error: `timed out after ${ms} ms waiting for ${what}` });
    }, ms);
    server.waiters.add(waiter);
  });
