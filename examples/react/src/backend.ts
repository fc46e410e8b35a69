// The page's side of the token-free setup: the app's own backend (examples/backend.mjs here; see the root
// README's "Token-free setup") issues link tickets and mounts green-qr-scan/server at /green-api.
import { useCallback, useEffect, useState } from 'react';

/** The element's api-url: your backend, where green-qr-scan/server is mounted. */
export const apiUrl = `${location.origin}/green-api`;

/** A ticket for one instance from your backend, which checks its signed-in user first. */
export async function getTicket(instanceId: string): Promise<string> {
  const response = await fetch('/api/link-ticket', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instanceId }),
  });
  if (!response.ok) throw new Error(`no link ticket: HTTP ${response.status}`);
  const { ticket } = (await response.json()) as { ticket: string };
  return ticket;
}

/**
 * A link ticket for `instanceId` ('' until it arrives: the element waits), and `renew()`, which
 * fetches a fresh one: a ticket is used up when linking ends, so each attempt needs its own.
 */
export function useLinkTicket(instanceId: string): [ticket: string, renew: () => void] {
  const [ticket, setTicket] = useState('');
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    getTicket(instanceId).then(
      (fresh) => current && setTicket(fresh),
      (error: unknown) => console.error(error),
    );
    return () => {
      current = false;
    };
  }, [instanceId, attempt]);
  return [ticket, useCallback(() => setAttempt((n) => n + 1), [])];
}
