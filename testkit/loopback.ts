// Every local stand-in listens the same way: on 127.0.0.1, on a free port, answering only requests
// addressed to a loopback name, refusing a malformed or cross-site one before its handlers see it,
// and closes with its open keep-alive connections so a test or a tool can end promptly.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { type AddressInfo, isIP } from 'node:net';

/**
 * Every stand-in's origin, on any port: what local runs add to ALEXA_API_ENDPOINTS so the skill
 * may call the local profile API (127.0.0.2 and every other host stay refused).
 */
export const LOOPBACK_ORIGIN = 'http://127.0.0.1';

/** The names a browser on this machine may use for a loopback server, as they appear in a Host header. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** A name as it stands in a Host header: an IPv6 address in brackets. */
export const asHostName = (name: string) => (isIP(name) === 6 ? `[${name}]` : name);

/** Whether `address` (an IP literal, or the name localhost) is this machine's loopback; a host *name* never is. */
export const isLoopbackAddress = (address: string) =>
  address.toLowerCase() === 'localhost' ||
  (isIP(address) === 4 && address.startsWith('127.')) ||
  // The URL parser writes every spelling of ::1 (0:0:0:0:0:0:0:1 …) the same way.
  (isIP(address) === 6 && new URL(`http://[${address}]/`).hostname === '[::1]');

/** A Host header split into its name (lower case) and port ('' when it names none). */
export function splitHost(host: string): { readonly name: string; readonly port: string } {
  const [, name = host, port = ''] = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim()) ?? [];
  return { name: name.toLowerCase(), port };
}

/**
 * Whether a Host header names one of `names` on `port`. A name may carry a port of its own
 * (localhost:8080, what a forwarded port makes a browser send); it is then accepted on that port only.
 * A Host without a port means the scheme's default, 80 for these HTTP servers: what a browser sends for
 * http://NAME/, and what a proxy in front (an editor's port forwarding, nginx) passes on. The defence
 * against DNS rebinding: a page elsewhere can point a name of its own at this machine, but the browser
 * then sends that name, never one of these.
 */
export function hostMatcher(names: Iterable<string>, port: number): (host: string | undefined) => boolean {
  const accepted = new Set<string>();
  for (const given of names) {
    const { name, port: ownPort } = splitHost(asHostName(given.trim()));
    const onPort = ownPort === '' ? port : Number(ownPort);
    accepted.add(`${name}:${onPort}`);
    if (onPort === 80) accepted.add(name);
  }
  return (host) => host !== undefined && accepted.has(host.trim().toLowerCase());
}

type AnyServer = Server | HttpsServer;

/** The methods a local server is asked by a browser, a test or an SDK; any other (PROPFIND, TRACE …) is refused. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** The methods that change nothing, which a page elsewhere may send without harm: its script cannot read the answer. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request refused before any handler sees it: its status and the one sentence answered. */
export interface RequestRefusal {
  readonly status: number;
  readonly message: string;
}

/**
 * Why a request must not reach a server's handlers, or undefined when it may: a method no local
 * server knows (405); a target that is not a path ("//", "*", a malformed %-escape), which a
 * handler's URL parser would throw on (400); or a state-changing request from a page whose origin
 * is not this server's (403): any page can send one, with `mode: 'no-cors'`, once it guesses the port.
 */
export function requestRefusal(
  request: IncomingMessage,
  acceptsHost: (host: string | undefined) => boolean,
): RequestRefusal | undefined {
  const method = request.method ?? '';
  if (!KNOWN_METHODS.has(method)) return { status: 405, message: `Method ${method} is not allowed here.` };
  if (!isPathTarget(request.url ?? '')) return { status: 400, message: 'Bad request: the target is not a path.' };
  const origin = request.headers.origin;
  if (!SAFE_METHODS.has(method) && origin !== undefined && !acceptsHost(hostOf(origin)))
    return {
      status: 403,
      message: `Refused a ${method} from ${originShown(origin)}: only this server's own pages may change it.`,
    };
  return undefined;
}

/** An origin-form request target, "/path?query", that URL parses as a path and whose %-escapes decode. */
function isPathTarget(target: string): boolean {
  if (!target.startsWith('/') || target.startsWith('//')) return false;
  try {
    decodeURIComponent(new URL(target, 'http://localhost').pathname);
    return true;
  } catch {
    return false;
  }
}

/** The host of an Origin header ("null" from a sandboxed frame or a file has none). */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host || undefined;
  } catch {
    return undefined;
  }
}

/** An origin, safe to print: printable ASCII, and short. */
const originShown = (origin: string) => origin.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

/** Answers a refused request in one plain-text sentence. */
export function answerRefusal(response: ServerResponse, refusal: RequestRefusal): void {
  response
    .writeHead(refusal.status, {
      'content-type': 'text/plain; charset=utf-8',
      ...(refusal.status === 405 ? { allow: [...KNOWN_METHODS].join(', ') } : {}),
    })
    .end(`${refusal.message}\n`);
}

/**
 * Answers 421 to a request addressed to a name other than the loopback names and the address the
 * server listens on, and refuses a malformed or cross-site one (requestRefusal), in front of its own
 * handlers. Every stand-in that listens through this module gets it: each holds something (a mail,
 * an address, a key) that a page elsewhere must not read, and a request that crashed one would
 * stop `npm start` or `npm run console` with it.
 */
export function answerOnlyLoopbackNames(server: AnyServer): void {
  const { address, port } = server.address() as AddressInfo;
  const accepts = hostMatcher([...LOOPBACK_NAMES, address], port);
  answerFirst(server, (request, response) => {
    if (!accepts(request.headers.host)) {
      response
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          `Misdirected request: this server answers only requests addressed to 127.0.0.1:${port} or localhost:${port}.\n`,
        );
      return true;
    }
    const refusal = requestRefusal(request, accepts);
    if (refusal) answerRefusal(response, refusal);
    return refusal !== undefined;
  });
}

/** Puts `handler` in front of a server's own request handlers; they see only the requests it leaves (returns false for). */
export function answerFirst(
  server: AnyServer,
  handler: (request: IncomingMessage, response: ServerResponse) => boolean,
): void {
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    try {
      if (handler(request, response)) return;
      for (const own of handlers) own.call(server, request, response);
    } catch (error) {
      // A request listener that throws would take the whole process down: a tool's servers with it.
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`The local server failed: ${(error as Error).message}\n`);
    }
  });
}

interface LoopbackListener {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `server` listening on `host` and `port` (0: a free one); rejects with the listen error (EADDRINUSE …). */
export async function listen(server: AnyServer, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/** `host` may be another loopback address (127.0.0.2): a different host to the skill, the same machine. */
export async function listenOnLoopback(server: Server, port = 0, host = '127.0.0.1'): Promise<LoopbackListener> {
  await listen(server, host, port);
  answerOnlyLoopbackNames(server);
  return loopbackListener(server);
}

/** The listener of a server a library started itself (aws-ses-v2-local listens on its own), which must be on loopback. */
export function loopbackListener(server: Server): LoopbackListener {
  const address = server.address() as AddressInfo | null;
  if (!address || isIP(address.address) !== 4 || !isLoopbackAddress(address.address))
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
