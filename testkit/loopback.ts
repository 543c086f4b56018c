// Every local stand-in listens the same way: on 127.0.0.1, on a free port, and closes
// with its open keep-alive connections so a test or a tool can end promptly.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface LoopbackListener {
  readonly url: string;
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return loopbackListener(server);
}

/** The listener of a server a library started itself (aws-ses-v2-local listens on its own), which must be on loopback. */
export function loopbackListener(server: Server): LoopbackListener {
  const address = server.address() as AddressInfo | null;
  if (address?.address !== '127.0.0.1') throw new Error(`The server listens on ${address?.address}, not on 127.0.0.1.`);
  return { url: `http://127.0.0.1:${address.port}`, close: () => closeServer(server) };
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
