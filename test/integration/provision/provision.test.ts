// `npm run provision` against a stateful in-memory IAM, SES and STS (testkit/aws),
// through the real AWS SDK clients: what it creates, what a second run leaves alone, the
// limits IAM enforces, dry runs, teardown, and what the user reads. Key rotation, in its
// two phases, is in rotation.test.ts.

import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { credentialsCsvPath, readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { MANAGED_TAG } from '../../../ops/provision/names.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { policyDocumentIn, shownKeyId, statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const POLICY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;
const GUARD_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailGuard`;
const BOUNDARY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailBoundary`;

describe('a first run on an empty account', () => {
  const world = useProvisionWorld();

  it('creates exactly the policy, the user, the attachment and one key, and writes the key to a private file', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(statuses(result.stdout)).toEqual({
      account: 'checked',
      sender: 'created',
      'SES sending': 'checked',
      policy: 'created',
      user: 'created',
      attachment: 'created',
      boundary: 'created',
      // Once more with the key made, before its file is written.
      permissions: 'checked',
      'access key': 'created',
      'credentials file': 'created',
    });
    expect(result.stdout).toContain(
      'permissions        checked       again, with the changes made: still nothing beyond what this run grants',
    );
    expect(result.stdout).toContain('Next: deploy the skill');

    const { iam, ses } = world.fake;
    expect([...iam.users.keys()]).toEqual([USER]);
    const user = iam.users.get(USER)!;
    expect(user.loginProfile).toBe(false);
    expect(user.tags.get('managed-by')).toBe('alexa-ses-mailer');
    expect([...user.attachedPolicies]).toEqual([POLICY_ARN, GUARD_ARN]);
    expect(user.permissionsBoundary).toBe(BOUNDARY_ARN);
    expect(user.accessKeys).toHaveLength(1);
    expect([...iam.policies.keys()]).toEqual([POLICY_ARN, GUARD_ARN, BOUNDARY_ARN]);
    expect(iam.policies.get(POLICY_ARN)!.versions).toHaveLength(1);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM }),
    );
    expect(iam.groups.size).toBe(0);
    expect(ses.verificationMails).toEqual([{ region: 'us-east-1', address: FROM }]);

    const key = user.accessKeys[0]!;
    const file = await readCredentialsFile(world.outFile);
    expect(file).toEqual({
      SES_ACCESS_KEY_ID: key.accessKeyId,
      SES_SECRET_ACCESS_KEY: key.secretAccessKey,
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    });
    const csv = await readFile(credentialsCsvPath(world.outFile), 'utf8');
    expect(csv).toBe(`Access key ID,Secret access key\n${key.accessKeyId},${key.secretAccessKey}\n`);
    expect((await stat(world.outFile)).mode & 0o777).toBe(0o600);
    expect((await stat(credentialsCsvPath(world.outFile))).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(world.outFile))).mode & 0o777).toBe(0o700);
    expect(result.stdout).toContain(key.accessKeyId);
  });

  it('reports the plan of a dry run and calls no mutating API at all', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--dry-run']);

    expect(result.code).toBe(0);
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(statuses(result.stdout)).toMatchObject({
      sender: 'would create',
      policy: 'would create',
      user: 'would create',
      attachment: 'would create',
      'access key': 'would create',
      'credentials file': 'would create',
    });
    expect(result.stdout).toContain('Dry run: nothing was changed.');
    await expect(stat(world.outFile)).rejects.toThrow();
    expect(world.fake.iam.users.size).toBe(0);
  });

  it('prints one JSON document without the secret for --json', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--json']);

    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      ok: boolean;
      changed: boolean;
      accessKeyId: string;
      credentialsFile: string;
      steps: { step: string; status: string }[];
    };
    const key = world.fake.iam.users.get(USER)!.accessKeys[0]!;
    expect(document).toMatchObject({
      ok: true,
      changed: true,
      accessKeyId: key.accessKeyId,
      credentialsFile: world.outFile,
      account: LOCAL_ACCOUNT_ID,
    });
    expect(document.steps.map((step) => `${step.step}: ${step.status}`)).toContain('access key: created');
  });
});

describe('a second run', () => {
  const world = useProvisionWorld();

  it('changes nothing: no mutating call, no new key, the file untouched', async () => {
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const before = { bytes: await readFile(world.outFile, 'utf8'), mtime: (await stat(world.outFile)).mtimeMs };
    const callsBefore = world.fake.mutatingCalls().length;

    const second = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(second.code).toBe(0);
    expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
    expect(statuses(second.stdout)).toEqual({
      account: 'checked',
      sender: 'exists',
      'SES sending': 'checked',
      policy: 'exists',
      permissions: 'checked',
      user: 'exists',
      'console password': 'checked',
      attachment: 'exists',
      boundary: 'exists',
      'access key': 'exists',
      'credentials file': 'exists',
    });
    expect(second.stdout).toContain('Nothing to change');
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);
    expect(await readFile(world.outFile, 'utf8')).toBe(before.bytes);
    expect((await stat(world.outFile)).mtimeMs).toBe(before.mtime);

    const dryRun = await world.run(['--from', FROM, '--out', world.outFile, '--dry-run']);
    expect(dryRun.stdout).toContain('a real run would change nothing');
  });

  it('gives the policy a new default version when its document changed, and deletes the versions earlier runs wrote', async () => {
    // An earlier run of this tool made it: a policy it did not make is never rewritten (trust.test.ts).
    const earlier = (from: string) =>
      JSON.stringify(buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: from }));
    world.fake.iam.addPolicy('AlexaSkillMailAccess', earlier('first@example.com'), { tags: [MANAGED_TAG] });
    for (let version = 2; version <= 5; version++)
      world.fake.iam.addPolicyVersion(POLICY_ARN, earlier(`v${version}@example.com`), version === 5);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "policy version     deleted       AlexaSkillMailAccess v1, v2, v3, v4, documents of earlier runs (one SetDefaultPolicyVersion from being the key's again)",
    );
    expect(result.stdout).toContain(
      'policy             updated       AlexaSkillMailAccess v6 is the new default version: ses:SendEmail and ses:SendRawEmail from s***@example.com only; v5, which allowed ses:SendEmail, ses:SendRawEmail, is deleted',
    );
    const policy = world.fake.iam.policies.get(POLICY_ARN)!;
    expect(policy.versions.map((version) => version.versionId)).toEqual(['v6']);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM }),
    );
    // Room first (IAM refuses a sixth version), then the new default, then the one it replaced.
    const versionCalls = world.fake
      .mutatingCalls()
      .map((call) => call.action)
      .filter((action) => action.endsWith('PolicyVersion'));
    expect(versionCalls).toEqual([
      'DeletePolicyVersion',
      'DeletePolicyVersion',
      'DeletePolicyVersion',
      'DeletePolicyVersion',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
    ]);
  });

  it("names the sender's domain in the policy when SES verified the domain rather than the address", async () => {
    world.fake.ses.verify('eu-west-1', 'example.com');

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--region', 'eu-west-1']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verified through its domain example.com');
    expect(world.fake.ses.verificationMails).toEqual([]);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({
        region: 'eu-west-1',
        accountId: LOCAL_ACCOUNT_ID,
        fromAddress: FROM,
        domainIdentity: true,
      }),
    );
    expect(await readCredentialsFile(world.outFile)).toMatchObject({ SES_REGION: 'eu-west-1' });
  });
});

describe('access keys', () => {
  const world = useProvisionWorld();

  it('refuses to create a third key when the user already has two from elsewhere, and says what to do', async () => {
    world.fake.iam.addUser(USER);
    const first = world.fake.iam.addAccessKey(USER).accessKeyId;
    const second = world.fake.iam.addAccessKey(USER).accessKeyId;

    const keep = ['--keep-key', first, '--keep-key', second];
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--adopt', ...keep]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `${USER} already has two access keys (${shownKeyId(first)} and ${shownKeyId(second)}) that this tool did not save, and IAM allows no third; delete the one you no longer use (aws iam delete-access-key --user-name ${USER} --access-key-id ID), then run again.`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(2);
    await expect(stat(world.outFile)).rejects.toThrow();
  });

  it('adds its key beside one key from elsewhere, leaving that key alone', async () => {
    world.fake.iam.addUser(USER);
    const foreign = world.fake.iam.addAccessKey(USER).accessKeyId;

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--adopt', '--keep-key', foreign]);

    expect(result.code).toBe(0);
    const keys = world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(foreign);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(keys[1]);
    expect(result.stdout).toContain('(created outside this tool, adopted: --teardown will leave it in place)');
  });

  it('does not make a second key when the file with the first is missing, and points to --rotate-key', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    await rm(world.outFile);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /already has the access key AKIA\w+ that this tool created, but its secret is not in .*restore that file, or run again with --rotate-key/,
    );
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);
  });

  it('takes a key saved in another file for a key it did not save, kept only with --keep-key', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const firstKey = world.fake.iam.users.get(USER)!.accessKeys[0]!.accessKeyId;
    const elsewhere = join(world.folder, 'elsewhere.json');

    const result = await world.run(['--from', FROM, '--out', elsewhere]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('or run again with --keep-key ID to keep it.');
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);

    // The first key stays: a skill deployed with it keeps sending.
    const rotated = await world.run(['--from', FROM, '--out', elsewhere, '--keep-key', firstKey]);
    expect(rotated.code).toBe(0);
    const keys = world.fake.iam.users.get(USER)!.accessKeys;
    expect(keys.map((key) => [key.accessKeyId === firstKey, key.status])).toEqual([
      [true, 'Active'],
      [false, 'Active'],
    ]);
    expect((await readCredentialsFile(elsewhere)).SES_ACCESS_KEY_ID).toBe(keys[1]!.accessKeyId);
  });

  it('removes the new key again when the file cannot be written, so no slot is wasted', async () => {
    await mkdir(world.outFile, { recursive: true }); // a folder where the file should go

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Could not write .*AlexaSkillMailSender\.json \(EISDIR\), so the new access key was deleted again/,
    );
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(0);
  });
});

describe('--group', () => {
  const world = useProvisionWorld();

  it('attaches the policy through the group instead of to the user, and teardown removes the group', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--group', 'AlexaSkillMailSenders']);

    expect(result.code).toBe(0);
    const group = world.fake.iam.groups.get('AlexaSkillMailSenders')!;
    expect(group.path).toBe('/alexa-ses-mailer/');
    expect([...group.attachedPolicies]).toEqual([POLICY_ARN, GUARD_ARN]);
    expect([...group.members]).toEqual([USER]);
    expect(world.fake.iam.users.get(USER)!.attachedPolicies.size).toBe(0);

    const again = await world.run(['--from', FROM, '--out', world.outFile, '--group', 'AlexaSkillMailSenders']);
    expect(statuses(again.stdout)).toMatchObject({
      group: 'exists',
      'group policy': 'exists',
      'group member': 'exists',
    });

    const teardown = await world.run(['--teardown', '--yes', '--out', world.outFile]);
    expect(teardown.code).toBe(0);
    expect(world.fake.iam.groups.size).toBe(0);
    expect(world.fake.iam.users.size).toBe(0);
    expect(world.fake.iam.policies.size).toBe(0);
  });
});

describe('--teardown', () => {
  const world = useProvisionWorld();

  it('removes the key, the attachment, the user, the policy and the credentials files', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    world.fake.iam.addPolicyVersion(
      POLICY_ARN,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }],
      }),
      false,
    );

    const dryRun = await world.run(['--teardown', '--dry-run', '--out', world.outFile]);
    expect(dryRun.code).toBe(0);
    expect(world.fake.calls.filter((call) => call.mutating && call.action.startsWith('Delete'))).toEqual([]);
    expect(statuses(dryRun.stdout)).toMatchObject({
      'access key': 'would delete',
      attachment: 'would delete',
      boundary: 'would delete',
      user: 'would delete',
      policy: 'would delete',
      'credentials file': 'would delete',
    });

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({
      'access key': 'deleted',
      attachment: 'deleted',
      boundary: 'deleted',
      user: 'deleted',
      policy: 'deleted',
      'credentials file': 'deleted',
    });
    expect(result.stdout).toContain(
      'boundary           deleted       AlexaSkillMailBoundary, the permissions boundary of AlexaSkillMailSender',
    );
    expect(world.fake.iam.users.size).toBe(0);
    expect(world.fake.iam.policies.size).toBe(0);
    await expect(stat(world.outFile)).rejects.toThrow();
    await expect(stat(credentialsCsvPath(world.outFile))).rejects.toThrow();
    // Verified SES identities are the administrator's to keep.
    expect(world.fake.ses.identities('us-east-1').has(FROM)).toBe(true);

    const again = await world.run(['--teardown', '--yes', '--out', world.outFile]);
    expect(again.code).toBe(0);
    expect(statuses(again.stdout)).toMatchObject({ user: 'skipped', policy: 'skipped' });
  });

  it('leaves an adopted user and policy in place, with the attachment it cannot tell it made, removing only its own key', async () => {
    world.fake.iam.addUser(USER);
    const foreignKey = world.fake.iam.addAccessKey(USER).accessKeyId;
    // Made by hand with exactly this tool's document: --adopt may use it as it is.
    world.fake.iam.addPolicy(
      'AlexaSkillMailAccess',
      JSON.stringify(buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM })),
    );
    expect((await world.run(['--from', FROM, '--out', world.outFile, '--adopt', '--keep-key', foreignKey])).code).toBe(
      0,
    );

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId)).toEqual([foreignKey]);
    expect([...world.fake.iam.users.get(USER)!.attachedPolicies]).toEqual([POLICY_ARN]);
    expect(world.fake.iam.policies.get(POLICY_ARN)!.versions).toHaveLength(1);
    expect(result.stdout).toContain(`${USER} was created outside this tool: left in place`);
    expect(result.stdout).toContain(
      `AlexaSkillMailAccess was created outside this tool: its attachment to ${USER} is left in place`,
    );
    expect(result.stdout).toContain('AlexaSkillMailAccess was created outside this tool: left in place');
  });

  it('asks on the terminal first, and changes nothing unless the answer is yes', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const terminal = (answer: string) => Object.assign(Readable.from([answer]), { isTTY: true });
    const key = (await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID;

    const declined = await world.run(['--teardown', '--out', world.outFile], { stdin: terminal('no\n') });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain(
      `This deletes, in account ${LOCAL_ACCOUNT_ID}: access key ${key}; user ${USER}; policy AlexaSkillMailAccess, AlexaSkillMailGuard, and AlexaSkillMailBoundary; credentials file ${world.outFile} and its CSV (their key is deleted). A deployed skill stops sending mail.`,
    );
    expect(declined.stderr).toContain('Teardown cancelled: nothing was changed.');
    expect(world.fake.iam.users.size).toBe(1);

    const accepted = await world.run(['--teardown', '--out', world.outFile], { stdin: terminal('yes\n') });
    expect(accepted.stderr).toContain('Type "yes" to continue');
    expect(accepted.code).toBe(0);
    expect(world.fake.iam.users.size).toBe(0);
  });

  it('asks for --yes when there is no terminal to confirm on', async () => {
    const result = await world.run(['--teardown']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--teardown asks for confirmation on a terminal; pass --yes to run it without one.',
    );
    expect(world.fake.calls).toEqual([]);
  });
});

describe('errors, one sentence each', () => {
  const world = useProvisionWorld();

  it('names the IAM permission that is missing', async () => {
    world.fake.deny('iam:CreateUser');

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Access denied: your AWS credentials lack the permission iam:CreateUser, needed to create the AlexaSkillMailSender user; docs/provisioning.md lists every permission this command needs.',
    );
  });

  it('reports a failure in --json output too, with the same sentence', async () => {
    world.fake.deny('iam:CreateAccessKey');

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--json']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      error:
        'Access denied: your AWS credentials lack the permission iam:CreateAccessKey, needed to create the user’s access key; docs/provisioning.md lists every permission this command needs.',
    });
  });

  it('says when no administrator credentials are found', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'No AWS administrator credentials found: pass --profile NAME, run `aws sso login`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
    expect(world.fake.calls).toEqual([]);
  });

  it('says when a named profile does not exist', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--profile', 'nobody']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No AWS administrator credentials found for profile "nobody"');
  });

  it('says when AWS refuses the credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'LOCALUNKNOWNKEY';

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AWS refused your credentials (InvalidClientTokenId)');
  });

  it('says so in one sentence, and changes nothing, when the secret is wrong for the administrator key', async () => {
    // A real key ID with a secret that is not its own: AWS checks the signature, not just the ID.
    process.env.AWS_SECRET_ACCESS_KEY = `${process.env.AWS_SECRET_ACCESS_KEY}-mistyped`;

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^AWS refused your credentials \(SignatureDoesNotMatch\): [^\n]*\.$/),
    ]);
    expect(world.fake.calls.map((call) => call.error)).toEqual(['SignatureDoesNotMatch']);
    expect(world.fake.snapshot().users).toEqual([]);
    await expect(stat(world.outFile)).rejects.toThrow();
  });

  it('refuses an invalid sender address as a usage error', async () => {
    const result = await world.run(['--from', 'not-an-address', '--out', world.outFile]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from "not-an-address" is not an email address.');
    expect(world.fake.calls).toEqual([]);
  });

  it('says so when SES is not offered in the region (its endpoint does not resolve)', async () => {
    delete process.env.AWS_ENDPOINT_URL_SES; // the real endpoint name, email.REGION.amazonaws.com
    const looked: string[] = [];
    const { Agent } = await import('node:https');
    // Answers every DNS lookup "no such host" without asking any resolver.
    const httpsAgent = new Agent({
      lookup: (hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException) => void) => {
        looked.push(hostname);
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
      },
    } as ConstructorParameters<typeof Agent>[0]);

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--region', 'xx-nowhere-1'], {
      clientOptions: { http: { httpsAgent } },
    });

    // The SDK retries a failed connection; every attempt asked for SES's regional endpoint.
    expect(new Set(looked)).toEqual(new Set(['email.xx-nowhere-1.amazonaws.com']));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Amazon SES is not offered in the region xx-nowhere-1 (its endpoint email.xx-nowhere-1.amazonaws.com does not exist); choose a region where it is, for example --region us-east-1.',
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('refuses a key file inside the repository that git would not ignore', async () => {
    const result = await world.run(['--from', FROM, '--out', join(PROJECT_ROOT, 'AlexaSkillMailSender.json')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--out AlexaSkillMailSender.json is inside the repository but not git-ignored, so the secret could be committed; use a path under .secrets/.',
    );
    expect(world.fake.calls).toEqual([]);
  });

  it('exits 2 on an unknown flag and 0 with a help that explains every flag', async () => {
    expect((await world.run(['--frm', FROM])).code).toBe(2);
    const help = await world.run(['--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--from',
      '--region',
      '--profile',
      '--out',
      '--dry-run',
      '--rotate-key',
      '--retire-old-key',
      '--teardown',
      '--yes',
      '--json',
      '--group',
      '--any-sender',
      '--verify-recipient',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('npm run provision -- --from you@example.com --dry-run');
  });
});

describe('the SES side', () => {
  const world = useProvisionWorld();

  it('verifies a recipient on request and allows its identity too, since the sandbox checks it', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--verify-recipient', 'me@example.org']);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout).recipient).toBe('created');
    expect(world.fake.ses.verificationMails.map((mail) => mail.address)).toEqual([FROM, 'me@example.org']);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({
        region: 'us-east-1',
        accountId: LOCAL_ACCOUNT_ID,
        fromAddress: FROM,
        recipientIdentities: ['me@example.org'],
      }),
    );
  });

  it('tells production access from the sandbox and does not resend a pending verification', async () => {
    world.fake.ses.leaveSandbox('us-east-1');
    world.fake.ses.identities('us-east-1').set(FROM, 'Pending');

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.stdout).toContain('production access (50000 mails a day, 14 a second, 0 sent in the last 24 hours)');
    expect(result.stdout).not.toContain('sandbox');
    expect(world.fake.ses.verificationMails).toEqual([]);
    expect(result.stdout).toContain('Before the skill can send, click the link');
  });

  it('warns when --any-sender relaxes the policy to every identity', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--any-sender']);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)['policy scope']).toBe('warning');
    expect(policyDocumentIn(world)).toMatchObject({
      Statement: [{ Resource: '*', Action: ['ses:SendEmail', 'ses:SendRawEmail'] }],
    });
  });
});
