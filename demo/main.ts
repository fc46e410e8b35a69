/**
 * The demo page: one <green-qr-scan> against the local mock (with controls for its attributes and
 * buttons that make the mock end the session each possible way) and one against real GREEN-API
 * credentials. The page's colours follow the chosen `theme`. The element's three events are logged
 * field by field with textContent, never as markup; tokens are set as properties and never written
 * into the DOM or the log.
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

/** Replaces every occurrence of the secret (if any) — belt and braces: event details never hold it. */
function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('•••') : text;
}

function logTo(list: HTMLOListElement, kind: LogKind, label: string, detail?: string, secret = ''): void {
  const item = document.createElement('li');
  item.className = `entry ${kind}`;
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const name = document.createElement('span');
  name.className = 'label';
  name.textContent = redact(label, secret);
  item.append(time, name);
  if (detail !== undefined && detail !== '') {
    const code = document.createElement('code');
    code.textContent = redact(detail, secret);
    item.append(code);
  }
  list.prepend(item);
  while (list.children.length > 200) list.lastElementChild?.remove();
}

const text = (value: unknown) => (typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value));

/**
 * Logs the element's three events (as text, field by field) and keeps a badge in step with its
 * state. `secret` returns the element's token so it can be masked should it ever show up.
 */
function watch(
  el: Scanner,
  list: HTMLOListElement,
  badge: HTMLOutputElement,
  secret: () => string,
  onState?: (state: string) => void,
): () => void {
  const showBadge = (state: string) => {
    badge.textContent = state;
    badge.dataset.state = state;
  };
  const onChange = (event: Event) => {
    const { state, previous, reason } = (event as CustomEvent<{ state: string; previous: string; reason?: string }>).detail;
    showBadge(text(state));
    logTo(list, 'state', 'scan-state-change', `${text(previous)} → ${text(state)}${reason ? ` (reason: ${text(reason)})` : ''}`, secret());
    onState?.(text(state));
  };
  const onLinked = (event: Event) => {
    const { wid, pushname, proxy, webhookUrl } = (event as CustomEvent<Record<string, unknown>>).detail;
    const fields = Object.entries({ wid, pushname, proxy, webhookUrl }).map(([key, value]) => `${key}: ${text(value) || '—'}`);
    logTo(list, 'linked', 'account-linked', fields.join(' · '), secret());
  };
  const onFailed = (event: Event) => {
    const { reason, message } = (event as CustomEvent<Record<string, unknown>>).detail;
    logTo(list, 'failed', 'scan-failed', `reason: ${text(reason)} · message: ${text(message)}`, secret());
  };
  el.addEventListener('scan-state-change', onChange);
  el.addEventListener('account-linked', onLinked);
  el.addEventListener('scan-failed', onFailed);
  queueMicrotask(() => showBadge(el.state ?? 'idle'));
  return () => {
    el.removeEventListener('scan-state-change', onChange);
    el.removeEventListener('account-linked', onLinked);
    el.removeEventListener('scan-failed', onFailed);
  };
}

// ---------------------------------------------------------------------------------------------
// Page theme: the page follows the element's `theme` (auto = the system's colour scheme).

const THEMES = ['auto', 'light', 'dark'] as const;
type Theme = (typeof THEMES)[number];
let pageTheme: Theme = 'auto';
const themed = new Set<HTMLElement>();

function applyTheme(theme: Theme): void {
  pageTheme = theme;
  document.documentElement.dataset.theme = theme;
  for (const el of themed) el.setAttribute('theme', theme);
}

// ---------------------------------------------------------------------------------------------
// Section 1: the mock

const log = $<HTMLOListElement>('#log');
const instanceState = $<HTMLOutputElement>('#mock-instance-state');
const viaOutput = $<HTMLOutputElement>('#mock-via');
const refuseBox = $<HTMLInputElement>('#refuse-ws');
const langSelect = $<HTMLSelectElement>('#opt-lang');
const themeSelect = $<HTMLSelectElement>('#opt-theme');
const modeSelect = $<HTMLSelectElement>('#opt-mode');
const transportSelect = $<HTMLSelectElement>('#opt-transport');
const logoutBox = $<HTMLInputElement>('#opt-logout');
const phoneHint = $('#phone-hint');
const profileSelect = $<HTMLSelectElement>('#mock-profile');
const messengerSelect = $<HTMLSelectElement>('#mock-messenger');
const passwordInput = $<HTMLInputElement>('#mock-password');
const profileHint = $('#profile-hint');
const viaLine = $('#mock-via-line');
$('#mock-instance').textContent = MOCK_INSTANCE_ID;
$('#mock-url').textContent = mockUrl;

const mockEl = document.createElement('green-qr-scan') as Scanner;
mockEl.setAttribute('instance-id', MOCK_INSTANCE_ID);
mockEl.setAttribute('api-url', mockUrl);
mockEl.token = MOCK_TOKEN; // a property: the token never appears in the DOM
themed.add(mockEl);

// Initial settings from the address (?lang=ru&theme=dark&mode=phone&transport=http&logout), so a
// setup can be bookmarked; every change is written back.
const params = new URLSearchParams(location.search);
const pick = <T extends string>(select: HTMLSelectElement, value: string | null): T => {
  if (value !== null && [...select.options].some((o) => o.value === value)) select.value = value;
  return select.value as T;
};
const initialLang = pick<string>(langSelect, params.get('lang'));
if (initialLang) mockEl.setAttribute('lang', initialLang);
applyTheme(pick<Theme>(themeSelect, params.get('theme')));
mockEl.setAttribute('mode', pick(modeSelect, params.get('mode')));
mockEl.setAttribute('transport', pick(transportSelect, params.get('transport')));
logoutBox.checked = params.has('logout') && params.get('logout') !== '0';
mockEl.toggleAttribute('allow-logout', logoutBox.checked);
phoneHint.hidden = modeSelect.value !== 'phone';
viaLine.hidden = modeSelect.value === 'phone';

function saveSettings(): void {
  const url = new URL(location.href);
  const set = (key: string, value: string, fallback: string) =>
    value === fallback ? url.searchParams.delete(key) : url.searchParams.set(key, value);
  set('lang', langSelect.value, '');
  set('theme', themeSelect.value, 'auto');
  set('mode', modeSelect.value, 'qr');
  set('transport', transportSelect.value, 'auto');
  set('logout', logoutBox.checked ? '1' : '', '');
  set('profile', profileSelect.value, 'happy');
  set('messenger', messengerSelect.value, 'whatsapp');
  history.replaceState(null, '', url);
}

let viaPending = false;
watch(mockEl, log, $<HTMLOutputElement>('#mock-state'), () => MOCK_TOKEN, (state) => {
  // A QR code in qr mode: the mock counts live sockets, so none means it came by HTTP polling.
  viaPending = state === 'qr' && mockEl.getAttribute('mode') !== 'phone';
  if (state === 'connecting' || state === 'idle') viaOutput.textContent = '–';
  void refreshInstance();
});

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
    instanceState.textContent = `${text(state.stateInstance)} · ${sessions} live socket${sessions === 1 ? '' : 's'}`;
    refuseBox.checked = Boolean(state.refuseWebsocket);
    if (viaPending) {
      viaPending = false;
      const via = sessions > 0 ? 'websocket' : 'HTTP polling';
      viaOutput.textContent = via;
      logTo(log, 'note', `QR code via ${via}`, sessions > 0 ? undefined : 'the mock sees no live socket: the element polls the qr method');
    }
    mockReachable = true;
  } catch {
    instanceState.textContent = 'mock unreachable';
    if (mockReachable) logTo(log, 'note', `mock server not reachable at ${mockUrl} — run npm run demo`);
    mockReachable = false;
  }
}

// --- element attributes

langSelect.addEventListener('change', () => {
  if (langSelect.value) mockEl.setAttribute('lang', langSelect.value);
  else mockEl.removeAttribute('lang');
  logTo(log, 'note', langSelect.value ? `lang="${langSelect.value}"` : `lang removed (document: "${document.documentElement.lang}")`);
  saveSettings();
});

themeSelect.addEventListener('change', () => {
  applyTheme(themeSelect.value as Theme);
  logTo(log, 'note', `theme="${pageTheme}"`);
  saveSettings();
});

modeSelect.addEventListener('change', () => {
  mockEl.setAttribute('mode', modeSelect.value);
  logTo(log, 'note', `mode="${modeSelect.value}"`);
  saveSettings();
});

// The element's own "use a phone number / use a QR code" link changes `mode` (reflected): follow it.
new MutationObserver(() => {
  const mode = mockEl.getAttribute('mode') ?? 'qr';
  phoneHint.hidden = mode !== 'phone';
  viaLine.hidden = mode === 'phone';
  if (modeSelect.value !== mode) {
    modeSelect.value = mode;
    logTo(log, 'note', `mode="${mode}" (switched in the element)`);
    saveSettings();
  }
}).observe(mockEl, { attributes: true, attributeFilter: ['mode'] });

transportSelect.addEventListener('change', () => {
  mockEl.setAttribute('transport', transportSelect.value);
  logTo(log, 'note', `transport="${transportSelect.value}" (the element restarts)`);
  saveSettings();
});

logoutBox.addEventListener('change', () => {
  mockEl.toggleAttribute('allow-logout', logoutBox.checked);
  logTo(log, 'note', logoutBox.checked ? 'allow-logout set' : 'allow-logout removed');
  saveSettings();
});

$('#restart').addEventListener('click', () => {
  logTo(log, 'note', 'restart()');
  mockEl.restart();
});

// --- outcomes on the mock server

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

refuseBox.addEventListener('change', async () => {
  const refuse = refuseBox.checked;
  try {
    await mockRequest('/mock/refuse-websocket', { refuse });
    logTo(log, 'mock', `mock: websockets ${refuse ? 'refused (HTTP 403)' : 'accepted'}`);
    // A socket that is already open stays open: start over so the change shows.
    if (mockEl.getAttribute('mode') !== 'phone' && mockEl.state !== 'linked') {
      logTo(log, 'note', 'restart() to reconnect');
      mockEl.restart();
    }
  } catch {
    refuseBox.checked = !refuse;
  }
});

// --- the stand-in: fault profile, messenger, cloud password, Telegram code, request rates
// (control endpoints of mock/server.mjs; the README's "Local GREEN-API stand-in" lists them all).

const profileDescriptions = new Map<string, string>();
const showProfileHint = () => {
  profileHint.textContent = `profile ${profileSelect.value}: ${profileDescriptions.get(profileSelect.value) ?? ''}`;
};

async function setProfile(name: string): Promise<void> {
  const result = await mockRequest(`/mock/${MOCK_INSTANCE_ID}/profile`, { name });
  logTo(log, 'mock', `mock: profile ${text(result.state?.profile)}`, text(result.state?.profileOptions));
}

async function setMessenger(messenger: string): Promise<void> {
  const result = await mockRequest(`/mock/${MOCK_INSTANCE_ID}/messenger`, { messenger });
  logTo(log, 'mock', `mock: messenger ${text(result.state?.messenger)}`, messenger === 'whatsapp' ? undefined : 'no websocket; qr codes every 5 s; scan → pendingPassword when a cloud password is set');
  // The element's `messenger="auto"` asks GetSettings once per instance: tell it the new one (this restarts it).
  mockEl.setAttribute('messenger', messenger === 'v3' ? 'max' : messenger);
}

/** Fills the profile select from the stand-in, then applies `?profile=` / `?messenger=` or shows the instance's own. */
async function initStandIn(): Promise<void> {
  try {
    const { profiles } = await mockRequest('/mock/profiles');
    for (const [name, info] of Object.entries(profiles as Record<string, { description?: unknown }>)) {
      profileDescriptions.set(name, text(info.description));
      if (![...profileSelect.options].some((o) => o.value === name)) profileSelect.append(new Option(name, name));
    }
    const wanted = { profile: params.get('profile'), messenger: params.get('messenger') };
    const state = await mockRequest(`/mock/${MOCK_INSTANCE_ID}`);
    const profile = pick<string>(profileSelect, wanted.profile ?? text(state.profile));
    const messenger = pick<string>(messengerSelect, wanted.messenger ?? text(state.messenger));
    if (messenger !== state.messenger) await setMessenger(messenger);
    if (profile !== state.profile) await setProfile(profile);
    showProfileHint();
  } catch {
    // The stand-in is not reachable: refreshInstance() says so in the log.
  }
}

profileSelect.addEventListener('change', async () => {
  try {
    await setProfile(profileSelect.value);
    showProfileHint();
    saveSettings();
    logTo(log, 'note', 'restart() so the profile applies from the start');
    mockEl.restart();
  } catch (error) {
    logTo(log, 'note', 'mock: profile change failed', String(error instanceof Error ? error.message : error));
  }
});

messengerSelect.addEventListener('change', async () => {
  try {
    await setMessenger(messengerSelect.value);
    saveSettings();
    mockEl.restart();
  } catch (error) {
    logTo(log, 'note', 'mock: messenger change failed', String(error instanceof Error ? error.message : error));
  }
});

$('#mock-password-set').addEventListener('click', async () => {
  const password = passwordInput.value;
  try {
    await mockRequest(`/mock/${MOCK_INSTANCE_ID}/password`, { password: password || null });
    // The stand-in's password is a demo value, but a password is still never written to the log.
    logTo(log, 'mock', password ? 'mock: cloud password set' : 'mock: cloud password removed');
  } catch (error) {
    logTo(log, 'note', 'mock: password failed', String(error instanceof Error ? error.message : error));
  }
});

$('#mock-auth-code').addEventListener('click', async () => {
  try {
    const { code, codesSent } = await mockRequest(`/mock/${MOCK_INSTANCE_ID}/auth-code`);
    logTo(log, 'mock', code ? `Telegram system chat: code ${text(code)}` : 'Telegram system chat: no code yet', `codes sent: ${text(codesSent)}`);
  } catch (error) {
    logTo(log, 'note', 'mock: auth-code failed', String(error instanceof Error ? error.message : error));
  }
});

$('#mock-stats').addEventListener('click', async () => {
  try {
    const stats = await mockRequest(`/mock/${MOCK_INSTANCE_ID}/stats`);
    const lines = Object.entries(stats.methods as Record<string, { total: number; limited: number; maxPerSecond: number; limit: number }>).map(
      ([method, m]) => `${method}: ${m.total} requests, at most ${m.maxPerSecond}/s (limit ${m.limit}), ${m.limited} × 429`,
    );
    logTo(log, 'mock', `request rates (${text(stats.messenger)})`, lines.join(' · ') || 'no requests yet');
  } catch (error) {
    logTo(log, 'note', 'mock: stats failed', String(error instanceof Error ? error.message : error));
  }
});

$('#clear-log').addEventListener('click', () => log.replaceChildren());
void refreshInstance();
// The element starts once the stand-in plays the chosen profile and messenger (at once if it is not reachable).
void initStandIn().then(() => $('#mock-stage').append(mockEl));

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
    liveEl.setAttribute('theme', pageTheme);
    themed.add(liveEl);
    const el = liveEl;
    unwatchLive = watch(liveEl, liveLog, liveBadge, () => el.token);
  }
  // Set everything before the element is connected, so it starts one session with all three.
  liveEl.setAttribute('instance-id', instanceId);
  liveEl.setAttribute('api-url', apiUrl);
  liveEl.token = token; // a property only: never an attribute, never logged
  if (fresh) {
    liveStage.replaceChildren(liveEl);
  }
  logTo(liveLog, 'note', fresh ? 'connecting' : 'credentials updated', `instance ${instanceId} on ${apiUrl}`, token);
  liveRestart.disabled = false;
  liveRemove.disabled = false;
});

liveRestart.addEventListener('click', () => liveEl?.restart());

liveRemove.addEventListener('click', () => {
  if (!liveEl) return;
  unwatchLive?.();
  themed.delete(liveEl);
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
