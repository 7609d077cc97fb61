/**
 * An HTTP proxy in front of a real service (a SPARQL store, usually) that injects the faults of a
 * production network: `down` answers 503 at once (store restarting), `refuse` destroys each
 * connection (store process gone), `delayMs` holds every request that long before forwarding it (a
 * slow store). The target can be set after the proxy started, so a service under test can be
 * configured with the proxy's URL before the store behind it exists.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'up' | 'down' | 'refuse';

export interface FaultProxy {
  /** Origin of the proxy, e.g. http://127.0.0.1:4711 (paths are forwarded unchanged). */
  readonly origin: string;
  /** Origin requests are forwarded to. */
  target: string;
  mode: FaultMode;
  delayMs: number;
  /** Awaited with each request's body before the fault applies (e.g. to change the mode mid-work). */
  onRequest: ((body: string) => void | Promise<void>) | undefined;
  /** Requests that got a fault instead of an answer. */
  readonly faulted: number;
  readonly forwarded: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export async function startFaultProxy(target = ''): Promise<FaultProxy> {
  const state = { target, mode: 'up' as FaultMode, delayMs: 0, faulted: 0, forwarded: 0, onRequest: undefined as ((body: string) => void | Promise<void>) | undefined };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        await state.onRequest?.(Buffer.concat(chunks).toString('utf8'));
        if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
        if (state.mode === 'refuse') {
          state.faulted++;
          request.socket.destroy();
          return;
        }
        if (state.mode === 'down') {
          state.faulted++;
          response.writeHead(503, { 'content-type': 'text/plain' }).end('store unavailable (fault injected by the test)');
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
        const upstream = await fetch(`${state.target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, body: request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.concat(chunks) });
        const body = Buffer.from(await upstream.arrayBuffer());
        const answerHeaders: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') answerHeaders[name] = value;
        });
        state.forwarded++;
        response.writeHead(upstream.status, answerHeaders).end(body);
      })().catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get target() {
      return state.target;
    },
    set target(value: string) {
      state.target = value;
    },
    get mode() {
      return state.mode;
    },
    set mode(value: FaultMode) {
      state.mode = value;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get onRequest() {
      return state.onRequest;
    },
    set onRequest(value: ((body: string) => void | Promise<void>) | undefined) {
      state.onRequest = value;
    },
    get faulted() {
      return state.faulted;
    },
    get forwarded() {
      return state.forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
