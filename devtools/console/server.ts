// The console's HTTP server: the page (with a Content-Security-Policy that lets it load nothing but
// its own script and style, and talk to nothing but this server) and the simulator's JSON API.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import {
  answerRefusal,
  asHostName,
  hostMatcher,
  isLoopbackAddress,
  LOOPBACK_NAMES,
  listen,
  requestRefusal,
  splitHost,
} from '../../testkit/loopback.ts';
import { steeredConversationApi } from '../simulator/httpApi.ts';
import type { SteeredConversation } from '../simulator/steeredConversation.ts';
import type { Page } from './pageBuild.ts';

const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  // The HTML part of each mail, served by the API with a policy of its own, in a sandboxed frame.
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface ConsoleServer {
  /** The page's address, as printed for the user to open. */
  readonly url: string;
  /** The names it answers to (a Host header naming any other is refused). */
  readonly hostNames: readonly string[];
  /** Whether it listens on a loopback address only, decided by the address it is bound to, never by the name given. */
  readonly onLoopback: boolean;
  close(): Promise<void>;
}

interface ConsoleServerOptions {
  readonly conversation: SteeredConversation;
  readonly page: Page;
  readonly host: string;
  /** 0 for a free port. */
  readonly port: number;
  /** Names it answers to besides the loopback names and, off loopback, the machine's own (--allow-host). */
  readonly allowHosts?: readonly string[];
  /** Told of each request it refused for the name or the port in its Host header. */
  readonly onMisdirected?: (refused: Misdirected) => void;
}

/** A request refused for its Host header: no name, a name it does not know, or one of its names on another port. */
export type Misdirected =
  | { readonly kind: 'no host' }
  | {
      readonly kind: 'other name' | 'other port';
      readonly name: string;
      readonly port: string;
      readonly listening: number;
    };

const WILDCARD_ADDRESSES = ['0.0.0.0', '::', '[::]'];

/**
 * The names a browser may use for the console: the loopback names and the address it listens on
 * (the one it prints), always; bound elsewhere, also the machine's host name (and every address of
 * the machine for 0.0.0.0 or ::). Any other name is refused, whatever the bind address, so DNS
 * rebinding cannot reach it.
 */
function consoleHostNames(host: string, boundAddress: string, allowHosts: readonly string[]): string[] {
  const wildcard = WILDCARD_ADDRESSES.includes(host);
  const own = isLoopbackAddress(boundAddress)
    ? []
    : [
        hostname(),
        ...(wildcard
          ? Object.values(networkInterfaces())
              .flat()
              // A link-local IPv6 address needs its zone in a URL, which browsers do not send.
              .filter((address) => address !== undefined && !address.scopeid)
              .map((address) => address?.address ?? '')
          : []),
      ];
  const bound = wildcard ? [] : [host, boundAddress];
  return [
    ...new Set([...LOOPBACK_NAMES, ...bound, ...own, ...allowHosts].map((name) => asHostName(name.toLowerCase()))),
  ];
}

function serveAsset(response: ServerResponse, type: string, body: string, extra: Record<string, string> = {}) {
  response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, ...COMMON_HEADERS, ...extra }).end(body);
}

/** The one sentence for a host and port the console cannot listen on. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new Error(
        `port ${port} on ${host} is already in use; choose another with --port, or leave --port out for a free one.`,
      );
    case 'EACCES':
      return new Error(`port ${port} on ${host} needs privileges; choose one above 1023, or leave --port out.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new Error(`${host} is not an address of this machine; leave --host out to use 127.0.0.1.`);
    default:
      return error;
  }
}

export async function startConsoleServer({
  conversation,
  page,
  host,
  port,
  allowHosts = [],
  onMisdirected,
}: ConsoleServerOptions): Promise<ConsoleServer> {
  const api = steeredConversationApi(conversation);
  // Set once the port is known; nothing is answered before.
  let accepts: (host: string | undefined) => boolean = () => false;
  let listening = 0;

  /** Why a Host header was refused: a forwarded port (ssh -L 8080:…) sends one of its names with another port. */
  const misdirection = (host: string | undefined): Misdirected => {
    if (!host) return { kind: 'no host' };
    const { name, port } = splitHost(host);
    return { kind: accepts(`${name}:${listening}`) ? 'other port' : 'other name', name, port: port || '80', listening };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // A page elsewhere can point a name of its own at this machine (DNS rebinding); it cannot make
    // the browser send one of these names in the Host header, so only requests naming one are answered.
    if (!accepts(request.headers.host)) {
      const refused = misdirection(request.headers.host);
      onMisdirected?.(refused);
      response
        .writeHead(421, { 'content-type': 'text/plain; charset=utf-8', ...COMMON_HEADERS })
        .end(
          refused.kind === 'other port'
            ? `Misdirected request: this console listens on port ${listening} (--allow-host NAME:PORT adds a forwarded port).\n`
            : 'Misdirected request: this console answers only to its own names (--allow-host NAME adds one).\n',
        );
      return;
    }
    // A malformed target or method, or a change asked by a page of another origin, as every local server refuses them.
    const refusal = requestRefusal(request, accepts);
    if (refusal) {
      answerRefusal(response, refusal);
      return;
    }
    if (await api(request, response)) return;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/' || path === '/index.html')
      serveAsset(response, 'text/html', page.html, { 'content-security-policy': PAGE_POLICY });
    else if (path === '/page.js') serveAsset(response, 'text/javascript', page.js);
    else if (path === '/page.css') serveAsset(response, 'text/css', page.css);
    // /favicon.ico too: what a browser asks for on a tab that declares no icon (an API answer opened on its own).
    else if (path === '/icon.svg' || path === '/favicon.ico') serveAsset(response, 'image/svg+xml', page.icon);
    else response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.\n');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`The console failed: ${(error as Error).message}\n`);
    });
  });
  let bound: AddressInfo;
  try {
    bound = await listen(server, host, port);
  } catch (error) {
    throw listenProblem(error as NodeJS.ErrnoException, host, port);
  }
  // A name such as 127.0.0.1.nip.io looks like loopback and need not be: only the bound address tells.
  const onLoopback = isLoopbackAddress(bound.address);
  const hostNames = consoleHostNames(host, bound.address, allowHosts);
  accepts = hostMatcher(hostNames, bound.port);
  listening = bound.port;
  const shownHost = WILDCARD_ADDRESSES.includes(host) ? '127.0.0.1' : asHostName(host);
  return {
    url: `http://${shownHost}:${bound.port}/`,
    hostNames,
    onLoopback,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
