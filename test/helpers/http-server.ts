/**
 * Browser side of the scripted HTTP servers (node side: ./http-server-plugin.mjs). Each server is a
 * real `node:http` server on 127.0.0.1 with its own port. It answers scripted routes, CORS
 * preflights (`OPTIONS`, 204) and refuses every websocket upgrade with 403 (recorded as `UPGRADE`);
 * anything unscripted gets 404. Servers still running when a test file ends are stopped by a root
 * `after` hook.
 */
import { command } from './command.js';

/** One scripted response. The last one of a route repeats. */
export interface HttpResponseScript {
  /** Default 200. */
  status?: number;
  /** A string is sent as it is (`text/plain`), anything else as JSON. */
  body?: unknown;
  /** Waits this long before answering (ms). */
  delayMs?: number;
  contentType?: string;
}

/** One request the server saw, in arrival order. */
export interface HttpRequestRecord {
  index: number;
  /** `GET`, `POST`, `OPTIONS`… or `UPGRADE` for a (refused) websocket handshake. */
  method: string;
  /** Raw request path (with query), percent-encoding untouched. */
  path: string;
  /** The request body as text (`''` when none). */
  body: string;
  /** The request's `authorization` and `content-type` headers, when it had them (what the core sets). */
  headers: { authorization?: string; 'content-type'?: string };
  /** When the server received it (epoch ms). */
  at: number;
  /** The client went away before the answer was sent (e.g. an aborted fetch). */
  aborted: boolean;
}

/** Selects requests: every given field must match. */
export interface HttpRequestFilter {
  method?: string;
  /** Exact path, or a RegExp tested against the path. */
  path?: string | RegExp;
}

export interface HttpServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` (no trailing slash), e.g. for `apiUrl`. */
  readonly url: string;
  /** Scripts `method` + `path` (exact, or a RegExp); replaces an earlier script of the same route. */
  script(method: string, path: string | RegExp, responses: HttpResponseScript[]): Promise<void>;
  /** Every request so far (matching `filter`). */
  requests(filter?: HttpRequestFilter): Promise<HttpRequestRecord[]>;
  /** Resolves once at least `count` requests match `filter`; rejects after `timeout` ms (max 15000). */
  waitForRequests(count: number, filter?: HttpRequestFilter, timeout?: number): Promise<HttpRequestRecord[]>;
  /** Stops the server and drops its connections. Idempotent. */
  stop(): Promise<void>;
}


if (typeof after === 'function') {
  after(() => command('http-stop-all', {}));
}

const filterPayload = (filter: HttpRequestFilter = {}) => {
  const { method, path } = filter;
  return path instanceof RegExp
    ? { method, pattern: path.source, flags: path.flags.replace(/[gy]/g, '') }
    : { method, path };
};

/** Starts a scripted HTTP server on 127.0.0.1 (random port). */
export async function startHttpServer(): Promise<HttpServer> {
  const { port } = await command<{ port: number }>('http-start', {});
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    script: async (method, path, responses) => {
      await command('http-script', {
        port,
        method,
        ...(path instanceof RegExp ? { pattern: path.source, flags: path.flags.replace(/[gy]/g, '') } : { path }),
        responses,
      });
    },
    requests: (filter) => command<HttpRequestRecord[]>('http-requests', { port, ...filterPayload(filter) }),
    waitForRequests: (count, filter, timeout = 5000) =>
      command<HttpRequestRecord[]>('http-wait-requests', { port, count, timeout, ...filterPayload(filter) }),
    stop: async () => {
      await command('http-stop', { port });
    },
  };
}
