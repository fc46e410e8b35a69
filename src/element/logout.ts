/**
 * "Log out and link another phone", loaded on demand with GREEN-API's HTTP side (a page that never
 * shows the button never downloads it): the Logout as a one-shot `@lit/task` on the element, then
 * `done()` (a new session that waits for GREEN-API's cleanup).
 *
 * @internal
 */
import { Task, TaskStatus } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import { resolveConfig, type ScanConfig } from '../core/config.js';
import { logout } from '../core/http-api.js';

export interface LogoutAction {
  /** Starts the Logout unless one is running. */
  run(): void;
  readonly pending: boolean;
  readonly failed: boolean;
}

export function logoutAction(host: ReactiveControllerHost, config: () => ScanConfig, done: () => void): LogoutAction {
  const task = new Task(host, {
    autoRun: false,
    task: async (_: [], { signal }) => {
      const resolved = resolveConfig(config());
      if (!resolved.ok) throw new Error(resolved.message);
      await logout(resolved.endpoints, signal);
    },
    onComplete: done,
    onError: (error) => console.warn(`[green-qr-scan] logout: ${(error as Error).message}`),
  });
  return {
    run: () => void (task.status !== TaskStatus.PENDING && task.run([])),
    get pending() {
      return task.status === TaskStatus.PENDING;
    },
    get failed() {
      return task.status === TaskStatus.ERROR;
    },
  };
}
