// Runs in one `node` process that stays warm: loads a bundle, answers SendEmailIntents until
// JIT, pools and caches have settled, then measures either the latency of each answer next
// to a raw SDK SendEmail of the same mail (mode "latency"), or how many mails per second it
// confirms with a bounded number in flight (mode "throughput"). Reports on file descriptor 3.

import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { loadConfig } from '../../lambda/config.ts';
import type { CapturedMail } from '../../testkit/aws/ses/outbox.ts';
import { CHILD_ENV, type FailureReport, type LatencyReport, REPORT_FD, type ThroughputReport } from './protocol.ts';

type Handler = (event: RequestEnvelope) => Promise<ResponseEnvelope>;
type SesSdk = typeof import('../../lambda/mail/sesSdk.ts');

function finish(report: LatencyReport | ThroughputReport | FailureReport, code: number): void {
  writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
  process.exit(code);
}

function count(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} is not a count`);
  return value;
}

const bundle = process.env[CHILD_ENV.bundle] ?? '';
const template = JSON.parse(process.env[CHILD_ENV.event] ?? '{}') as RequestEnvelope;
const confirmation = process.env[CHILD_ENV.confirmation] ?? '';
const { handler } = createRequire(bundle)(bundle) as { handler: Handler };

let sequence = 0;
/** Users of this process alone: with --limit-table every child counts in the same table. */
const users = `amzn1.ask.account.bench-${process.pid}-${Date.now()}`;
/**
 * The template with a request ID of its own, as Alexa sends each request, from a user of its own:
 * the abuse limits reserve every mail and refuse none, so the figures measure sending.
 */
function nextEvent(): RequestEnvelope {
  sequence += 1;
  const user = { ...template.context.System.user, userId: `${users}-${sequence}` };
  return {
    ...template,
    ...(template.session ? { session: { ...template.session, user } } : {}),
    context: { ...template.context, System: { ...template.context.System, user } },
    request: { ...template.request, requestId: `amzn1.echo-api.request.bench-${sequence}` },
  } as RequestEnvelope;
}

async function askForMail(): Promise<boolean> {
  const response = await handler(nextEvent());
  const card = response.response.card;
  return card?.type === 'Simple' && card.title === confirmation;
}

/** The mail the skill sent last, read back from the local outbox, as a SendEmail request. */
async function lastMailAsSendEmail(sdk: SesSdk): Promise<InstanceType<SesSdk['SendEmailCommand']>> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL_SES}/store`);
  const { emails } = (await response.json()) as { emails: CapturedMail[] };
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

async function measureLatency(requests: number, warmUp: number): Promise<LatencyReport> {
  const rawSdk = process.env[CHILD_ENV.rawSdk] ?? '';
  const sdk = createRequire(rawSdk)(rawSdk) as SesSdk;
  const mail = loadConfig(process.env).mail;
  if (!mail) throw new Error('the skill configuration in the environment is incomplete');
  // Built as the skill builds its own, so that the difference is the skill's own work.
  const client = sdk.createSesClient(mail);
  let confirmed = 0;
  let rawAccepted = 0;
  const sendRaw = async (command: InstanceType<SesSdk['SendEmailCommand']>) => {
    const output = await client.send(command);
    if (output.MessageId) rawAccepted += 1;
  };
  for (let i = 0; i < warmUp; i++) if (await askForMail()) confirmed += 1;
  const command = await lastMailAsSendEmail(sdk);
  for (let i = 0; i < warmUp; i++) await sendRaw(command);

  const skillMs: number[] = [];
  const rawMs: number[] = [];
  const timeSkill = async () => {
    const start = performance.now();
    const ok = await askForMail();
    skillMs.push(performance.now() - start);
    if (ok) confirmed += 1;
  };
  const timeRaw = async () => {
    const start = performance.now();
    await sendRaw(command);
    rawMs.push(performance.now() - start);
  };
  for (let i = 0; i < requests; i++) {
    // Alternating which goes first, so neither always follows the other's garbage.
    if (i % 2 === 0) {
      await timeSkill();
      await timeRaw();
    } else {
      await timeRaw();
      await timeSkill();
    }
  }
  client.destroy();
  return { warmUp, skillMs, rawMs, confirmed, rawAccepted };
}

async function measureThroughput(mails: number, warmUp: number, concurrency: number): Promise<ThroughputReport> {
  let confirmed = 0;
  for (let i = 0; i < warmUp; i++) if (await askForMail()) confirmed += 1;
  let started = 0;
  const worker = async () => {
    while (started < mails) {
      started += 1;
      if (await askForMail()) confirmed += 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { warmUp, mails, concurrency, seconds, confirmed };
}

async function main(): Promise<LatencyReport | ThroughputReport> {
  const mode = process.env[CHILD_ENV.mode];
  const requests = count(CHILD_ENV.requests);
  const warmUp = count(CHILD_ENV.warmUp);
  if (mode === 'latency') return measureLatency(requests, warmUp);
  if (mode === 'throughput') return measureThroughput(requests, warmUp, count(CHILD_ENV.concurrency));
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (report) => finish(report, 0),
  (error: unknown) => finish({ error: (error as Error)?.message ?? String(error) }, 1),
);
