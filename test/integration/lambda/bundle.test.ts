// The built artefact, not the sources: `npm run build`'s bundle loaded as Lambda loads it,
// configured only through the environment, answering and sending through the local outbox.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../../ops/build/bundle.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { type LambdaHandler, loadBundledHandler, spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT, PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';

let outDir: string;
let outbox: SesStandIn;
let profile: ProfileApi;
let handler: LambdaHandler;
const logLines: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-bundle-'));
  [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'user@example.com' })]);
  await buildLambda(outDir);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SES: outbox.url,
    ...LOCAL_SKILL_ENVIRONMENT,
    SES_FROM_ADDRESS: 'sender@example.com',
  });
  // The bundle logs to stdout as Lambda expects; capture it to check what it writes.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logLines.push(String(chunk));
    return realWrite(chunk, ...(rest as []));
  }) as typeof process.stdout.write;
  handler = loadBundledHandler(join(outDir, 'index.js'));
});

afterAll(async () => {
  process.stdout.write = realWrite;
  await Promise.all([outbox.close(), profile.close(), rm(outDir, { recursive: true, force: true })]);
});

describe('the Lambda bundle', () => {
  it('exports handler from index.js, marked as CommonJS for the module-typed project', async () => {
    expect(JSON.parse(await readFile(join(outDir, 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(typeof handler).toBe('function');
  });

  it('answers a LaunchRequest', async () => {
    const response = await handler(launchRequest());
    expect(spokenText(response)).toMatch(/^Welcome to Mail Sender\./);
  });

  it('sends a mail through SendEmail and through SendRawEmail', async () => {
    const plain = await handler(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));
    const withNote = await handler(
      intentRequest('SendEmailIntent', { note: 'call mom' }, { apiEndpoint: profile.url }),
    );
    expect(spokenText(plain)).toContain('Done.');
    expect(spokenText(withNote)).toContain('Done.');

    const mails = await outbox.mails();
    expect(mails.map((mail) => [mail.destination.to, mail.subject, mail.attachments.length])).toEqual([
      [['user@example.com'], 'A message from Mail Sender', 0],
      [['user@example.com'], 'Your note from Mail Sender', 1],
    ]);
  });

  it('logs JSON lines with masked addresses and no secret', () => {
    const logs = logLines.join('');
    expect(logs).toContain('"event":"mail-sent"');
    expect(logs).toContain('u***@example.com');
    expect(logs).not.toContain('user@example.com');
    expect(logs).not.toContain(PLACEHOLDER_KEY.secretAccessKey);
  });
});
