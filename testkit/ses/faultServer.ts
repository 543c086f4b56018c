// A local SES (v1, query protocol) endpoint whose answer can be chosen and switched at
// runtime: accept the mail, or fail with the XML error SES really sends (throttling, daily
// quota, an unverified address, paused sending, a bad key, an internal failure), answer
// malformed XML, answer late, or never answer. Point AWS_ENDPOINT_URL_SES at `.url`.
//
// With an `upstream` (the local outbox URL), accepted requests are forwarded there, so the
// mail lands in the outbox as if this server were not in between. The skill reads its
// configuration once per process, so the simulator keeps one of these at a fixed URL and
// switches its behaviour between dialogs instead of restarting the skill.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback.ts';

/** The failures SES answers with, named after what went wrong. */
export type SesErrorKind =
  | 'throttling'
  | 'daily-quota'
  | 'recipient-not-verified'
  | 'sender-not-verified'
  | 'sending-paused'
  | 'invalid-client-token'
  | 'signature-mismatch'
  | 'internal-failure'
  | 'malformed-xml';

export type SesBehaviour =
  /** Accept the mail, after `delayMs` when given. */
  | { readonly kind: 'accept'; readonly delayMs?: number }
  /** Fail with `error`; after `times` failures (when given) accept again. */
  | { readonly kind: 'fail'; readonly error: SesErrorKind; readonly times?: number }
  /** Never answer: the client's own timeout decides. */
  | { readonly kind: 'hang' }
  /** Send the success status and half the body, then go silent: a stall after the headers. */
  | { readonly kind: 'stall' };

/** Short names for the command line and replay files (`--ses throttling`, `"simulate": {"ses": "hang"}`). */
export const SES_BEHAVIOURS = {
  accept: { kind: 'accept' },
  slow: { kind: 'accept', delayMs: 1_000 },
  hang: { kind: 'hang' },
  stall: { kind: 'stall' },
  throttling: { kind: 'fail', error: 'throttling' },
  'throttling-once': { kind: 'fail', error: 'throttling', times: 1 },
  'daily-quota': { kind: 'fail', error: 'daily-quota' },
  'recipient-not-verified': { kind: 'fail', error: 'recipient-not-verified' },
  'sender-not-verified': { kind: 'fail', error: 'sender-not-verified' },
  'sending-paused': { kind: 'fail', error: 'sending-paused' },
  'invalid-client-token': { kind: 'fail', error: 'invalid-client-token' },
  'signature-mismatch': { kind: 'fail', error: 'signature-mismatch' },
  'internal-failure': { kind: 'fail', error: 'internal-failure' },
  'malformed-xml': { kind: 'fail', error: 'malformed-xml' },
} as const satisfies Record<string, SesBehaviour>;

export type SesBehaviourName = keyof typeof SES_BEHAVIOURS;

export function isSesBehaviourName(name: string): name is SesBehaviourName {
  return Object.hasOwn(SES_BEHAVIOURS, name);
}

export interface SesRequestRecord {
  /** The query-protocol Action (SendEmail, SendRawEmail …). */
  readonly action: string;
  /** The HTTP status answered, or 'no answer' for a request left hanging. */
  readonly answer: number | 'no answer';
}

export interface SesFaultServer {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly SesRequestRecord[];
  readonly requestCount: number;
  /** Requests answered with success (by this server, or by the upstream). */
  readonly acceptedCount: number;
  /** Changes the behaviour for the next requests; restarts the `times` count of a failure. */
  set(behaviour: SesBehaviour): void;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface SesFaultServerOptions {
  /** Forward accepted requests to this SES endpoint (the local outbox) instead of answering them here. */
  readonly upstream?: string;
}

const NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

interface SesError {
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';
  readonly code: string;
  readonly message: string;
}

function sesError(kind: Exclude<SesErrorKind, 'malformed-xml'>, form: URLSearchParams, region: string): SesError {
  const recipient = form.get('Destination.ToAddresses.member.1') ?? form.get('Destinations.member.1') ?? '';
  const sender = form.get('Source') ?? '';
  const notVerified = (address: string) =>
    `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${address}`;
  switch (kind) {
    case 'throttling':
      return { status: 400, type: 'Sender', code: 'Throttling', message: 'Maximum sending rate exceeded.' };
    case 'daily-quota':
      return { status: 400, type: 'Sender', code: 'Throttling', message: 'Daily message quota exceeded.' };
    case 'recipient-not-verified':
      return { status: 400, type: 'Sender', code: 'MessageRejected', message: notVerified(recipient) };
    case 'sender-not-verified':
      return { status: 400, type: 'Sender', code: 'MessageRejected', message: notVerified(sender) };
    case 'sending-paused':
      return {
        status: 400,
        type: 'Sender',
        code: 'AccountSendingPausedException',
        message: 'Email sending is disabled for your entire Amazon SES account.',
      };
    case 'invalid-client-token':
      return {
        status: 403,
        type: 'Sender',
        code: 'InvalidClientTokenId',
        message: 'The security token included in the request is invalid.',
      };
    case 'signature-mismatch':
      return {
        status: 403,
        type: 'Sender',
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      };
    case 'internal-failure':
      return {
        status: 500,
        type: 'Receiver',
        code: 'InternalFailure',
        message: 'The request processing has failed because of an unknown error, exception or failure.',
      };
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The region of the SigV4 credential scope (`Credential=KEY/DATE/REGION/ses/aws4_request`), as SES names it in messages. */
function regionOf(request: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'us-east-1';
}

function sendXml(response: ServerResponse, status: number, requestId: string, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(body);
}

function answerError(response: ServerResponse, error: SesError): void {
  const requestId = randomUUID();
  sendXml(
    response,
    error.status,
    requestId,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.type}</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

function answerSuccess(response: ServerResponse, action: string): boolean {
  const requestId = randomUUID();
  if (action !== 'SendEmail' && action !== 'SendRawEmail') {
    answerError(response, {
      status: 400,
      type: 'Sender',
      code: 'InvalidAction',
      message: `The action ${action || '(none)'} is not valid for this web service.`,
    });
    return false;
  }
  const messageId = `0100${Date.now().toString(16)}-${randomUUID()}-000000`;
  sendXml(
    response,
    200,
    requestId,
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result><MessageId>${messageId}</MessageId></${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  );
  return true;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

async function forward(
  upstream: string,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
): Promise<boolean> {
  const headers = Object.entries(request.headers).flatMap(([name, value]): [string, string][] =>
    HOP_BY_HOP.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
  );
  const answer = await fetch(new URL(request.url ?? '/', upstream), {
    method: request.method ?? 'POST',
    headers,
    body: new Uint8Array(body),
  });
  const text = await answer.text();
  response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' }).end(text);
  return answer.ok;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSesFaultServer(
  initial: SesBehaviour = { kind: 'accept' },
  options: SesFaultServerOptions = {},
): Promise<SesFaultServer> {
  let behaviour = initial;
  let failuresServed = 0;
  let requests: SesRequestRecord[] = [];
  let acceptedCount = 0;

  const accept = async (
    request: IncomingMessage,
    body: Buffer,
    action: string,
    response: ServerResponse,
  ): Promise<void> => {
    const ok = options.upstream
      ? await forward(options.upstream, request, body, response)
      : answerSuccess(response, action);
    if (ok) acceptedCount++;
    requests.push({ action, answer: response.statusCode });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? '';
    const current = behaviour;

    if (current.kind === 'hang') {
      requests.push({ action, answer: 'no answer' });
      return;
    }
    if (current.kind === 'stall') {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write(`<${action}Response xmlns="${NAMESPACE}"><${action}Result>`);
      requests.push({ action, answer: 'no answer' });
      return;
    }
    if (current.kind === 'accept') {
      if (current.delayMs) await new Promise((resolve) => setTimeout(resolve, current.delayMs));
      await accept(request, body, action, response);
      return;
    }
    if (current.times !== undefined && failuresServed >= current.times) {
      await accept(request, body, action, response);
      return;
    }
    failuresServed++;
    if (current.error === 'malformed-xml') {
      // A success status with a body no XML parser accepts: SES may have taken the mail, the client cannot tell.
      sendXml(response, 200, randomUUID(), `<${action}Response xmlns="${NAMESPACE}"><${action}Result><MessageId>`);
    } else {
      answerError(response, sesError(current.error, form, regionOf(request)));
    }
    requests.push({ action, answer: response.statusCode });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        answerError(response, {
          status: 500,
          type: 'Receiver',
          code: 'InternalFailure',
          message: `Local SES stand-in failed: ${(error as Error).message}`,
        });
      }
    });
  });
  const listener = await listenOnLoopback(server);

  return {
    url: listener.url,
    get requests() {
      return requests;
    },
    get requestCount() {
      return requests.length;
    },
    get acceptedCount() {
      return acceptedCount;
    },
    set(next) {
      behaviour = next;
      failuresServed = 0;
    },
    resetCounts() {
      requests = [];
      acceptedCount = 0;
    },
    close: listener.close,
  };
}
