import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';

export interface StartHttpServerOptions {
  port: number;
  host: string;
  /** Longest a client may take to send a request, and longest a connection may sit silent. */
  requestTimeoutMs: number;
  logger: Logger;
  /** How long close() lets in-flight requests finish before cutting their connections. Default 5000. */
  drainTimeoutMs?: number;
}

export interface RunningHttpServer {
  server: Server;
  address: AddressInfo;
  /**
   * Stops accepting connections, lets in-flight requests finish (until the drain deadline, then
   * cuts their connections) and closes idle keep-alive connections. Calling it again returns the
   * same promise.
   */
  close(): Promise<void>;
}

export class HttpServerStartError extends Error {
  override readonly name = 'HttpServerStartError';
  constructor(
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    super(`cannot listen on ${host}:${port}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Starts serving `app` and resolves once the server listens. */
export async function startHttpServer(app: RequestListener, options: StartHttpServerOptions): Promise<RunningHttpServer> {
  const { logger, requestTimeoutMs } = options;
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000;
  const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000) });
  // A handler that never answers would otherwise hold its connection forever.
  server.timeout = requestTimeoutMs;

  const inFlight = new Set<ServerResponse>();
  let isClosing = false;
  // Registered before the app so the header is set before a synchronous handler answers.
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    if (isClosing) response.setHeader('Connection', 'close');
    response.on('close', () => {
      inFlight.delete(response);
      // A keep-alive connection whose response was already under way when closing began is idle now.
      if (isClosing) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.on('request', app);

  await listen(server, options.port, options.host);
  const address = server.address() as AddressInfo;
  logger.info({ host: address.address, port: address.port }, 'http server listening');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve, reject) => {
      isClosing = true;
      logger.info({ inFlight: inFlight.size }, 'http server closing');
      for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
      const deadline = setTimeout(() => {
        logger.warn({ inFlight: inFlight.size, drainTimeoutMs }, 'requests still running at the drain deadline; closing their connections');
        server.closeAllConnections();
      }, drainTimeoutMs);
      server.close((error) => {
        clearTimeout(deadline);
        if (error) return reject(error);
        logger.info('http server closed');
        resolve();
      });
    }));

  return { server, address, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(new HttpServerStartError(host, port, error));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
