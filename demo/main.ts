/**
 * The demo page: one <green-qr-scan> against the local mock (with buttons that make the mock end
 * the session each possible way) and one against real GREEN-API credentials. Everything that
 * comes from outside (event details, server answers) is shown with textContent, never as markup.
 * Tokens are set as properties and never written into the DOM or the log.
 */
import '../src/define.ts';

// Injected by demo/serve.mjs (Vite `define`); absent when the page is served some other way.
declare const __GREEN_QR_MOCK_URL__: string | undefined;

const MOCK_INSTANCE_ID = '1101000001';
const MOCK_TOKEN = 'demo-token-0123456789abcdef';
const DEFAULT_MOCK_URL = 'http://127.0.0.1:7070';

type Scanner = HTMLElement & {
  token: string;
  readonly state: string;
  readonly failure?: { reason: string; message: string };
  restart(): void;
};

const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`demo: ${selector} is missing`);
  return found;
};

/** `http://` + a loopback host only: the control calls must not go anywhere else. */
function loopbackUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    const host = url.hostname;
    const loopback = host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
    return url.protocol === 'http:' && loopback ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

const queryMock = new URLSearchParams(location.search).get('mock');
const injectedMock = typeof __GREEN_QR_MOCK_URL__ === 'string' ? __GREEN_QR_MOCK_URL__ : undefined;
const mockUrl = loopbackUrl(queryMock) ?? loopbackUrl(injectedMock) ?? DEFAULT_MOCK_URL;

// ---------------------------------------------------------------------------------------------
// Event log

type LogKind = 'linked' | 'failed' | 'state' | 'mock' | 'note';

function logTo(list: HTMLOListElement, kind: LogKind, label: string, detail?: unknown): void {
  const item = document.createElement('li');
  item.className = `entry ${kind}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const name = document.createElement('span');
  name.className = 'label';
  name.textContent = label;
  item.append(time, name);
  if (detail !== undefined) {
    const code = document.createElement('code');
    code.textContent = typeof detail === 'string' ? detail : JSON.stringify(detail);
    item.append(code);
  }
  list.prepend(item);
  while (list.children.length > 200) list.lastElementChild?.remove();
}

/** Logs the element's outcome events and keeps a badge in step with its `state` attribute. */
function watch(el: Scanner, list: HTMLOListElement, badge: HTMLOutputElement, onState?: () => void): () => void {
  el.addEventListener('account-linked', (event) => {
    logTo(list, 'linked', 'account-linked', (event as CustomEvent).detail);
  });
  el.addEventListener('scan-failed', (event) => {
    logTo(list, 'failed', 'scan-failed', (event as CustomEvent).detail);
  });
  let shown = '';
  const showState = () => {
    const state = el.getAttribute('state') ?? el.state ?? 'idle';
    if (state === shown) return;
    shown = state;
    badge.textContent = state;
    badge.dataset.state = state;
    logTo(list, 'state', `state → ${state}`);
    onState?.();
  };
  const observer = new MutationObserver(showState);
  observer.observe(el, { attributes: true, attributeFilter: ['state'] });
  queueMicrotask(showState);
  return () => observer.disconnect();
}

// ---------------------------------------------------------------------------------------------
// Section 1: the mock

const log = $<HTMLOListElement>('#log');
const instanceState = $<HTMLOutputElement>('#mock-instance-state');
const refuseBox = $<HTMLInputElement>('#refuse-ws');
$('#mock-instance').textContent = MOCK_INSTANCE_ID;
$('#mock-url').textContent = mockUrl;

const mockEl = document.createElement('green-qr-scan') as Scanner;
mockEl.setAttribute('instance-id', MOCK_INSTANCE_ID);
mockEl.setAttribute('api-url', mockUrl);
mockEl.token = MOCK_TOKEN; // a property: the token never appears in the DOM
watch(mockEl, log, $<HTMLOutputElement>('#mock-state'), () => void refreshInstance());
$('#mock-stage').append(mockEl);

let mockReachable = true;

async function mockRequest(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${mockUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

async function refreshInstance(): Promise<void> {
  try {
    const state = await mockRequest(`/mock/${MOCK_INSTANCE_ID}`);
    const sessions = Number(state.liveSessions) || 0;
    instanceState.textContent = `${String(state.stateInstance)} · ${sessions} live socket${sessions === 1 ? '' : 's'}`;
    refuseBox.checked = Boolean(state.refuseWebsocket);
    mockReachable = true;
  } catch {
    instanceState.textContent = 'mock unreachable';
    if (mockReachable) logTo(log, 'note', `mock server not reachable at ${mockUrl} — run npm run demo`);
    mockReachable = false;
  }
}

const ACTION_NOTES: Record<string, string> = {
  scan: 'instance is now authorized',
  'already-logged': 'instance is now authorized',
  reset: 'instance is notAuthorized again',
};

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
  button.addEventListener('click', async () => {
    const action = button.dataset.action!;
    button.disabled = true;
    try {
      const result = await mockRequest(`/mock/${MOCK_INSTANCE_ID}/${action}`, {});
      const delivered = Number(result.delivered) || 0;
      const reached = delivered ? `reached ${delivered} live socket${delivered === 1 ? '' : 's'}` : 'no live socket';
      const note = ACTION_NOTES[action];
      logTo(log, 'mock', `mock: ${button.textContent?.trim()}`, note ? `${reached}; ${note}` : reached);
    } catch (error) {
      logTo(log, 'note', `mock: ${action} failed`, String(error instanceof Error ? error.message : error));
    } finally {
      button.disabled = false;
      void refreshInstance();
    }
  });
}

$('#restart').addEventListener('click', () => {
  logTo(log, 'note', 'restart()');
  mockEl.restart();
});

refuseBox.addEventListener('change', async () => {
  try {
    await mockRequest('/mock/refuse-websocket', { refuse: refuseBox.checked });
    logTo(log, 'mock', `mock: websockets ${refuseBox.checked ? 'refused (HTTP 403)' : 'accepted'}`);
  } catch {
    refuseBox.checked = !refuseBox.checked;
  }
});

$('#clear-log').addEventListener('click', () => log.replaceChildren());
void refreshInstance();

// ---------------------------------------------------------------------------------------------
// Section 2: real GREEN-API credentials

const liveForm = $<HTMLFormElement>('#live-form');
const liveStage = $('#live-stage');
const liveLog = $<HTMLOListElement>('#live-log');
const liveBadge = $<HTMLOutputElement>('#live-state');
const liveRestart = $<HTMLButtonElement>('#live-restart');
const liveRemove = $<HTMLButtonElement>('#live-remove');
const livePlaceholder = liveStage.firstElementChild;
let liveEl: Scanner | undefined;
let unwatchLive: (() => void) | undefined;

liveForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(liveForm);
  const instanceId = String(data.get('instanceId') ?? '').trim();
  const token = String(data.get('token') ?? '').trim();
  const apiUrl = String(data.get('apiUrl') ?? '').trim();
  const fresh = !liveEl;
  if (!liveEl) {
    liveEl = document.createElement('green-qr-scan') as Scanner;
    unwatchLive = watch(liveEl, liveLog, liveBadge);
  }
  // Set everything before the element is connected, so it starts one session with all three.
  liveEl.setAttribute('instance-id', instanceId);
  liveEl.setAttribute('api-url', apiUrl);
  liveEl.token = token; // a property only: never an attribute, never logged
  if (fresh) {
    liveStage.replaceChildren(liveEl);
  }
  logTo(liveLog, 'note', fresh ? 'connecting' : 'credentials updated', { instanceId, apiUrl });
  liveRestart.disabled = false;
  liveRemove.disabled = false;
});

liveRestart.addEventListener('click', () => liveEl?.restart());

liveRemove.addEventListener('click', () => {
  if (!liveEl) return;
  unwatchLive?.();
  liveEl.remove();
  liveEl.token = '';
  liveEl = undefined;
  liveStage.replaceChildren(...(livePlaceholder ? [livePlaceholder] : []));
  liveBadge.textContent = '–';
  delete liveBadge.dataset.state;
  logTo(liveLog, 'note', 'element removed');
  liveRestart.disabled = true;
  liveRemove.disabled = true;
});

$('#clear-live-log').addEventListener('click', () => liveLog.replaceChildren());
