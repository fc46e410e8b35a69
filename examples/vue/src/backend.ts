// The page's side of the token-free setup: the app's own backend (examples/backend.mjs here; see the root
// README's "Token-free setup") issues link tickets and mounts green-qr-scan/server at /green-api.

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
