// Every local stand-in listens the same way: on 127.0.0.1, on a free port, and closes
// with its open keep-alive connections so a test or a tool can end promptly.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Every stand-in's origin, on any port: what local runs add to ALEXA_API_ENDPOINTS so the skill
 * may call the local profile API (127.0.0.2 and every other host stay refused).
 */
export const LOOPBACK_ORIGIN = 'http://127.0.0.1';

/** The names a browser on this machine may use for a loopback server, as they appear in a Host header. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Whether a Host header names one of `names` on `port` (a bare name on port 80, as browsers send it).
 * The defence against DNS rebinding: a page elsewhere can point a name of its own at this machine,
 * but the browser then sends that name, never one of these.
 */
export function hostMatcher(names: Iterable<string>, port: number): (host: string | undefined) => boolean {
  const accepted = new Set<string>();
  for (const name of names) {
    accepted.add(`${name.toLowerCase()}:${port}`);
    if (port === 80) accepted.add(name.toLowerCase());
  }
  return (host) => host !== undefined && accepted.has(host.toLowerCase());
}

/** Answers 421 to a request addressed to another name, in front of a server a library built. */
export function answerOnlyLoopbackNames(server: Server): void {
  const accepts = hostMatcher(LOOPBACK_NAMES, (server.address() as AddressInfo).port);
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!accepts(request.headers.host)) {
      response
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Misdirected request: this server answers only requests addressed to 127.0.0.1 or localhost.\n');
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
}

interface LoopbackListener {
  readonly url: string;
  close(): Promise<void>;
}

/** `host` may be another loopback address (127.0.0.2): a different host to the skill, the same machine. */
export async function listenOnLoopback(server: Server, port = 0, host = '127.0.0.1'): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return loopbackListener(server);
}

/** The listener of a server a library started itself (aws-ses-v2-local listens on its own), which must be on loopback. */
export function loopbackListener(server: Server): LoopbackListener {
  const address = server.address() as AddressInfo | null;
  if (!address?.address.startsWith('127.'))
    throw new Error(`The server listens on ${address?.address}, not on a loopback address.`);
  return { url: `http://${address.address}:${address.port}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A loopback URL with nothing listening (a port that was free a moment ago): connections to it are refused. */
export async function refusingLoopbackUrl(): Promise<string> {
  const { url, close } = await listenOnLoopback(createServer());
  await close();
  return url;
}
