// Every local server of testkit/ against what any web page on this machine can send it once it
// guesses the port: a malformed target or method is answered with a 4xx (a throw in a request
// listener would stop `npm start` and `npm run console` with it), and a state-changing request from
// another origin is refused, so a page elsewhere cannot empty the outbox or change a stand-in.

import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws } from '../../../testkit/aws/server.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { startFaultyDynamoDb } from '../../../testkit/dynamoDb/faultyDynamoDb.ts';
import { startDynamoDbStandIn } from '../../../testkit/dynamoDb/standIn.ts';
import { makeLocalCertificate, startHttpsFront } from '../../../testkit/https.ts';
import { startProfileApi } from '../../../testkit/profileApi.ts';

interface Answer {
  readonly status: number;
  readonly text: string;
}

interface Sent {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** Sends `target` exactly as written (fetch would normalise "//"), and resolves with the answer. */
function send(url: string, target: string, { method = 'GET', headers = {}, body }: Sent = {}): Promise<Answer> {
  const { protocol, hostname, port } = new URL(url);
  const request = protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: hostname, port, path: target, method, headers, rejectUnauthorized: false },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

const closers: (() => Promise<void>)[] = [];
const servers: Record<string, string> = {};
let ses: SesStandIn;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'local-servers-'));
  ses = await startSesStandIn();
  const profile = await startProfileApi({ email: 'you@example.com', givenName: 'Alex' });
  const aws = await startFakeAws();
  const dynamoDb = await startDynamoDbStandIn();
  const faulty = await startFaultyDynamoDb('throttling');
  const https = await startHttpsFront(profile.url, await makeLocalCertificate(scratch));
  closers.push(
    () => ses.close(),
    () => profile.close(),
    () => aws.close(),
    () => dynamoDb.close(),
    () => faulty.close(),
    () => https.close(),
  );
  Object.assign(servers, {
    'SES outbox': ses.outboxUrl,
    'SES stand-in': ses.url,
    'Customer Profile API': profile.url,
    'fake AWS': aws.url,
    'local DynamoDB': dynamoDb.url,
    'faulty DynamoDB': faulty.url,
    'HTTPS front': https.url,
  });
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const SERVERS = [
  'SES outbox',
  'SES stand-in',
  'Customer Profile API',
  'fake AWS',
  'local DynamoDB',
  'faulty DynamoDB',
  'HTTPS front',
];

describe.each(SERVERS)('the %s', (name) => {
  it.each([
    ['GET', '//', 400],
    ['GET', '//attacker.example/store', 400],
    ['GET', '/%', 400],
    ['OPTIONS', '*', 400],
    ['PROPFIND', '/', 405],
  ])('answers %s %s with %i, and keeps answering', async (method, target, status) => {
    const url = servers[name] ?? '';
    expect(await send(url, target, { method })).toMatchObject({ status });
    expect((await send(url, '/', { method: 'HEAD' })).status).toBeGreaterThan(0);
  });

  it('refuses a POST from a page of another origin', async () => {
    const answer = await send(servers[name] ?? '', '/', {
      method: 'POST',
      headers: { origin: 'https://attacker.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(answer).toEqual({
      status: 403,
      text: "Refused a POST from https://attacker.example: only this server's own pages may change it.\n",
    });
  });
});

describe('the SES outbox’s /clear-store', () => {
  beforeAll(async () => {
    await ses.clear();
    const form = new URLSearchParams({
      Action: 'SendEmail',
      Source: 'mail-sender@example.com',
      'Destination.ToAddresses.member.1': 'you@example.com',
      'Message.Subject.Data': 'kept',
      'Message.Body.Text.Data': 'kept',
    });
    // Straight to the outbox, as the stand-in delivers (aws-ses-v2-local checks only that a request is signed).
    const delivered = await send(ses.outboxUrl, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 local' },
      body: form.toString(),
    });
    expect(delivered.status).toBe(200);
  });

  const stored = async () => ((await (await fetch(`${ses.outboxUrl}/store`)).json()) as { emails: unknown[] }).emails;

  it('refuses a cross-site text/plain POST (what a page elsewhere can send with no-cors), and the mails stay', async () => {
    const answer = await send(ses.outboxUrl, '/clear-store', {
      method: 'POST',
      headers: { origin: 'http://attacker.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect(await stored()).toHaveLength(1);
  });

  it('takes a clear only as JSON, even with no Origin', async () => {
    const answer = await send(ses.outboxUrl, '/clear-store', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(answer.status).toBe(415);
    expect(await stored()).toHaveLength(1);
  });

  it('clears for its own page: a loopback Origin and JSON', async () => {
    const { port } = new URL(ses.outboxUrl);
    const answer = await send(ses.outboxUrl, '/clear-store', {
      method: 'POST',
      headers: { origin: `http://localhost:${port}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(200);
    expect(await stored()).toHaveLength(0);
  });
});
