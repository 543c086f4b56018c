// Runs in one `node` process that stays warm: loads a bundle, then tinybench times SendEmailIntents
// and, for comparison, a raw SDK SendEmail of the same mail through the same client factory, each
// after warm-up requests that settle JIT, pools and caches. Reports every sample on descriptor 3.

import { writeSync } from 'node:fs';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { Bench } from 'tinybench';
import { loadConfig } from '../../lambda/config.ts';
import { en } from '../../lambda/messages/en.ts';
import type { CapturedMail } from '../../testkit/aws/ses/outbox.ts';
import { CHILD_ENV, REPORT_FD } from './cold.ts';

type SesSdk = typeof import('../../lambda/mail/sesSdk.ts');

/** Each request's time in ms, the skill's and the raw SDK's, in the order they ran. */
export type WarmReport = Record<'skillMs' | 'rawMs', number[]>;

const bundle = process.env[CHILD_ENV.bundle] ?? '';
const template = JSON.parse(process.env[CHILD_ENV.event] ?? '{}') as RequestEnvelope;
const { handler } = require(bundle) as { handler(event: RequestEnvelope): Promise<ResponseEnvelope> };
// The build's own SES client factory, so that the difference is the skill's own work.
const sdk = require(bundle.replace(/index\.js$/, 'chunks/sesSdk.js')) as SesSdk;

let sequence = 0;
/** The template with a request ID of its own, from a user of its own: the daily cap refuses no mail. */
function nextEvent(): RequestEnvelope {
  sequence += 1;
  const user = { ...template.context.System.user, userId: `amzn1.ask.account.bench-${sequence}` };
  return {
    ...template,
    ...(template.session ? { session: { ...template.session, user } } : {}),
    context: { ...template.context, System: { ...template.context.System, user } },
    request: { ...template.request, requestId: `amzn1.echo-api.request.bench-${sequence}` },
  } as RequestEnvelope;
}

async function askForMail(): Promise<void> {
  const { response } = await handler(nextEvent());
  if (response.card?.type !== 'Simple' || response.card.title !== en.sentCardTitle)
    throw new Error(`a warm SendEmailIntent was not confirmed: ${JSON.stringify(response.outputSpeech)}`);
}

/** The mail the skill sent last, read back from the local outbox, as a SendEmail request. */
async function lastMailAsSendEmail(): Promise<InstanceType<SesSdk['SendEmailCommand']>> {
  const { emails } = (await (await fetch(`${process.env.AWS_ENDPOINT_URL_SES}/store`)).json()) as {
    emails: CapturedMail[];
  };
  const mail = emails.at(-1);
  if (!mail?.body.text || !mail.body.html) throw new Error('the outbox holds no mail from the skill to replay');
  return new sdk.SendEmailCommand({
    Source: mail.from,
    Destination: { ToAddresses: mail.destination.to },
    Message: {
      Subject: { Data: mail.subject, Charset: 'UTF-8' },
      Body: { Text: { Data: mail.body.text, Charset: 'UTF-8' }, Html: { Data: mail.body.html, Charset: 'UTF-8' } },
    },
  });
}

async function measure(): Promise<WarmReport> {
  const mail = loadConfig(process.env).mail;
  if (!mail) throw new Error('the skill configuration in the environment is incomplete');
  const client = sdk.createSesClient(mail);
  await askForMail();
  const command = await lastMailAsSendEmail();
  const bench = new Bench({
    iterations: Number(process.env[CHILD_ENV.requests]),
    warmupIterations: Number(process.env[CHILD_ENV.warmUp]),
    time: 0,
    warmupTime: 0,
    throws: true,
  });
  bench.add('skill', askForMail).add('raw', async () => {
    if (!(await client.send(command)).MessageId) throw new Error('SES accepted no raw SendEmail');
  });
  await bench.warmup();
  await bench.run();
  client.destroy();
  const samples = (name: string) => bench.getTask(name)?.result?.samples ?? [];
  return { skillMs: samples('skill'), rawMs: samples('raw') };
}

measure().then(
  (report) => {
    writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    writeSync(REPORT_FD, `${JSON.stringify({ error: (error as Error)?.message ?? String(error) })}\n`);
    process.exit(1);
  },
);
