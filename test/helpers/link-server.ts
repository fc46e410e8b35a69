/**
 * Browser side of the link-server tests (node side: ./link-server-plugin.mjs): green-qr-scan/server
 * in front of GREEN-API stand-ins, with the instance's real token only in Node. Tickets are issued by
 * Node (the host backend's job) and handed to the page. Rigs still running when a test file ends are
 * stopped by a root `after` hook (and all of them when the runner stops).
 */
import { command as run } from './command.js';

const command = <T>(name: string, payload: object) => run<T>(name, payload, { required: true });

if (typeof after === 'function') {
  after(() => command('link-stop-all', {}));
}

/** Where the link server's lookup sends an instance. */
export type InstanceKind = 'mock' | 'scripted' | 'scripted-v3' | 'throws' | 'plain-http';
export type Scope = 'qr' | 'phone' | 'logout';

/** An answer of the scripted upstream (see link-upstream.mjs). */
export interface ScriptedAnswer {
  status?: number;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  raw?: string;
  bytes?: number;
  reset?: boolean;
  hang?: boolean;
}

export interface RigOptions {
  instances: Record<string, InstanceKind>;
  allowedOrigins?: string[];
  basePath?: string;
  accountFields?: string[];
  ticketTtlMs?: number;
  linkedGraceMs?: number;
  limits?: Record<string, number>;
  mock?: { firstQrDelayMs?: number; qrIntervalMs?: number; timeoutMs?: number; authCodeLinkMs?: number; startingMs?: number };
  answers?: Record<string, ScriptedAnswer>;
  frames?: unknown[];
  /** The host's onLinked throws (after recording the call). */
  onLinkedThrows?: boolean;
  /** A framework's JSON body parser reads POST bodies before the link server sees them. */
  preParse?: boolean;
}

export interface RigReport {
  lines: string[];
  linked: { instanceId: string; wid?: string }[];
  browser: { method: string; url: string; status: number; bytesRead: number; done: boolean }[];
  upstream: { kind: 'http' | 'upgrade'; method: string; path: string; forwarded: string[] }[];
  upstreamWsBytesFromProxy: number;
  scripted: { method: string; path: string; body: string }[];
  scriptedFramesFromProxy: number;
  console: string[];
  ticketInLog: boolean;
  realTokenInLog: boolean;
  ticketInBrowserUrls: boolean;
  ticketInBrowserHeaders: boolean;
  realTokenFromBrowser: boolean;
  ticketInConsole: boolean;
  realTokenInConsole: boolean;
  ticketUpstream: boolean;
}

export interface ProbeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  realTokenInReply: boolean;
}

export interface SocketProbe {
  status?: number;
  body: string;
  opened: boolean;
  protocol: string;
  frames: string[];
  closeCode?: number;
}

export interface Rig {
  /** The link server's base URL (what `api-url` would be). */
  readonly url: string;
  issue(request: { instanceId: string; scopes?: Scope[]; origin?: string; ttlMs?: number }): Promise<{ ticket: string; expiresIn: number }>;
  /** Like issue, but resolves with the error message `issueTicket` threw. */
  issueError(request: object): Promise<string>;
  renew(ticket: string, ttlMs?: number): Promise<{ expiresIn?: number; gone?: boolean }>;
  revoke(ticket: string): Promise<{ existed: boolean }>;
  /** Moves the link server's clock forward. */
  advance(ms: number): Promise<void>;
  script(change: { answers?: Record<string, ScriptedAnswer>; frames?: unknown[]; send?: string }): Promise<{ delivered?: number }>;
  mock(action: 'scan' | 'error' | 'alreadyLogged' | 'timeout' | 'drop' | 'reset', instanceId: string): Promise<{ delivered: number; state: { authorized: boolean; stateInstance: string } }>;
  /** The stand-in's state of an instance (read only). */
  mockState(instanceId: string): Promise<{ authorized: boolean; stateInstance: string }>;
  report(): Promise<RigReport>;
  findSecret(texts: string[]): Promise<{ realToken: number[]; ticket: number[] }>;
  request(init: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<ProbeReply>;
  socket(init: { path: string; origin?: string; protocols?: string[]; headers?: Record<string, string>; closeAfterMs?: number; version?: number }): Promise<SocketProbe>;
  /** Waits until the server saw `count` finished browser requests, onLinked calls, upstream requests, or a log line. */
  wait(what: 'browser' | 'linked' | 'upstream' | 'line', opts?: { count?: number; text?: string; timeout?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startRig(options: RigOptions): Promise<Rig> {
  const { url } = await command<{ url: string }>('link-start', options);
  return {
    url,
    issue: (request) => command('link-issue', { url, request }),
    issueError: async (request) => {
      try {
        await command('link-issue', { url, request });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    },
    renew: (ticket, ttlMs) => command('link-renew', { url, ticket, ttlMs }),
    revoke: (ticket) => command('link-revoke', { url, ticket }),
    advance: async (ms) => {
      await command('link-advance', { url, ms });
    },
    script: (change) => command('link-script', { url, ...change }),
    mock: (action, instanceId) => command('link-mock', { url, action, instanceId }),
    mockState: (instanceId) => command('link-mock-state', { url, instanceId }),
    report: () => command('link-report', { url }),
    findSecret: (texts) => command('link-find-secret', { url, texts }),
    request: (init) => command('link-request', { url, ...init }),
    socket: (init) => command('link-socket', { url, ...init }),
    wait: async (what, opts = {}) => {
      await command('link-wait', { url, what, ...opts });
    },
    stop: async () => {
      await command('link-stop', { url });
    },
  };
}

export interface Cluster {
  readonly id: string;
  readonly urls: string[];
  issue(index: number, request: { instanceId: string; scopes?: Scope[]; origin?: string }): Promise<{ ticket: string }>;
  revoke(index: number, ticket: string): Promise<{ existed: boolean }>;
  report(index: number): Promise<{
    lines: string[];
    linked: { instanceId: string; wid?: string }[];
    memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
    browserBytes: number[];
    secretInLog: boolean;
    upstream: { kind: string; method: string; path: string }[];
    upstreamWsBytesFromProxy: number;
  }>;
  mock(action: 'scan', instanceId: string): Promise<{ delivered: number }>;
  waitLine(index: number, text: string, timeout?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Link-server child processes (sharing a real redis-server when `redis`), in front of one stand-in. */
export async function startCluster(options: { processes: number; redis: boolean; allowedOrigins?: string[]; limits?: Record<string, number> }): Promise<Cluster> {
  const { id, urls } = await command<{ id: string; urls: string[] }>('cluster-start', options);
  return {
    id,
    urls,
    issue: (index, request) => command('cluster-issue', { id, index, request }),
    revoke: (index, ticket) => command('cluster-revoke', { id, index, ticket }),
    report: (index) => command('cluster-report', { id, index }),
    mock: (action, instanceId) => command('cluster-mock', { id, action, instanceId }),
    waitLine: async (index, text, timeout) => {
      await command('cluster-wait-line', { id, index, text, timeout });
    },
    stop: async () => {
      await command('cluster-stop', { id });
    },
  };
}
