// Every local stand-in listens the same way: on 127.0.0.1, on a free port, and closes
// with its open keep-alive connections so a test or a tool can end promptly.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Every stand-in's origin, on any port: what local runs add to ALEXA_API_ENDPOINTS so the skill
 * may call the local profile API (127.0.0.2 and every other host stay refused).
 */
export const LOOPBACK_ORIGIN = 'http://127.0.0.1';

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
