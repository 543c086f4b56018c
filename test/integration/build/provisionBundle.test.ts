// dist/provision.cjs as a console user runs it in AWS CloudShell: the one file alone in a folder
// outside the project (nothing to resolve from node_modules), under Node 18 and Node 22, against
// the fake AWS reached through AWS_ENDPOINT_URL.

import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_NODE } from '../../../ops/build/lambdaRuntime.ts';
import { OLDEST_PROVISION_NODE } from '../../../ops/build/provisionBundle.ts';
import { HOSTED_RUNTIME_NODE } from '../../../ops/hosted/bundle.ts';
import { POLICY_NAME, USER_NAME } from '../../../ops/provision/names.ts';
import { type FakeAws, LOCAL_ADMIN_KEY, startFakeAws } from '../../../testkit/aws/server.ts';
import { declareTestSecret } from '../../helpers/outputCapture.ts';
import { useProvisionBundle } from '../../helpers/provisionBundle.ts';
import { startSilentServer } from '../../helpers/silentServer.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const FROM = 'sender@example.com';
const built = useProvisionBundle();

it('is one file, with the licenses of what it holds beside it', async () => {
  expect((await readdir(built().folder)).sort()).toEqual(['provision.cjs', 'provision.cjs.LICENSES.txt']);
  const code = await readFile(built().bundle, 'utf8');
  expect(code.split('\n', 1)[0]).toContain('The licenses of the packages bundled here: provision.cjs.LICENSES.txt');
  const licenses = await readFile(`${built().bundle}.LICENSES.txt`, 'utf8');
  expect(licenses).toContain('=== @aws-sdk/client-iam@');
  expect(licenses).toContain('Apache License');
});

it('says in one sentence that Node 16 is too old, rather than failing somewhere inside', async () => {
  const result = await new Promise<Run>((resolve) => {
    execFile(HOSTED_RUNTIME_NODE, [built().bundle, '--help'], { env: {} }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: 'provision.cjs needs Node.js 18 or newer; this is Node.js v16.20.2.\n',
  });
});

describe.each([
  ['Node 18', OLDEST_PROVISION_NODE],
  ['Node 22', RUNTIME_NODE],
])('node provision.cjs under %s, alone in a folder', (_name, node) => {
  let fake: FakeAws;
  let folder: string;
  const outputs: Run[] = [];
  const issuedSecrets: string[] = [];

  beforeAll(async () => {
    fake = await startFakeAws();
    folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-cloudshell-'));
    await copyFile(built().bundle, join(folder, 'provision.cjs'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(folder, { recursive: true, force: true });
  });

  function run(...args: string[]): Promise<Run>;
  function run(extraEnv: Record<string, string>, ...args: string[]): Promise<Run>;
  function run(first: string | Record<string, string>, ...rest: string[]): Promise<Run> {
    const [extraEnv, args] = typeof first === 'string' ? [{}, [first, ...rest]] : [first, rest];
    // Only what CloudShell would give it: no NODE_OPTIONS, no project, the SDK's own variables.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: folder,
      AWS_ENDPOINT_URL: fake.url,
      AWS_ACCESS_KEY_ID: LOCAL_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_ADMIN_KEY.secretAccessKey,
      AWS_CONFIG_FILE: join(folder, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extraEnv,
    };
    return new Promise((resolve) => {
      execFile(node, ['provision.cjs', ...args], { cwd: folder, env }, (error, stdout, stderr) => {
        const result = { code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr };
        outputs.push(result);
        resolve(result);
      });
    });
  }

  it('prints its help as the command to type there, and where the key file goes', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: node provision\.cjs --from ADDRESS \[options\]\n/);
    expect(help.stdout).toContain('run as provision.cjs, in the folder it is run from');
    // Its own command is the one typed there; `npm run hosted`, a step on the owner's computer, stays named as it is.
    expect(help.stdout).not.toContain('npm run provision');
    expect(help.stderr).toBe('');
  });

  it('names the call that timed out by its AWS action, as the project’s command does', async () => {
    const ses = await startSilentServer();
    try {
      const result = await run({ AWS_ENDPOINT_URL_SES: ses.url, PROVISION_AWS_TIMEOUT_MS: '300' }, '--from', FROM);
      expect(result.code).toBe(1);
      expect(ses.accepted()).toBeGreaterThan(0);
      expect(result.stderr.trim()).toBe(
        `The SES endpoint ${ses.url} (set by AWS_ENDPOINT_URL_SES) did not answer GetIdentityVerificationAttributes within 0.3 s: start what should answer there, or unset AWS_ENDPOINT_URL_SES to reach AWS itself.`,
      );
    } finally {
      await ses.close();
    }
    expect(fake.mutatingCalls()).toEqual([]);
  });

  it('plans without changing anything on a dry run', async () => {
    const dryRun = await run('--from', FROM, '--dry-run');
    expect(dryRun.stderr).toBe('');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`  user               would create  ${USER_NAME}`);
    expect(dryRun.stdout).toContain(
      '.secrets/AlexaSkillMailSender.json and .secrets/AlexaSkillMailSender_accessKeys.csv',
    );
    expect(fake.mutatingCalls()).toEqual([]);
    expect(await readdir(folder)).toEqual(['provision.cjs']);
  });

  it('creates the user, its policy and key, and writes the key file in ./.secrets/', async () => {
    const first = await run('--from', FROM);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Done: ${USER_NAME} can send mail as s***@example.com with the key in .secrets/AlexaSkillMailSender.json.`,
    );
    // The deploy runs in the skill project, not here: the file has to get there first.
    expect(first.stdout).toContain(
      `This ran outside the skill project: download ${join(folder, '.secrets/AlexaSkillMailSender.json')} (in AWS CloudShell: Actions → Download file) and put it in the project as .secrets/AlexaSkillMailSender.json (chmod 600); the commands below run there.`,
    );
    const user = fake.iam.users.get(USER_NAME);
    const key = user?.accessKeys[0];
    expect(key).toBeDefined();
    issuedSecrets.push(key?.secretAccessKey ?? '');
    declareTestSecret(key?.secretAccessKey ?? '');
    expect([...(user?.attachedPolicies ?? [])].sort()).toEqual(
      [POLICY_NAME, 'AlexaSkillMailGuard'].map((name) => `arn:aws:iam::${fake.accountId}:policy/${name}`).sort(),
    );

    const keyFile = join(folder, '.secrets/AlexaSkillMailSender.json');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toEqual({
      SES_ACCESS_KEY_ID: key?.accessKeyId,
      SES_SECRET_ACCESS_KEY: key?.secretAccessKey,
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    });
  });

  it('changes nothing when run again', async () => {
    const changesBefore = fake.mutatingCalls().length;
    const again = await run('--from', FROM);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change: the policy, the user and its key are in place.');
    expect(fake.mutatingCalls()).toHaveLength(changesBefore);
  });

  it('removes everything again with --teardown --yes, the key file included', async () => {
    const teardown = await run('--teardown', '--yes');
    expect(teardown.code).toBe(0);
    expect(fake.iam.users.has(USER_NAME)).toBe(false);
    expect(await readdir(join(folder, '.secrets'))).toEqual([]);
  });

  it("takes over the blog's hand-made user, policy and key from the CSV uploaded beside it", async () => {
    // The blog note's setup, made by hand in the IAM console: the misspelled action, any resource, no mark.
    fake.iam.addUser(USER_NAME);
    fake.iam.addPolicy(
      POLICY_NAME,
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:SendMail","ses:SendRawEmail"],"Resource":"*"}]}',
    );
    const policyArn = `arn:aws:iam::${fake.accountId}:policy/${POLICY_NAME}`;
    fake.iam.users.get(USER_NAME)?.attachedPolicies.add(policyArn);
    const key = fake.iam.addAccessKey(USER_NAME);
    issuedSecrets.push(key.secretAccessKey);
    declareTestSecret(key.secretAccessKey);
    await writeFile(
      join(folder, 'AlexaSkillMailSender_accessKeys.csv'),
      `\uFEFFAccess key ID,Secret access key\r\n${key.accessKeyId},${key.secretAccessKey}\r\n`,
    );

    const adopted = await run(
      '--from',
      FROM,
      '--adopt-hand-made',
      '--import-key',
      'AlexaSkillMailSender_accessKeys.csv',
      '--yes',
    );
    expect(adopted.stderr).toBe('');
    expect(adopted.code).toBe(0);
    expect(fake.iam.policies.get(policyArn)?.versions).toHaveLength(1);
    expect(fake.iam.users.get(USER_NAME)?.accessKeys.map((each) => each.accessKeyId)).toEqual([key.accessKeyId]);
    expect(JSON.parse(await readFile(join(folder, '.secrets/AlexaSkillMailSender.json'), 'utf8'))).toMatchObject({
      SES_ACCESS_KEY_ID: key.accessKeyId,
      SES_SECRET_ACCESS_KEY: key.secretAccessKey,
      SES_FROM_ADDRESS: FROM,
    });
  });

  it('never printed a secret, neither the key it made nor the one it signed in with', () => {
    expect(issuedSecrets).toHaveLength(2);
    expect(outputs).toHaveLength(7);
    for (const output of outputs) {
      for (const secret of [...issuedSecrets, LOCAL_ADMIN_KEY.secretAccessKey])
        expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
    }
  });
});
