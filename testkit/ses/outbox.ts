// The local SES outbox: aws-ses-v2-local in this process, on a free loopback port. Its web
// page shows each captured mail; GET /store lists them as JSON. aws-ses-v2-local keeps its
// mails in one store per process, so every outbox of a process shows (and clears) the same
// mails: the SES stand-in (standIn.ts), which delivers here, reads back only its own.
// It answers only requests addressed to a loopback name: /store holds every address and note.

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { answerOnlyLoopbackNames, loopbackListener } from '../loopback.ts';

export interface CapturedMail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: string[]; readonly cc: string[]; readonly bcc: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly attachments: {
    readonly content: string;
    readonly contentType: string;
    readonly filename?: string;
    readonly size: number;
  }[];
  readonly at: number;
}

export interface SesOutbox {
  /** The endpoint for AWS_ENDPOINT_URL_SES, and the page that shows the mails. */
  readonly url: string;
  mails(): Promise<CapturedMail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

// aws-ses-v2-local is CommonJS with an `exports.default`; require() reaches it the same way under tsx and vitest.
type StartServer = (config?: Partial<{ host: string; port: number }>) => Promise<Server>;
const { default: startServer } = createRequire(import.meta.url)('aws-ses-v2-local') as { default: StartServer };

export async function startSesOutbox(port = 0): Promise<SesOutbox> {
  const server = await startServer({ host: '127.0.0.1', port });
  answerOnlyLoopbackNames(server);
  const { url, close } = loopbackListener(server);
  return {
    url,
    async mails() {
      const response = await fetch(`${url}/store`);
      const store = (await response.json()) as { emails: CapturedMail[] };
      return store.emails;
    },
    async clear() {
      await fetch(`${url}/clear-store`, { method: 'POST' });
    },
    close,
  };
}
