// The SES stand-in, seen through the real AWS SDK client: it authenticates each request as SES
// does (a wrong secret or an unknown key is refused with SES's own error, whatever the mode),
// each failure mode arrives as the error SES sends (name, message, status), accepted mails
// reach its outbox, and what it records is what came over the wire.

import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SES_BEHAVIOURS, type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import type { AccessKey } from '../../../testkit/aws/signature.ts';
import { PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';

let ses: SesStandIn;

beforeAll(async () => {
  ses = await startSesStandIn();
});
afterAll(async () => {
  await ses.close();
});
beforeEach(async () => {
  ses.set(SES_BEHAVIOURS.accept);
  await ses.clear();
});

function client(
  endpoint: string,
  { region = 'us-east-1', requestTimeout = 2_000, credentials = PLACEHOLDER_KEY as AccessKey } = {},
): SESClient {
  return new SESClient({
    endpoint,
    region,
    credentials,
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

const answers = () => ses.requests.map(({ action, answer }) => ({ action, answer }));

describe('authentication, as SES does it', () => {
  it('accepts a request signed with the key it was given', async () => {
    await client(ses.url).send(mail('Signed'));
    expect(ses.requests.map(({ accessKeyId, answer }) => ({ accessKeyId, answer }))).toEqual([
      { accessKeyId: PLACEHOLDER_KEY.accessKeyId, answer: 200 },
    ]);
    expect((await ses.mails()).map((captured) => captured.subject)).toEqual(['Signed']);
  });

  it('refuses the right key ID signed with the wrong secret: SignatureDoesNotMatch (HTTP 403), and no mail', async () => {
    const wrongSecret = { ...PLACEHOLDER_KEY, secretAccessKey: PLACEHOLDER_KEY.accessKeyId };
    const failure = await failureOf(client(ses.url, { credentials: wrongSecret }).send(mail()));
    expect(failure).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
    expect(answers()).toEqual([{ action: 'SendEmail', answer: 403 }]);
    expect(ses.acceptedCount).toBe(0);
    expect(await ses.mails()).toEqual([]);
  });

  it('refuses a key it never issued: InvalidClientTokenId (HTTP 403)', async () => {
    const stranger = { accessKeyId: 'LOCAL-KEY-ID-NEVER-ISSUED', secretAccessKey: PLACEHOLDER_KEY.secretAccessKey };
    const failure = await failureOf(client(ses.url, { credentials: stranger }).send(mail()));
    expect(failure).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    expect(await ses.mails()).toEqual([]);
  });

  it('refuses a bad signature before anything else, whatever the mode', async () => {
    ses.set(SES_BEHAVIOURS.throttling);
    const wrongSecret = { ...PLACEHOLDER_KEY, secretAccessKey: 'not-the-secret' };
    expect((await failureOf(client(ses.url, { credentials: wrongSecret }).send(mail()))).name).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('refuses an unsigned request (MissingAuthenticationToken), and one changed after it was signed', async () => {
    const unsigned = await fetch(ses.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=SendEmail&Source=sender%40example.com',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');

    // A relay that rewrites the recipient after the skill signed: the signature covers the body.
    const tampering = client(ses.url);
    tampering.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: string };
        request.body = request.body.replace('you%40example.com', 'evi%40example.com');
        return next(args);
      },
      // Runs after the signing (finalizeRequest) step, just before the request leaves.
      { step: 'deserialize' },
    );
    expect((await failureOf(tampering.send(mail()))).name).toBe('SignatureDoesNotMatch');
    expect(await ses.mails()).toEqual([]);
  });

  it('takes its keys from a lookup, such as the fake IAM’s active keys', async () => {
    const issued = { accessKeyId: 'LOCAL-ISSUED-KEY', secretAccessKey: 'issued-secret-placeholder' };
    const lookup = await startSesStandIn({
      keys: (accessKeyId) => (accessKeyId === issued.accessKeyId ? issued.secretAccessKey : undefined),
    });
    try {
      expect((await client(lookup.url, { credentials: issued }).send(mail())).MessageId).toMatch(/\S/);
      expect((await failureOf(client(lookup.url).send(mail()))).name).toBe('InvalidClientTokenId');
    } finally {
      await lookup.close();
    }
  });
});

describe('a failure mode', () => {
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
  ] as const)('%s reaches the SDK as %s (HTTP %i), and no mail', async (behaviour, name, status, message) => {
    ses.set(SES_BEHAVIOURS[behaviour]);
    const failure = await failureOf(client(ses.url).send(mail()));
    expect(failure.name).toBe(name);
    expect(failure.status).toBe(status);
    expect(failure.message).toContain(message);
    expect(answers()).toEqual([{ action: 'SendEmail', answer: status }]);
    expect(ses.acceptedCount).toBe(0);
    expect(await ses.mails()).toEqual([]);
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
    expect(answers()).toEqual([{ action: 'SendEmail', answer: 200 }]);
    expect(ses.acceptedCount).toBe(0);
  });

  it('hang never answers, so the client’s own timeout decides', async () => {
    ses.set(SES_BEHAVIOURS.hang);
    const failure = await failureOf(client(ses.url, { requestTimeout: 300 }).send(mail()));
    expect(failure.name).toBe('TimeoutError');
    await ses.settled();
    expect(answers()).toEqual([{ action: 'SendEmail', answer: 'no answer' }]);
  });

  it('fails N times, then accepts, counting every request', async () => {
    ses.set({ kind: 'fail', error: 'throttling', times: 2 });
    const sender = client(ses.url);
    expect((await failureOf(sender.send(mail()))).name).toBe('Throttling');
    expect((await failureOf(sender.send(mail()))).name).toBe('Throttling');
    await sender.send(mail('Third time'));
    expect(ses.requests.map((request) => request.answer)).toEqual([400, 400, 200]);
    expect(ses.acceptedCount).toBe(1);
    expect((await ses.mails()).map((captured) => captured.subject)).toEqual(['Third time']);
  });

  it('starts counting failures again when the behaviour is set again', async () => {
    ses.set(SES_BEHAVIOURS['throttling-once']);
    expect((await failureOf(client(ses.url).send(mail()))).name).toBe('Throttling');
    await client(ses.url).send(mail());
    ses.set(SES_BEHAVIOURS['throttling-once']);
    expect((await failureOf(client(ses.url).send(mail()))).name).toBe('Throttling');
  });
});

describe('acceptance', () => {
  it('delivers SendEmail and SendRawEmail to the outbox, and keeps each request as it came over the wire', async () => {
    const raw = 'From: sender@example.com\r\nTo: you@example.com\r\nSubject: Raw\r\n\r\nbody';
    const sent = await client(ses.url).send(mail('Plain'));
    const rawSent = await client(ses.url).send(
      new SendRawEmailCommand({ Source: 'sender@example.com', RawMessage: { Data: new TextEncoder().encode(raw) } }),
    );

    expect(sent.MessageId).toMatch(/\S/);
    expect(rawSent.MessageId).toMatch(/\S/);
    expect(answers()).toEqual([
      { action: 'SendEmail', answer: 200 },
      { action: 'SendRawEmail', answer: 200 },
    ]);
    expect(ses.requests[0]?.form).toMatchObject({
      'Destination.ToAddresses.member.1': 'you@example.com',
      'Message.Subject.Data': 'Plain',
    });
    expect(ses.requests[1]?.rawMessage?.toString('utf8')).toBe(raw);
    expect((await ses.mails()).map((captured) => captured.subject)).toEqual(['Plain', 'Raw']);
    expect(ses.acceptedCount).toBe(2);
  });

  it('serves the outbox page and its store, as the simulator shows them', async () => {
    await client(ses.url).send(mail('On the page'));
    expect((await fetch(ses.outboxUrl)).headers.get('content-type')).toContain('text/html');
    const store = (await (await fetch(`${ses.outboxUrl}/store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails.map((captured) => captured.subject)).toEqual(['On the page']);
  });

  it('slow answers only after its delay, then accepts; a mail the client gave up on still arrives', async () => {
    ses.set({ kind: 'accept', delayMs: 600 });
    expect((await failureOf(client(ses.url, { requestTimeout: 200 }).send(mail('Too late')))).name).toBe(
      'TimeoutError',
    );
    const output = await client(ses.url, { requestTimeout: 5_000 }).send(mail('Slow'));
    expect(output.MessageId).toBeTruthy();
    await ses.settled();
    expect((await ses.mails()).map((captured) => captured.subject).sort()).toEqual(['Slow', 'Too late']);
  });

  it('reads back only its own mails, though every outbox of the process shares one store', async () => {
    const other = await startSesStandIn();
    try {
      await client(other.url).send(mail('Theirs'));
      await client(ses.url).send(mail('Ours'));
      expect((await ses.mails()).map((captured) => captured.subject)).toEqual(['Ours']);
      expect((await other.mails()).map((captured) => captured.subject)).toEqual(['Theirs']);
    } finally {
      await other.close();
    }
  });
});
