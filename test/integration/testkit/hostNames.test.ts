// Every stand-in a developer leaves running answers only requests addressed to a loopback name
// (or the address it listens on): a page elsewhere that points a name of its own at this machine
// (DNS rebinding) gets 421 and nothing else, not a mail delivered, an address or an account.

import { request as httpRequest } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws } from '../../../testkit/aws/server.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { startDynamoDbStandIn } from '../../../testkit/dynamoDb/standIn.ts';
import { PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { EMAIL_PATH, startProfileApi } from '../../../testkit/profileApi.ts';

interface Answer {
  readonly status: number | undefined;
  readonly body: string;
}

/** A request sent to `url`'s address whose Host header names `host`: what DNS rebinding makes a browser send. */
function addressedTo(
  url: string,
  host: string,
  {
    method = 'GET',
    path = '/',
    headers = {},
    body = '',
  }: Partial<Record<'method' | 'path' | 'body', string>> & {
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ host: hostname, port, method, path, headers: { ...headers, host } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

const REBOUND = (url: string) => `rebind.attacker.example:${new URL(url).port}`;

/** A SendEmail signed with the placeholder key (public in this repository) for the Host it names. */
async function signedSendEmail(url: string, host: string): Promise<Answer> {
  const body = new URLSearchParams({
    Action: 'SendEmail',
    Version: '2010-12-01',
    Source: 'attacker@example.com',
    'Destination.ToAddresses.member.1': 'you@example.com',
    'Message.Subject.Data': 'Rebound',
    'Message.Body.Html.Data': '<img src=x onerror="parent.fetch(\'/store\')">',
  }).toString();
  const [hostname = '', port] = host.split(':');
  const signer = new SignatureV4({ service: 'ses', region: 'us-east-1', credentials: PLACEHOLDER_KEY, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return addressedTo(url, host, { method: 'POST', headers: signed.headers, body });
}

describe('the SES stand-in', () => {
  let ses: SesStandIn;
  beforeAll(async () => {
    ses = await startSesStandIn();
  });
  afterAll(() => ses?.close());

  it('refuses a signed mail addressed to another name, and delivers nothing to the outbox', async () => {
    const refused = await signedSendEmail(ses.url, REBOUND(ses.url));
    expect(refused.status).toBe(421);
    expect(refused.body).toMatch(/^Misdirected request/);
    expect(await ses.mails()).toEqual([]);
    expect(ses.requests).toEqual([]);
  });

  it('delivers the same mail addressed to 127.0.0.1 or localhost, as the AWS SDK sends it', async () => {
    const { port } = new URL(ses.url);
    for (const name of ['127.0.0.1', 'localhost'])
      expect((await signedSendEmail(ses.url, `${name}:${port}`)).status).toBe(200);
    expect(await ses.mails()).toHaveLength(2);
  });

  it('keeps the outbox behind it to loopback names too: /store holds every address', async () => {
    const refused = await addressedTo(ses.outboxUrl, REBOUND(ses.outboxUrl), { path: '/store' });
    expect(refused.status).toBe(421);
    expect(refused.body).not.toContain('@');
  });
});

describe('the Customer Profile API stand-in', () => {
  it('gives the address to no request addressed to another name, whatever token it carries', async () => {
    const profile = await startProfileApi({ email: 'jane.doe@corp.example' });
    try {
      const headers = { authorization: 'Bearer x' };
      const refused = await addressedTo(profile.url, REBOUND(profile.url), { path: EMAIL_PATH, headers });
      expect(refused.status).toBe(421);
      expect(refused.body).not.toContain('jane.doe');
      const own = await addressedTo(profile.url, new URL(profile.url).host, { path: EMAIL_PATH, headers });
      expect(own).toEqual({ status: 200, body: '"jane.doe@corp.example"' });
    } finally {
      await profile.close();
    }
  });

  it('on another loopback address, answers to that address as its name', async () => {
    const profile = await startProfileApi({ email: 'jane.doe@corp.example' }, '127.0.0.2');
    try {
      const answer = await fetch(`${profile.url}${EMAIL_PATH}`, { headers: { authorization: 'Bearer x' } });
      expect([answer.status, await answer.json()]).toEqual([200, 'jane.doe@corp.example']);
    } finally {
      await profile.close();
    }
  });
});

describe('the fake AWS (npm run fake-aws)', () => {
  it('shows its account (/state) only to requests addressed to a loopback name', async () => {
    const fake = await startFakeAws();
    try {
      expect((await addressedTo(fake.url, REBOUND(fake.url), { path: '/state' })).status).toBe(421);
      expect((await fetch(`${fake.url}/state`)).status).toBe(200);
    } finally {
      await fake.close();
    }
  });
});

describe('DynamoDB on loopback', () => {
  it('answers nothing addressed to another name', async () => {
    const dynamoDb = await startDynamoDbStandIn();
    try {
      const listTables = {
        method: 'POST',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
          // dynalite wants a signature's form, not a valid one.
          authorization: `AWS4-HMAC-SHA256 Credential=${PLACEHOLDER_KEY.accessKeyId}/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
          'x-amz-date': '20260101T000000Z',
        },
        body: '{}',
      };
      expect((await addressedTo(dynamoDb.url, REBOUND(dynamoDb.url), listTables)).status).toBe(421);
      expect((await addressedTo(dynamoDb.url, new URL(dynamoDb.url).host, listTables)).status).toBe(200);
    } finally {
      await dynamoDb.close();
    }
  });
});
