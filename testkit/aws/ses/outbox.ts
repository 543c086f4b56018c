// The local SES outbox: aws-ses-v2-local in this process, on a free loopback port. Its web
// page shows each captured mail; GET /store lists them as JSON. aws-ses-v2-local keeps its
// mails in one store per process, so every outbox of a process shows (and clears) the same
// mails: the SES stand-in (standIn.ts), which delivers here, reads back only its own.
// It answers only requests addressed to a loopback name: /store holds every address and note.
// Its page shows a mail's HTML in a sandboxed frame, where the mail's own scripts cannot run, and
// saves an attachment as a file rather than opening it as one of its own pages. /store gives each
// mail's headers as a mail reader shows them (`"メールセンダー" <…>`, not `=?UTF-8?B?…?=`).

import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { answerFirst, answerOnlyLoopbackNames, loopbackListener } from '../../loopback.ts';

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
const requireHere = createRequire(import.meta.url);
const { default: startServer } = requireHere('aws-ses-v2-local') as { default: StartServer };

/** A mail as aws-ses-v2-local stores it: SendEmail's Source and Subject as sent, encoded words and all. */
interface StoredMail extends CapturedMail {
  readonly replyTo: string[];
}
const { getStoreReadonly } = requireHere('aws-ses-v2-local/dist/store') as {
  getStoreReadonly(): { emails: StoredMail[]; templates: Map<string, unknown> };
};

/** One change to aws-ses-v2-local's page: what it writes, and what it writes instead. */
const PAGE_CHANGES: readonly [RegExp, string][] = [
  // Its frame shares the page's origin and gets the mail as innerHTML, so an onerror in a mail runs
  // as the page and can read /store. Sandboxed (no allow-scripts, no allow-same-origin) and given
  // the mail as srcdoc, the frame shows the mail with no script at all, in an origin of its own.
  [
    /<iframe id="\$\{e\.messageId\}-html-iframe" src="javascript:void\(0\);"><\/iframe>/,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the page's own template literal, written into it as text.
    '<iframe id="${e.messageId}-html-iframe" sandbox=""></iframe>',
  ],
  [
    /const iframeDoc = \(iframe\.contentDocument \|\| iframe\.contentWindow\.document\);\s*iframeDoc\.body\.innerHTML = e\.body\.html;/,
    'iframe.srcdoc = e.body.html;',
  ],
  // Its attachment links open a blob of the sender's type, so an HTML attachment opened as a page
  // of the outbox's origin and could read /store. As bytes of no type, with a download attribute
  // (its escape() leaves quotes, so they are escaped here), a click or a new tab saves the file.
  [
    /'<a href="' \+ makeBlob\(a\.contentType, a\.content\) \+ '">'/,
    `'<a download="' + escape(a.filename ?? 'attachment').replace(/"/g, '&quot;') + '" href="' + makeBlob('application/octet-stream', a.content) + '">'`,
  ],
  // Its Clear button posts with no type; the outbox takes a state change only as JSON, which no form elsewhere can send.
  [
    /fetch\('\/clear-store', \{ method: 'post' \}\)/,
    "fetch('/clear-store', { method: 'post', headers: { 'content-type': 'application/json' }, body: '{}' })",
  ],
];

/**
 * What the page may do besides: requests to this server only; the mail frame inherits it, so a mail
 * loads no image or font from elsewhere either. It allows any inline script and handler (the page's
 * own are inline), so the changes above, not this, keep a mail's script from running as the page.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  'img-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A header's value on one line: a value that held a line break would add headers of its own. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ');

/** Whether a header value holds an RFC 2047 encoded word; any other is shown as it was sent. */
const isEncoded = (value: string) => value.includes('=?');

/** An address as a mail reader shows it, by mailparser (which aws-ses-v2-local reads raw mails with): its name decoded, and quoted. */
async function shownAddress(address: string): Promise<string> {
  if (!isEncoded(address)) return address;
  return (await simpleParser(`From: ${oneLine(address)}\r\n\r\n`)).from?.text || address;
}

async function shownSubject(subject: string): Promise<string> {
  if (!isEncoded(subject)) return subject;
  return (await simpleParser(`Subject: ${oneLine(subject)}\r\n\r\n`)).subject ?? subject;
}

// Each stored mail is decoded once: the page asks for the store every second.
const shownMails = new WeakMap<StoredMail, Promise<StoredMail>>();

/** A stored mail with its headers as a mail reader shows them. */
function shownMail(mail: StoredMail): Promise<StoredMail> {
  let shown = shownMails.get(mail);
  if (!shown) {
    const addresses = (list: readonly string[]) => Promise.all(list.map(shownAddress));
    shown = (async () => ({
      ...mail,
      from: await shownAddress(mail.from),
      replyTo: await addresses(mail.replyTo),
      destination: {
        to: await addresses(mail.destination.to),
        cc: await addresses(mail.destination.cc),
        bcc: await addresses(mail.destination.bcc),
      },
      subject: await shownSubject(mail.subject),
    }))();
    shownMails.set(mail, shown);
  }
  return shown;
}

/** GET /store as aws-ses-v2-local answers it (`?since=SECONDS` keeps the mails from then on), with the headers shown. */
async function answerStore(query: URLSearchParams, response: ServerResponse): Promise<void> {
  const since = query.get('since');
  if (since !== null && !/^\d+$/.test(since)) {
    sendJson(response, 400, {
      message: 'Bad since query param, expected integer representing epoch timestamp in seconds',
    });
    return;
  }
  const { emails, templates } = getStoreReadonly();
  const kept = since === null ? emails : emails.filter((mail) => mail.at >= Number(since));
  sendJson(response, 200, { templates: Object.fromEntries(templates), emails: await Promise.all(kept.map(shownMail)) });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(value));
}

/** aws-ses-v2-local's page with its mail frame sandboxed and its attachments saved; throws if a new version of the page no longer has what this changes. */
function outboxPage(): string {
  const file = join(dirname(requireHere.resolve('aws-ses-v2-local/package.json')), 'static', 'index.html');
  return PAGE_CHANGES.reduce(
    (page, [from, to]) => {
      if (!from.test(page)) throw new Error(`aws-ses-v2-local's page (${file}) no longer matches ${from}.`);
      return page.replace(from, () => to);
    },
    readFileSync(file, 'utf8'),
  );
}

const isJson = (request: IncomingMessage) => /^application\/json\b/i.test(request.headers['content-type'] ?? '');

// The store outlives the outboxes of a process: the first outbox started while none is open empties
// it, so that a test file run after another in the same process does not see that file's mails.
let outboxesOpen = 0;

export async function startSesOutbox(port = 0): Promise<SesOutbox> {
  const page = outboxPage();
  const server = await startServer({ host: '127.0.0.1', port });
  answerFirst(server, (request, response) => {
    const { pathname, searchParams } = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && pathname === '/store') {
      answerStore(searchParams, response).catch((error: unknown) =>
        sendJson(response, 500, { message: `The outbox failed: ${(error as Error).message}` }),
      );
      return true;
    }
    if (request.method === 'POST' && pathname === '/clear-store' && !isJson(request)) {
      sendJson(response, 415, { message: 'Send the request as JSON, with Content-Type: application/json.' });
      return true;
    }
    if (request.method !== 'GET' || pathname !== '/') return false;
    response
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      })
      .end(page);
    return true;
  });
  // Added last, so it runs first: the page too is for loopback names only.
  answerOnlyLoopbackNames(server);
  const { url, close } = loopbackListener(server);
  const clear = async () => {
    await fetch(`${url}/clear-store`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  };
  // Counted before the await, so that outboxes started at the same moment clear the store once.
  const first = outboxesOpen === 0;
  outboxesOpen += 1;
  if (first) await clear();
  let closed = false;
  return {
    url,
    async mails() {
      const response = await fetch(`${url}/store`);
      const store = (await response.json()) as { emails: CapturedMail[] };
      return store.emails;
    },
    clear,
    async close() {
      if (!closed) outboxesOpen -= 1;
      closed = true;
      await close();
    },
  };
}
