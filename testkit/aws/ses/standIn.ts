// The SES stand-in: the SES (v1, query protocol) sending endpoint every test and tool sends mail
// to, and the one entry point of SES's sending side (the fake AWS answers its control plane, from
// the files beside this one). It authenticates each request as SES does (SigV4, against the keys it
// is given), keeps every request exactly as it arrived on the wire, and answers as its current
// behaviour says (modes.ts): an accepted mail is delivered to an aws-ses-v2-local outbox,
// whose page shows it. The behaviour can be switched at runtime, so the simulator keeps one
// stand-in at a fixed URL for a skill that reads its configuration once per process; and a key
// can have a lane of its own (a behaviour, requests and mails), so that tests run at once in one
// process, whose SDK takes a single SES endpoint from the environment, each have an SES of their own.

import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../loopback.ts';
import { PLACEHOLDER_KEY } from '../../placeholders.ts';
import { AwsError, errorDocument } from '../protocol.ts';
import { type AccessKey, credentialScope, keyring, type SecretLookup, verifySignature } from '../signature.ts';
import { SES_NAMESPACE } from './actions.ts';
import { SES_BEHAVIOURS, type SesBehaviour, sesError } from './modes.ts';
import { type CapturedMail, startSesOutbox } from './outbox.ts';

export { isSesBehaviourName, SES_BEHAVIOURS, type SesBehaviour, type SesBehaviourName } from './modes.ts';
export type { CapturedMail } from './outbox.ts';

/** A request as it arrived on the wire: the query-protocol form, and for SendRawEmail the MIME message itself. */
export interface WireRequest {
  /** The query-protocol Action (SendEmail, SendRawEmail …). */
  readonly action: string;
  /** Every form parameter as sent, e.g. `Destination.ToAddresses.member.1`. */
  readonly form: Readonly<Record<string, string>>;
  /** SendRawEmail only: the decoded RFC 5322 message. */
  readonly rawMessage?: Buffer;
}

interface SesRequest extends WireRequest {
  /** The access key ID the request names in its signature ('' when unsigned), and its credential scope's region. */
  readonly accessKeyId: string;
  readonly region: string;
  /** The HTTP status answered; 'no answer' until one is sent, and for good when the stand-in hangs or stalls. */
  readonly answer: number | 'no answer';
}

interface SesStandInOptions {
  /** How it answers at first (default: accept). */
  readonly behaviour?: SesBehaviour;
  /**
   * The keys whose signatures it accepts: a list, or a lookup such as the fake AWS's `secretOf`
   * (so a key its IAM issued can send). Default: the placeholder key the local skill is configured with.
   */
  readonly keys?: readonly AccessKey[] | SecretLookup;
}

/** What a lane of the stand-in received, and how it answers. */
export interface SesLane {
  /** Every request received since the last clear, in order of arrival, refused ones included. */
  readonly requests: readonly SesRequest[];
  /** Mails accepted and delivered to the outbox since the last clear. */
  readonly acceptedCount: number;
  /** The mails this stand-in delivered since the last clear, as the outbox parsed them. */
  mails(): Promise<CapturedMail[]>;
  /** Resolves once every request received so far is answered, or left unanswered on purpose (hang, stall). */
  settled(): Promise<void>;
  /** Changes the behaviour for the next requests; restarts the `times` count of a failure. */
  set(behaviour: SesBehaviour): void;
}

/** The stand-in itself is the lane of every key that has none of its own. */
export interface SesStandIn extends SesLane {
  /** The endpoint for AWS_ENDPOINT_URL_SES. */
  readonly url: string;
  /** The outbox page, which shows every mail delivered (GET /store lists them as JSON). */
  readonly outboxUrl: string;
  /**
   * The requests signed with `accessKeyId` (known to the stand-in or not), from now on: a lane of
   * their own, which answers as accepting until told otherwise.
   */
  laneFor(accessKeyId: string): SesLane;
  /** A new key the stand-in accepts from now on (with the placeholder secret), and its lane. */
  issueKey(): { readonly accessKeyId: string; readonly secretAccessKey: string; readonly lane: SesLane };
  /** Forgets requests, counts and mails, and empties the outbox (whose store every outbox of the process shares). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendXml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
}

function answerError(response: ServerResponse, error: AwsError): void {
  sendXml(response, error.status, errorDocument(SES_NAMESPACE, error));
}

const SENDS = new Set(['SendEmail', 'SendRawEmail']);

/** How one lane answers, and what it received. */
interface Lane {
  behaviour: SesBehaviour;
  failuresServed: number;
  requests: SesRequest[];
  deliveredIds: string[];
  readonly inFlight: Set<Promise<void>>;
}

/** POSTs a query-protocol form to the outbox; node:http on a kept-alive connection costs a load run far less than fetch. */
function postToOutbox(url: string, body: Buffer, agent: Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        // aws-ses-v2-local only checks that a request is signed, not how.
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 local' },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        answer.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function startSesStandIn(options: SesStandInOptions = {}): Promise<SesStandIn> {
  const keys = options.keys ?? [PLACEHOLDER_KEY];
  const given = typeof keys === 'function' ? keys : keyring(keys);
  const issued = new Map<string, string>();
  const secretOf: SecretLookup = (accessKeyId) => issued.get(accessKeyId) ?? given(accessKeyId);
  const outbox = await startSesOutbox();
  const toOutbox = new Agent({ keepAlive: true });
  const newLane = (behaviour: SesBehaviour): Lane => ({
    behaviour,
    failuresServed: 0,
    requests: [],
    deliveredIds: [],
    inFlight: new Set(),
  });
  const shared = newLane(options.behaviour ?? SES_BEHAVIOURS.accept);
  const lanes = new Map<string, Lane>();

  /** Hands the mail to the outbox and answers with the outbox's own SES answer, not before `answerAt` (performance.now()). */
  const deliver = async (
    lane: Lane,
    action: string,
    body: Buffer,
    response: ServerResponse,
    answerAt = 0,
  ): Promise<void> => {
    if (!SENDS.has(action))
      throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    const { status, text } = await postToOutbox(outbox.url, body, toOutbox);
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(text)?.[1];
    // aws-ses-v2-local refuses in JSON; SES refuses a mail it cannot send with a 400 in XML.
    if (status !== 200 || !messageId)
      throw new AwsError('InvalidParameterValue', `The local outbox refused the mail: ${text}`);
    lane.deliveredIds.push(messageId);
    const wait = answerAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sendXml(response, 200, text);
  };

  const respond = async (
    lane: Lane,
    request: IncomingMessage,
    body: Buffer,
    record: SesRequest,
    response: ServerResponse,
    receivedAt: number,
  ) => {
    // SES authenticates before anything else, whatever it would answer next.
    await verifySignature(request, body, secretOf);
    const current = lane.behaviour;
    if (current.kind === 'hang') return;
    if (current.kind === 'stall') {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.write(`<${record.action}Response xmlns="${SES_NAMESPACE}"><${record.action}Result>`);
      return;
    }
    if (current.kind === 'accept') {
      await deliver(lane, record.action, body, response, receivedAt + (current.delayMs ?? 0));
      return;
    }
    if (current.times !== undefined && lane.failuresServed >= current.times) {
      await deliver(lane, record.action, body, response);
      return;
    }
    lane.failuresServed++;
    if (current.error === 'malformed-xml') {
      // A success status with a body no XML parser accepts: SES may have taken the mail, the client cannot tell.
      sendXml(response, 200, `<${record.action}Response xmlns="${SES_NAMESPACE}"><${record.action}Result><MessageId>`);
      return;
    }
    throw sesError(current.error, record.form, record.region);
  };

  const server = createServer((request, response) => {
    const receivedAt = performance.now();
    const scope = credentialScope(request);
    const lane = lanes.get(scope?.accessKeyId ?? '') ?? shared;
    const handle = async () => {
      const body = await readBody(request);
      const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const raw = form['RawMessage.Data'];
      const record = {
        action: form.Action ?? '',
        form,
        ...(raw === undefined ? {} : { rawMessage: Buffer.from(raw, 'base64') }),
        accessKeyId: scope?.accessKeyId ?? '',
        region: scope?.region ?? 'us-east-1',
        answer: 'no answer' as SesRequest['answer'],
      };
      lane.requests.push(record);
      response.once('finish', () => {
        record.answer = response.statusCode;
      });
      try {
        await respond(lane, request, body, record, response, receivedAt);
      } catch (error) {
        if (response.headersSent) return;
        answerError(
          response,
          error instanceof AwsError
            ? error
            : new AwsError(
                'InternalFailure',
                `Local SES stand-in failed: ${(error as Error).message}`,
                500,
                'Receiver',
              ),
        );
      }
    };
    // A client that goes away mid-request leaves nothing to answer.
    const handling = handle().catch(() => void response.destroy());
    lane.inFlight.add(handling);
    void handling.finally(() => lane.inFlight.delete(handling));
  });
  const listener = await listenOnLoopback(server);

  const view = (lane: Lane): SesLane => ({
    get requests() {
      return lane.requests;
    },
    get acceptedCount() {
      return lane.deliveredIds.length;
    },
    settled: async () => {
      await Promise.all(lane.inFlight);
    },
    async mails() {
      const ours = new Set(lane.deliveredIds);
      return (await outbox.mails()).filter((mail) => ours.has(mail.messageId));
    },
    set(next) {
      lane.behaviour = next;
      lane.failuresServed = 0;
    },
  });

  const sharedLane = view(shared);
  const laneFor = (accessKeyId: string) => {
    const lane = newLane(SES_BEHAVIOURS.accept);
    lanes.set(accessKeyId, lane);
    return view(lane);
  };
  return {
    url: listener.url,
    outboxUrl: outbox.url,
    get requests() {
      return sharedLane.requests;
    },
    get acceptedCount() {
      return sharedLane.acceptedCount;
    },
    settled: sharedLane.settled,
    mails: sharedLane.mails,
    set: sharedLane.set,
    laneFor,
    issueKey() {
      const accessKeyId = `TEST-KEY-${randomUUID()}`;
      issued.set(accessKeyId, PLACEHOLDER_KEY.secretAccessKey);
      return { accessKeyId, secretAccessKey: PLACEHOLDER_KEY.secretAccessKey, lane: laneFor(accessKeyId) };
    },
    async clear() {
      shared.requests = [];
      shared.deliveredIds = [];
      await outbox.clear();
    },
    close: async () => {
      await Promise.all([listener.close(), outbox.close()]);
      toOutbox.destroy();
    },
  };
}
