// Provisioning against a real AWS account. Skipped unless ALEXA_MAILER_LIVE_TEST=1,
// ALEXA_MAILER_LIVE_FROM (an address or domain already verified in SES in that region) and
// administrator credentials are all present; the skip message says how to run it.
// It asks IAM's own policy simulator about the policy document (no change to the account),
// and only when the account has neither AlexaSkillMailSender nor AlexaSkillMailAccess yet,
// creates them, checks a second run changes nothing, sends one mail with the new key to the
// SES mailbox simulator, and tears everything down again.

import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, SimulateCustomPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambda } from '../../ops/build/bundle.ts';
import { readCredentialsFile } from '../../ops/credentialsFile.ts';
import { runCli } from '../../ops/provision/cli.ts';
import { buildMailAccessPolicy, MAIL_ACTIONS, sesIdentityArn } from '../../ops/provision/policyDocument.ts';
import { loadBundledHandler, spokenText } from '../../testkit/bundle.ts';
import { intentRequest } from '../../testkit/envelopes.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';

const HOW_TO_RUN =
  'ALEXA_MAILER_LIVE_TEST=1 ALEXA_MAILER_LIVE_FROM=verified-sender@your-domain AWS_PROFILE=your-admin-profile [AWS_REGION=us-east-1] npx vitest run test/live/provision.test.ts';
const FROM = process.env.ALEXA_MAILER_LIVE_FROM ?? '';
const REGION = process.env.AWS_REGION ?? 'us-east-1';
const LIVE_TIMEOUT = 180_000;

/** Credentials the SDK's chain would find without asking the network: variables, a profile, or the AWS CLI's files. */
function credentialsPresent(): boolean {
  if (process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  const home = homedir();
  return [
    process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
    process.env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
  ].some((file) => existsSync(file));
}

const switchedOn = process.env.ALEXA_MAILER_LIVE_TEST === '1';
const runnable = switchedOn && FROM !== '' && credentialsPresent();
if (!runnable) {
  const missing = !switchedOn
    ? 'ALEXA_MAILER_LIVE_TEST=1 is not set'
    : FROM === ''
      ? 'ALEXA_MAILER_LIVE_FROM is not set'
      : 'no AWS credentials were found';
  console.info(`Live AWS provisioning suite skipped (${missing}). To run it against a real account:\n  ${HOW_TO_RUN}`);
}

interface Run {
  code: number;
  output: string;
}

async function provision(args: string[]): Promise<Run> {
  let output = '';
  const write = {
    write: (text: string) => {
      output += text;
    },
  };
  const code = await runCli(args, { stdout: write, stderr: write, env: process.env });
  return { code, output };
}

describe.skipIf(!runnable)(`provisioning a real AWS account (run with: ${HOW_TO_RUN})`, () => {
  let folder = '';
  let outFile = '';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'live-provision-'));
    outFile = join(folder, 'AlexaSkillMailSender.json');
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("IAM's own simulator allows the policy only the two mail actions, from the sender, on its identity", {
    timeout: LIVE_TIMEOUT,
  }, async () => {
    const sts = new STSClient({ region: REGION });
    const iam = new IAMClient({ region: REGION });
    try {
      const accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
      const policy = buildMailAccessPolicy({ region: REGION, accountId, fromAddress: FROM });
      const sender = sesIdentityArn({ region: REGION, accountId }, FROM);
      const other = sesIdentityArn({ region: REGION, accountId }, 'someone-else@example.com');
      const simulate = async (from: string, resource: string) =>
        (
          await iam.send(
            new SimulateCustomPolicyCommand({
              PolicyInputList: [JSON.stringify(policy)],
              ActionNames: [
                ...MAIL_ACTIONS,
                'ses:SendTemplatedEmail',
                'ses:SendBulkTemplatedEmail',
                'ses:VerifyEmailIdentity',
                'iam:CreateAccessKey',
              ],
              ResourceArns: [resource],
              ContextEntries: [
                { ContextKeyName: 'ses:FromAddress', ContextKeyType: 'string', ContextKeyValues: [from] },
              ],
            }),
          )
        ).EvaluationResults?.map((result) => `${result.EvalActionName}=${result.EvalDecision}`);
      expect(await simulate(FROM, sender)).toEqual([
        'ses:SendEmail=allowed',
        'ses:SendRawEmail=allowed',
        'ses:SendTemplatedEmail=implicitDeny',
        'ses:SendBulkTemplatedEmail=implicitDeny',
        'ses:VerifyEmailIdentity=implicitDeny',
        'iam:CreateAccessKey=implicitDeny',
      ]);
      expect((await simulate('someone-else@example.com', sender))?.every((line) => line.endsWith('implicitDeny'))).toBe(
        true,
      );
      expect((await simulate(FROM, other))?.every((line) => line.endsWith('implicitDeny'))).toBe(true);
    } finally {
      sts.destroy();
      iam.destroy();
    }
  });

  it('creates, keeps, uses and removes the user, the policy and one key', {
    timeout: LIVE_TIMEOUT,
  }, async (context) => {
    const plan = await provision(['--from', FROM, '--region', REGION, '--out', outFile, '--dry-run', '--json']);
    expect(plan.code, plan.output).toBe(0);
    const steps = (JSON.parse(plan.output) as { steps: { step: string; status: string }[] }).steps;
    const planned = Object.fromEntries(steps.map((step) => [step.step, step.status]));
    if (planned.user !== 'would create' || planned.policy !== 'would create') {
      context.skip(
        'AlexaSkillMailSender or AlexaSkillMailAccess already exists in this account: the live suite only creates and deletes its own.',
      );
    }

    const first = await provision(['--from', FROM, '--region', REGION, '--out', outFile]);
    try {
      expect(first.code, first.output).toBe(0);
      const credentials = await readCredentialsFile(outFile);
      expect(first.output).not.toContain(credentials.SES_SECRET_ACCESS_KEY);
      expect((await stat(outFile)).mode & 0o777).toBe(0o600);

      const second = await provision(['--from', FROM, '--region', REGION, '--out', outFile, '--json']);
      expect(second.code, second.output).toBe(0);
      expect(JSON.parse(second.output)).toMatchObject({ changed: false, accessKeyId: credentials.SES_ACCESS_KEY_ID });

      // A new IAM key takes a few seconds to work everywhere.
      const asSender = new STSClient({
        region: REGION,
        credentials: { accessKeyId: credentials.SES_ACCESS_KEY_ID, secretAccessKey: credentials.SES_SECRET_ACCESS_KEY },
      });
      for (let attempt = 0; ; attempt++) {
        try {
          await asSender.send(new GetCallerIdentityCommand({}));
          break;
        } catch (error) {
          if (attempt >= 30) throw error;
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
      asSender.destroy();
      await new Promise((resolve) => setTimeout(resolve, 10_000));

      for (const [name, value] of Object.entries(credentials)) process.env[name] = value;
      const profile = await startProfileApi({ email: 'success@simulator.amazonses.com', givenName: 'Alex' });
      try {
        const handler = loadBundledHandler((await buildLambda(join(folder, 'dist'))).outFile);
        const response = await handler(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));
        expect(spokenText(response)).toMatch(/^Done\. I sent an email/);
      } finally {
        await profile.close();
      }
    } finally {
      const teardown = await provision(['--teardown', '--yes', '--region', REGION, '--out', outFile]);
      expect(teardown.code, teardown.output).toBe(0);
    }
    const after = await provision(['--from', FROM, '--region', REGION, '--out', outFile, '--dry-run', '--json']);
    expect(JSON.parse(after.output)).toMatchObject({ ok: true });
    expect((JSON.parse(after.output) as { steps: { step: string; status: string }[] }).steps).toContainEqual(
      expect.objectContaining({ step: 'user', status: 'would create' }),
    );
  });
});
