// The switchable SES stand-in, seen through the real AWS SDK client: each failure arrives as
// the error SES sends (name, message, status), accepted mails reach the outbox behind it, and
// the counts say what happened.

import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SES_BEHAVIOURS, type SesFaultServer, startSesFaultServer } from '../../../testkit/ses/faultServer.ts';
import { type SesOutbox, startSesOutbox } from '../../../testkit/ses/outbox.ts';

let outbox: SesOutbox;
let ses: SesFaultServer;

beforeAll(async () => {
  outbox = await startSesOutbox();
  ses = await startSesFaultServer({ kind: 'accept' }, { upstream: outbox.url });
});
afterAll(async () => {
  await ses.close();
  await outbox.close();
});
beforeEach(async () => {
  ses.set(SES_BEHAVIOURS.accept);
  ses.resetCounts();
  await outbox.clear();
});

function client(endpoint: string, { region = 'us-east-1', requestTimeout = 2_000 } = {}): SESClient {
  return new SESClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local-test-key-id', secretAccessKey: 'local-test-placeholder' },
    maxAttempts: 1,
    requestHandler: { requestTimeout, throwOnRequestTimeout: true },
  });
}

const mail = (subject = 'Hello') =>
  new SendEmailCommand({
    Source: 'sender@example.com',
    Destination: { ToAddresses: ['you@example.com'] },
    Message: { Subject: { Data: subject }, Body: { Text: { Data: 'Body' } } },
  });

async function failureOf(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the request succeeded');
}

describe('a failure', () => {
  it.each([
    ['throttling', 'Throttling', 400, 'Maximum sending rate exceeded.'],
    ['daily-quota', 'Throttling', 400, 'Daily message quota exceeded.'],
    [
      'recipient-not-verified',
      'MessageRejected',
      400,
      'Email address is not verified. The following identities failed the check in region US-EAST-1: you@example.com',
    ],
    [
      'sender-not-verified',
      'MessageRejected',
      400,
      'Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.com',
    ],
    [
      'sending-paused',
      'AccountSendingPausedException',
      400,
      'Email sending is disabled for your entire Amazon SES account.',
    ],
    ['invalid-client-token', 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.'],
    [
      'signature-mismatch',
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided.',
    ],
    [
      'internal-failure',
      'InternalFailure',
      500,
      'The request processing has failed because of an unknown error, exception or failure.',
    ],
  ] as const)('%s reaches the SDK as %s (HTTP %i)', async (behaviour, name, status, message) => {
    ses.set(SES_BEHAVIOURS[behaviour]);
    const failure = await failureOf(client(ses.url).send(mail()));
    expect(failure.name).toBe(name);
    expect(failure.status).toBe(status);
    expect(failure.message).toContain(message);
    expect(ses.requests).toEqual([{ action: 'SendEmail', answer: status }]);
    expect(ses.acceptedCount).toBe(0);
    expect(await outbox.mails()).toEqual([]);
  });

  it('names the region of the request in an unverified-address message, as SES does', async () => {
    ses.set(SES_BEHAVIOURS['recipient-not-verified']);
    expect((await failureOf(client(ses.url, { region: 'eu-west-1' }).send(mail()))).message).toContain(
      'in region EU-WEST-1: you@example.com',
    );
  });

  it('malformed-xml answers 200 with XML no parser accepts', async () => {
    ses.set(SES_BEHAVIOURS['malformed-xml']);
    const failure = await failureOf(client(ses.url).send(mail()));
    expect(failure.name).not.toBe('Throttling');
    expect(ses.requests).toEqual([{ action: 'SendEmail', answer: 200 }]);
    expect(ses.acceptedCount).toBe(0);
  });

  it('hang never answers, so the client’s own timeout decides', async () => {
    ses.set(SES_BEHAVIOURS.hang);
    const failure = await failureOf(client(ses.url, { requestTimeout: 300 }).send(mail()));
    expect(failure.name).toBe('TimeoutError');
    expect(ses.requests).toEqual([{ action: 'SendEmail', answer: 'no answer' }]);
  });
});

describe('acceptance', () => {
  it('forwards an accepted mail to the outbox behind it', async () => {
    const output = await client(ses.url).send(mail('Forwarded'));
    expect(output.MessageId).toBeTruthy();
    expect((await outbox.mails()).map((captured) => captured.subject)).toEqual(['Forwarded']);
    expect(ses.acceptedCount).toBe(1);
  });

  it('answers SendEmail and SendRawEmail itself when there is no outbox behind it', async () => {
    const alone = await startSesFaultServer();
    try {
      const sent = await client(alone.url).send(mail());
      const raw = await client(alone.url).send(
        new SendRawEmailCommand({ RawMessage: { Data: new TextEncoder().encode('Subject: x\r\n\r\nbody') } }),
      );
      expect(sent.MessageId).toMatch(/\S/);
      expect(raw.MessageId).toMatch(/\S/);
      expect(alone.requests).toEqual([
        { action: 'SendEmail', answer: 200 },
        { action: 'SendRawEmail', answer: 200 },
      ]);
      expect(alone.acceptedCount).toBe(2);
    } finally {
      await alone.close();
    }
  });

  it('slow answers only after its delay, then accepts', async () => {
    ses.set({ kind: 'accept', delayMs: 600 });
    expect((await failureOf(client(ses.url, { requestTimeout: 200 }).send(mail('Too late')))).name).toBe(
      'TimeoutError',
    );
    const output = await client(ses.url, { requestTimeout: 5_000 }).send(mail('Slow'));
    expect(output.MessageId).toBeTruthy();
    // The first request's answer also came, after the client gave up on it: SES may well take a mail the client timed out on.
    await expect
      .poll(async () => (await outbox.mails()).map((captured) => captured.subject).sort())
      .toEqual(['Slow', 'Too late']);
  });

  it('fails N times, then succeeds, counting every request', async () => {
    ses.set({ kind: 'fail', error: 'throttling', times: 2 });
    const ses1 = client(ses.url);
    expect((await failureOf(ses1.send(mail()))).name).toBe('Throttling');
    expect((await failureOf(ses1.send(mail()))).name).toBe('Throttling');
    await ses1.send(mail('Third time'));
    expect(ses.requestCount).toBe(3);
    expect(ses.acceptedCount).toBe(1);
    expect(ses.requests.map((request) => request.answer)).toEqual([400, 400, 200]);
    expect((await outbox.mails()).map((captured) => captured.subject)).toEqual(['Third time']);
  });

  it('starts counting failures again when the behaviour is set again', async () => {
    ses.set(SES_BEHAVIOURS['throttling-once']);
    expect((await failureOf(client(ses.url).send(mail()))).name).toBe('Throttling');
    await client(ses.url).send(mail());
    ses.set(SES_BEHAVIOURS['throttling-once']);
    expect((await failureOf(client(ses.url).send(mail()))).name).toBe('Throttling');
  });
});
