// The bundle `npm run hosted` exports, run as an Alexa-hosted skill runs it: in a child process of
// Node.js 16.20.2 (the hosted runtime) and of Node 22, with the execution role's keys of another
// account in its environment, assuming the owner's role through the fake AWS's STS and mailing
// through the SES stand-in with the session's keys, counting its limits in the hosted table.

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALEXA_DEADLINE_MS } from '../../../lambda/deadlines.ts';
import { userHashOf } from '../../../lambda/limits/limiter.ts';
import { PERSISTENCE_TABLE_KEY } from '../../../lambda/limits/persistenceTable.ts';
import { ROLE_SESSION_SECONDS } from '../../../lambda/mail/assumedRole.ts';
import { RUNTIME_NODE } from '../../../ops/build/lambdaRuntime.ts';
import { buildHostedLambda, HOSTED_RUNTIME_NODE } from '../../../ops/hosted/bundle.ts';
import { LOCAL_ADMIN_KEY } from '../../../testkit/aws/server.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { type HostedWorld, LOCAL_PERSISTENCE_TABLE, startHostedWorld } from '../../../testkit/hosted.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';

// Answers the envelopes in order in one process (one warm container), each raced against
// Alexa's deadline as Alexa would, and prints the responses. An { advanceClockMs } in their place
// turns the container's clock forward, as the minutes between two requests would.
const RUNNER = `
const { handler } = require(process.argv[2]);
const deadline = Number(process.argv[4]);
const realNow = Date.now;
let offset = 0;
Date.now = () => realNow() + offset;
(async () => {
  const responses = [];
  for (const envelope of JSON.parse(process.argv[3])) {
    if (envelope.advanceClockMs) { offset += envelope.advanceClockMs; continue; }
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve('late'), deadline); });
    responses.push(await Promise.race([handler(envelope), late]));
    clearTimeout(timer);
  }
  process.stdout.write('RESULT ' + JSON.stringify({ node: process.version, responses }) + '\\n');
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface Run {
  readonly node: string;
  readonly responses: (ResponseEnvelope | 'late')[];
  readonly logs: Record<string, unknown>[];
}

let folder: string;
let world: HostedWorld;
let profile: ProfileApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-hosted-'));
  [world, profile] = await Promise.all([startHostedWorld(), startProfileApi({ email: 'user@example.com' })]);
  const { SES_ROLE_ARN: _role, SES_ROLE_EXTERNAL_ID: _externalId, ...withoutRole } = world.embedded;
  await Promise.all([
    buildHostedLambda(join(folder, 'lambda'), world.embedded),
    // What --embed-key exports: the fake account's administrator key stands in for AlexaSkillMailSender's.
    buildHostedLambda(join(folder, 'with-key/lambda'), {
      ...withoutRole,
      SES_ACCESS_KEY_ID: LOCAL_ADMIN_KEY.accessKeyId,
      SES_SECRET_ACCESS_KEY: LOCAL_ADMIN_KEY.secretAccessKey,
    }),
    world.dynamoDb.createLimitTable(LIMIT_TABLE),
    writeFile(join(folder, 'runner.cjs'), RUNNER),
  ]);
});
afterAll(async () => {
  await Promise.all([world.close(), profile.close(), rm(folder, { recursive: true, force: true })]);
});
beforeEach(async () => {
  await world.ses.clear();
  world.aws.calls.length = 0;
  world.aws.sts.throttling = false;
  world.aws.release('AssumeRole');
});

function runOn(
  node: string,
  envelopes: (RequestEnvelope | { advanceClockMs: number })[],
  env: Record<string, string> = {},
  bundle = 'lambda/index.js',
): Promise<Run> {
  const environment = {
    PATH: process.env.PATH ?? '',
    AWS_CONFIG_FILE: join(folder, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-aws-credentials'),
    ...world.lambdaEnvironment(),
    // No daily cap unless a test sets one: the tests' mails add up in the one shared table.
    MAIL_LIMIT_PER_USER_PER_DAY: '0',
    ...env,
  };
  const args = [join(folder, 'runner.cjs'), join(folder, bundle), JSON.stringify(envelopes)];
  return new Promise((resolve, reject) => {
    execFile(node, [...args, String(ALEXA_DEADLINE_MS)], { env: environment }, (error, stdout, stderr) => {
      const lines = stdout.split('\n');
      const result = lines.find((text) => text.startsWith('RESULT '));
      if (error || !result) return reject(new Error(`${node} failed: ${stderr || error?.message}`));
      const logs = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      resolve({ ...(JSON.parse(result.slice('RESULT '.length)) as Omit<Run, 'logs'>), logs });
    });
  });
}

const spoken = (run: Run) => run.responses.map((response) => (response === 'late' ? 'late' : spokenText(response)));
// A user of its own each time: a repeat of the same mail within a minute is "just sent", not sent.
const mailRequest = () =>
  intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url, userId: `amzn1.ask.account.${randomUUID()}` });
const SENT = 'Done. I sent an email to your address that starts with u, at example.com.';
const assumeRoleCalls = () => world.aws.calls.filter((call) => call.action === 'AssumeRole');
const NODES = [HOSTED_RUNTIME_NODE, RUNTIME_NODE];
const LIMIT_TABLE = 'AlexaSkillMailLimit';

describe('the hosted bundle', () => {
  it.each(NODES)(
    'on %s: answers a LaunchRequest and sends a mail and one with a note through the assumed role',
    async (node) => {
      const run = await runOn(node, [
        launchRequest(),
        mailRequest(),
        intentRequest(
          'SendEmailIntent',
          { note: 'call mom' },
          { apiEndpoint: profile.url, locale: 'ja-JP', userId: `amzn1.ask.account.${randomUUID()}` },
        ),
      ]);
      expect(run.node).toEqual(node === HOSTED_RUNTIME_NODE ? 'v16.20.2' : expect.stringMatching(/^v22\./));
      expect(spoken(run)).toEqual([
        expect.stringMatching(/^Welcome to Mail Sender\./),
        SENT,
        '送信しました。example.com の、u で始まるあなたのアドレスに、「call mom」というメモを添えてメールを送りました。',
      ]);
      const mails = await world.ses.mails();
      expect(mails.map((mail) => [mail.destination.to, mail.attachments.map((file) => file.filename)])).toEqual([
        [['user@example.com'], []],
        [['user@example.com'], ['memo.txt']],
      ]);
      // One AssumeRole, in the SES region, for both mails; both signed with the session it issued.
      expect(assumeRoleCalls().map((call) => call.params)).toEqual([
        expect.objectContaining({
          RoleArn: world.roleArn,
          RoleSessionName: 'alexa-ses-mailer-00000000-0000-0000-0000-000000000000',
          DurationSeconds: String(ROLE_SESSION_SECONDS),
          ExternalId: world.embedded.SES_ROLE_EXTERNAL_ID,
        }),
      ]);
      expect(assumeRoleCalls()[0]?.region).toBe('us-east-1');
      const issued = [...world.aws.sts.sessions.values()].filter((session) => session.roleArn === world.roleArn);
      expect(world.ses.requests.map((request) => request.accessKeyId)).toEqual([
        issued.at(-1)?.accessKeyId,
        issued.at(-1)?.accessKeyId,
      ]);
      // The limits counted in the hosted table, beside whatever ask-sdk keeps there.
      const ids = (await world.dynamoDb.items(LOCAL_PERSISTENCE_TABLE)).map((item) => (item.id as { S: string }).S);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(id.startsWith(PERSISTENCE_TABLE_KEY.prefix)).toBe(true);
    },
  );
});

describe('the hosted bundle on Node 16, the other ways it can be configured', () => {
  it('sends with an embedded key (--embed-key), never asking STS', async () => {
    const run = await runOn(HOSTED_RUNTIME_NODE, [mailRequest()], {}, 'with-key/lambda/index.js');
    expect(spoken(run)).toEqual([SENT]);
    expect(world.ses.requests.map((request) => request.accessKeyId)).toEqual([LOCAL_ADMIN_KEY.accessKeyId]);
    expect(assumeRoleCalls()).toEqual([]);
  });

  it("counts in a provisioned limit table with the assumed role's credentials", async () => {
    const userId = `amzn1.ask.account.${randomUUID()}`;
    const run = await runOn(
      HOSTED_RUNTIME_NODE,
      [intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url, userId })],
      { MAIL_LIMIT_TABLE: LIMIT_TABLE },
    );
    expect(spoken(run)).toEqual([SENT]);
    expect(run.logs.filter((line) => line.event === 'limit-unchecked')).toEqual([]);
    expect(await world.dynamoDb.limitRow(LIMIT_TABLE, userHashOf(userId))).toBeDefined();
  });
});

describe("the daily cap in the hosted skill's own table", () => {
  it("is shared by two containers, in rows keyed apart from ask-sdk's", async () => {
    const userId = `amzn1.ask.account.${randomUUID()}`;
    const mail = (note: string) => intentRequest('SendEmailIntent', { note }, { apiEndpoint: profile.url, userId });
    const cap = { MAIL_LIMIT_PER_USER_PER_DAY: '2' };
    const first = await runOn(HOSTED_RUNTIME_NODE, [mail('one'), mail('two')], cap);
    const second = await runOn(HOSTED_RUNTIME_NODE, [mail('three')], cap);
    expect([...spoken(first), ...spoken(second)]).toEqual([
      expect.stringMatching(/^Done\./),
      expect.stringMatching(/^Done\./),
      expect.stringMatching(/^Sorry, you've reached today's limit of 2 emails\./),
    ]);
    expect(await world.ses.mails()).toHaveLength(2);
    const rows = (await world.dynamoDb.items(LOCAL_PERSISTENCE_TABLE)).filter((item) =>
      Object.keys(item).some((name) => name.startsWith('mails-') && (item[name] as { N: string }).N === '2'),
    );
    // The user's row and the recipient's, both behind the prefix no ask-sdk row starts with.
    expect(rows.map((row) => (row.id as { S: string }).S).sort()).toEqual([
      expect.stringMatching(/^alexa-ses-mailer#limit#[0-9a-f]{32}$/),
      expect.stringMatching(/^alexa-ses-mailer#limit#recipient-[0-9a-f]{32}$/),
    ]);
  });
});

const ROLE_REFUSED =
  "Sorry, this skill couldn't get permission to send email. Its owner needs to check the role it uses in their AWS account.";
const mailFailures = (run: Run) =>
  run.logs.filter((line) => line.event === 'mail-failed').map((line) => [line.errorClass, line.errorCode]);

describe('the assumed role on the hosted runtime', () => {
  const node = HOSTED_RUNTIME_NODE;

  it("is refused to another role's session, and the skill says so without sending", async () => {
    const stranger = world.aws.sts.sessionOf('arn:aws:iam::210987654321:role/SomeOtherSkillRole', 'other');
    const run = await runOn(node, [mailRequest()], world.lambdaEnvironment(stranger));
    expect(spoken(run)).toEqual([ROLE_REFUSED]);
    expect(mailFailures(run)).toEqual([['role-refused', 'sts:AccessDenied']]);
    expect(world.ses.requests).toEqual([]);
  });

  it('is refused with a wrong external ID', async () => {
    const run = await runOn(node, [mailRequest()], { SES_ROLE_EXTERNAL_ID: 'not-the-external-id' });
    expect(spoken(run)).toEqual([ROLE_REFUSED]);
    expect(mailFailures(run)).toEqual([['role-refused', 'sts:AccessDenied']]);
    expect(world.ses.requests).toEqual([]);
  });

  it('is assumed once for several mails of a warm container, and again when the session nears its end', async () => {
    // The first session lasts six minutes; two minutes later it is within the five minutes before
    // its end in which the SDK asks for a new one.
    world.aws.sts.shortenNextSession(6 * 60_000);
    const [one, two, three] = ['one', 'two', 'three'].map((note) =>
      intentRequest('SendEmailIntent', { note }, { apiEndpoint: profile.url }),
    );
    const run = await runOn(node, [one!, { advanceClockMs: 2 * 60_000 }, two!, three!]);
    expect(spoken(run).every((text) => text.startsWith('Done.'))).toBe(true);
    expect(await world.ses.mails()).toHaveLength(3);
    expect(assumeRoleCalls()).toHaveLength(2);
    const [first, second] = [...world.aws.sts.sessions.values()]
      .filter((session) => session.roleArn === world.roleArn)
      .slice(-2);
    expect(world.ses.requests.map((request) => request.accessKeyId)).toEqual([
      first?.accessKeyId,
      second?.accessKeyId,
      second?.accessKeyId,
    ]);
  });

  const UNAVAILABLE = "Sorry, I couldn't reach the mail service just now. Please try again in a moment.";
  const BUSY = 'Sorry, the mail service is busy right now. Please try again in a minute.';
  it.each([
    { case: 'hangs', arrange: () => world.aws.hold('AssumeRole'), speech: UNAVAILABLE, code: 'sts:AbortError' },
    {
      case: 'throttles',
      arrange: () => {
        world.aws.sts.throttling = true;
      },
      speech: BUSY,
      code: 'sts:Throttling',
    },
  ])(
    'when STS $case, the skill apologises before the deadline and sends nothing',
    async ({ arrange, speech, code }) => {
      arrange();
      const run = await runOn(node, [mailRequest()]);
      expect(spoken(run)).toEqual([speech]);
      expect(mailFailures(run)).toEqual([[speech === BUSY ? 'throttled' : 'unavailable', code]]);
      expect(world.ses.requests).toEqual([]);
    },
  );
});
