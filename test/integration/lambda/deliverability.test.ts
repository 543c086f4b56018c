// What the built bundle puts on the wire for deliverability: the From's display name in each
// locale (SendEmail's Source as SES and the outbox read it, SendRawEmail's From header as a mail
// client reads it), and the configuration set on both sends when SES_CONFIGURATION_SET is set,
// and not when it is not. Two copies of one build, each loaded cold with its own environment.

import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { type LambdaHandler, loadBundledHandler, spokenText } from '../../../testkit/bundle.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { copySkillBundle } from '../../helpers/localSkill.ts';

const SENDER = 'sender@example.com';
const CONFIGURATION_SET = 'skill-mail';

let outDir: string;
let ses: SesStandIn;
let profile: ProfileApi;
let plain: LambdaHandler;
let withSet: LambdaHandler;
const VARIABLES = ['AWS_ENDPOINT_URL_SES', 'SES_CONFIGURATION_SET', ...Object.keys(LOCAL_SKILL_ENVIRONMENT)];
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

/** Loads a copy of the bundle as a cold Lambda with these variables: the bundle reads them once, on load. */
async function coldStart(copy: string, variables: Record<string, string>): Promise<LambdaHandler> {
  await cp(join(outDir, 'build'), join(outDir, copy), { recursive: true });
  delete process.env.SES_CONFIGURATION_SET;
  Object.assign(process.env, variables);
  return loadBundledHandler(join(outDir, copy, 'index.js'));
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-deliverability-'));
  [ses, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'user@example.com' })]);
  await copySkillBundle(join(outDir, 'build'));
  const common = { AWS_ENDPOINT_URL_SES: ses.url, ...LOCAL_SKILL_ENVIRONMENT, SES_FROM_ADDRESS: SENDER };
  plain = await coldStart('plain', common);
  withSet = await coldStart('with-set', { ...common, SES_CONFIGURATION_SET: CONFIGURATION_SET });
});

afterAll(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await Promise.all([ses.close(), profile.close(), rm(outDir, { recursive: true, force: true })]);
});

beforeEach(async () => {
  await ses.clear();
});

/** Sends one mail through a bundle; the SES request it made and the mail the outbox got. */
async function send(handler: LambdaHandler, locale: 'en-US' | 'ja-JP', note?: string) {
  const response = await handler(
    // A user of its own each time: the abuse limits would answer a repeated mail "just sent".
    intentRequest('SendEmailIntent', note === undefined ? {} : { note }, {
      locale,
      apiEndpoint: profile.url,
      userId: `amzn1.ask.account.${randomUUID()}`,
    }),
  );
  expect(spokenText(response)).toMatch(locale === 'en-US' ? /^Done\./ : /^送信しました/);
  expect(ses.requests).toHaveLength(1);
  const [request] = ses.requests;
  const [mail] = await ses.mails();
  if (!request || !mail) throw new Error('no mail reached the SES stand-in');
  return { request, mail };
}

/** A From value read as a mail client reads the header. */
async function fromHeader(value: string) {
  return (await simpleParser(`From: ${value}\r\n\r\n`)).from?.value;
}

describe('the From display name, from the built bundle', () => {
  it('is "Mail Sender" on SendEmail’s Source, on the wire and in the outbox', async () => {
    const { request, mail } = await send(plain, 'en-US');
    expect(request.action).toBe('SendEmail');
    expect(request.form.Source).toBe(`Mail Sender <${SENDER}>`);
    expect(mail.from).toBe(`Mail Sender <${SENDER}>`);
  });

  it('is "メールセンダー" on SendEmail’s Source as an RFC 2047 encoded-word, in ASCII as SES requires', async () => {
    const { request, mail } = await send(plain, 'ja-JP');
    const source = request.form.Source ?? '';
    expect(source).toMatch(/^=\?UTF-8\?[BQ]\?[\x21-\x7e]+\?= <sender@example\.com>$/);
    expect(await fromHeader(source)).toEqual([{ name: 'メールセンダー', address: SENDER }]);
    // The outbox shows it as a mail reader does.
    expect(mail.from).toBe(`"メールセンダー" <${SENDER}>`);
  });

  it.each([
    ['en-US', 'Mail Sender'],
    ['ja-JP', 'メールセンダー'],
  ] as const)(
    'is in the From header of SendRawEmail’s MIME message (%s), with the bare address as Source',
    async (locale, name) => {
      const { request, mail } = await send(plain, locale, 'buy milk');
      expect(request.action).toBe('SendRawEmail');
      expect(request.form.Source).toBe(SENDER);
      const parsed = await simpleParser(request.rawMessage ?? Buffer.alloc(0));
      expect(parsed.from?.value).toEqual([{ name, address: SENDER }]);
      // aws-ses-v2-local parses the From header too.
      expect(mail.from).toContain(name);
      expect(mail.from).toContain(SENDER);
    },
  );
});

describe('the configuration set, from the built bundle', () => {
  it('is named on SendEmail and SendRawEmail when SES_CONFIGURATION_SET is set', async () => {
    expect((await send(withSet, 'en-US')).request.form.ConfigurationSetName).toBe(CONFIGURATION_SET);
    await ses.clear();
    const raw = await send(withSet, 'en-US', 'buy milk');
    expect(raw.request.action).toBe('SendRawEmail');
    expect(raw.request.form.ConfigurationSetName).toBe(CONFIGURATION_SET);
  });

  it('is not named on either when SES_CONFIGURATION_SET is not set', async () => {
    expect((await send(plain, 'en-US')).request.form).not.toHaveProperty('ConfigurationSetName');
    await ses.clear();
    const raw = await send(plain, 'ja-JP', '牛乳');
    expect(raw.request.action).toBe('SendRawEmail');
    expect(raw.request.form).not.toHaveProperty('ConfigurationSetName');
  });
});
