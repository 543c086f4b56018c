// A loopback proxy that forwards every request to a target and remembers who signed it:
// the SigV4 Authorization header names the access key ID, so tests can prove which key
// the skill really sent mail with.

import { createServer, request as httpRequest } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

export interface RecordingProxy {
  readonly url: string;
  /** The Authorization header of every request that went through. */
  readonly authorizations: string[];
  /** The access key ID that signed each request, or "(unsigned)". */
  keyIds(): string[];
  close(): Promise<void>;
}

const CREDENTIAL = /Credential=([^/]+)\//;

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const authorizations: string[] = [];
  const server = createServer((incoming, outgoing) => {
    authorizations.push(incoming.headers.authorization ?? '');
    const forward = httpRequest(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forward);
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    authorizations,
    keyIds: () => authorizations.map((header) => CREDENTIAL.exec(header)?.[1] ?? '(unsigned)'),
    close: listener.close,
  };
}
