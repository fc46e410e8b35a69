/** Runs a test-runner server command (see the *-plugin.mjs files); a reply `{error}` becomes a thrown Error. */
import { executeServerCommand } from '@web/test-runner-commands';

type Reply = { error?: string } | null | undefined;

/** `required`: the command always answers, so no answer means no plugin handled it. */
export async function command<T>(name: string, payload: object, { required = false } = {}): Promise<T> {
  const result = await executeServerCommand<T & Reply, object>(name, payload);
  if (required && (result === undefined || result === null)) throw new Error(`${name}: no plugin answered`);
  if (result && typeof result === 'object' && !Array.isArray(result) && typeof (result as Reply)!.error === 'string') {
    throw new Error(`${name}: ${(result as { error: string }).error}`);
  }
  return result;
}
