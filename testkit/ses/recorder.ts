// A local SES endpoint that keeps every request exactly as it arrived on the wire (the
// query-protocol form, and for SendRawEmail the MIME message itself) and accepts it.
// The fuzzer checks recipients and headers on these bytes, not on what an emulator parsed.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../loopback.ts';

export interface WireRequest {
  readonly action: string;
  /** Every form parameter as sent, e.g. `Destination.ToAddresses.member.1`. */
  readonly form: Readonly<Record<string, string>>;
  /** SendRawEmail only: the decoded RFC 5322 message. */
  readonly rawMessage?: Buffer;
}

export interface SesRecorder {
  /** For AWS_ENDPOINT_URL_SES. */
  readonly url: string;
  /** Requests received since the last clear, in order. */
  readonly requests: readonly WireRequest[];
  clear(): void;
  close(): Promise<void>;
}

const NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

export async function startSesRecorder(): Promise<SesRecorder> {
  let requests: WireRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const action = form.Action ?? '';
      const raw = form['RawMessage.Data'];
      requests.push({ action, form, ...(raw === undefined ? {} : { rawMessage: Buffer.from(raw, 'base64') }) });
      const messageId = `fuzz-${randomUUID()}`;
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<${action}Response xmlns="${NAMESPACE}"><${action}Result><MessageId>${messageId}</MessageId></${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
        );
    });
  });
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    get requests() {
      return requests;
    },
    clear() {
      requests = [];
    },
    close: listener.close,
  };
}
