// The local SES outbox: aws-ses-v2-local in this process, on a free loopback port. Its web
// page shows each captured mail; GET /store lists them as JSON. aws-ses-v2-local keeps its
// mails in one store per process, so every outbox of a process shows (and clears) the same
// mails: the SES stand-in (standIn.ts), which delivers here, reads back only its own.
// It answers only requests addressed to a loopback name: /store holds every address and note.
// Its page shows a mail's HTML in a sandboxed frame, where the mail's own scripts cannot run, and
// saves an attachment as a file rather than opening it as one of its own pages.

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { answerFirst, answerOnlyLoopbackNames, loopbackListener } from '../loopback.ts';

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

export async function startSesOutbox(port = 0): Promise<SesOutbox> {
  const page = outboxPage();
  const server = await startServer({ host: '127.0.0.1', port });
  answerFirst(server, (request, response) => {
    if (request.method !== 'GET' || new URL(request.url ?? '/', 'http://localhost').pathname !== '/') return false;
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
