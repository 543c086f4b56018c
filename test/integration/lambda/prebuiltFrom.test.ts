// SendEmail's Source as it reaches SES from a deploy build, whose From nodemailer encoded at build
// time for the sender it embeds: the same bytes MimeNode writes at run time, in English and in
// Japanese, and no MIME code loaded for it.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENV } from '../../../lambda/config.ts';
import { MimeNode } from '../../../lambda/mail/mailComposer.ts';
import { buildLambda, ensureLambdaBuilt } from '../../../ops/build/bundle.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';

const SENDER = 'mail-sender@example.com';

// Answers the envelopes in order; prints the responses and the bundle files it loaded.
const RUNNER = `
const bundle = require(process.argv[2]);
const { dirname, sep } = require('node:path');
const dir = dirname(process.argv[2]) + sep;
(async () => {
  const responses = [];
  for (const envelope of JSON.parse(process.argv[3])) responses.push(await bundle.handler(envelope));
  process.stdout.write('RESULT ' + JSON.stringify({ responses, loaded: Object.keys(require.cache).filter((file) => file.startsWith(dir) && !file.endsWith(sep + 'index.js')).map((file) => file.slice(dir.length).split(sep).join('/')) }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

let folder: string;
/** index.js of the bundle npm run build makes, which knows no sender. */
let plainBundle: string;
let ses: SesStandIn;
let profile: ProfileApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-from-'));
  [ses, profile, , { outFile: plainBundle }] = await Promise.all([
    startSesStandIn(),
    startProfileApi({ email: 'user@example.com' }),
    // As the ASK CLI build hook makes it, with the sender embedded.
    buildLambda(join(folder, 'deploy'), { deployConfig: { [ENV.fromAddress]: SENDER } }),
    // As npm run build makes it: the skill bundle test/builtCommands.ts built once for the run.
    ensureLambdaBuilt(skillBundleDir()),
    writeFile(join(folder, 'runner.cjs'), RUNNER),
  ]);
});
afterAll(async () => {
  await Promise.all([ses.close(), profile.close(), rm(folder, { recursive: true, force: true })]);
});
beforeEach(async () => {
  await ses.clear();
});

function run(
  bundleFile: string,
  envelopes: RequestEnvelope[],
): Promise<{ responses: ResponseEnvelope[]; loaded: string[] }> {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL_SES: ses.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...LOCAL_SKILL_ENVIRONMENT,
    [ENV.fromAddress]: SENDER,
  };
  const args = [join(folder, 'runner.cjs'), bundleFile, JSON.stringify(envelopes)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env }, (error, stdout, stderr) => {
      const result = stdout.split('\n').find((line) => line.startsWith('RESULT '));
      if (error || !result) reject(new Error(`the bundle failed: ${stderr || error?.message}`));
      else resolve(JSON.parse(result.slice('RESULT '.length)) as { responses: ResponseEnvelope[]; loaded: string[] });
    });
  });
}

/** A first mail in each locale, each from a user of its own, so that the repeat guard lets both through. */
const mails = () =>
  ['en-US', 'ja-JP'].map((locale) =>
    intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url, locale, userId: `amzn1.ask.account.${locale}` }),
  );
/** What MimeNode made of the From before the build made it: the run-time encoding, in each locale. */
const FROM_MIME_NODE = ['Mail Sender', 'メールセンダー'].map((name) =>
  MimeNode.encodeHeaderValue('From', { name, address: SENDER }),
);

describe("SendEmail's Source from a deploy build", () => {
  it('is, in English and in Japanese, byte for byte what MimeNode wrote at run time', async () => {
    const { responses, loaded } = await run(join(folder, 'deploy', 'index.js'), mails());

    expect(responses.map(spokenText)).toEqual([
      expect.stringMatching(/^Done\./),
      expect.stringMatching(/^送信しました。/),
    ]);
    const sources = ses.requests.map((request) => request.form.Source);
    expect(sources).toEqual(FROM_MIME_NODE);
    expect(sources[1]).toBe('=?UTF-8?B?44Oh44O844Or44K744Oz44OA44O8?= <mail-sender@example.com>');
    // Neither MimeNode nor MailComposer was loaded for it.
    expect(loaded).not.toContain('chunks/mailComposer.js');
  });

  it('is the same from a build that does not know the sender, which encodes it at run time', async () => {
    const { loaded } = await run(plainBundle, mails());

    expect(ses.requests.map((request) => request.form.Source)).toEqual(FROM_MIME_NODE);
    expect(loaded).toContain('chunks/mailComposer.js');
  });
});
