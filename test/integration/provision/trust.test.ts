// What provisioning checks before it hands out a key, against the fake AWS: a user that could do
// more than send mail is refused with no key and no file, whatever gives it the extra grant (an
// attached policy, an inline one, a group); a user, policy or group this tool did not create is
// never changed; CreateAccessKey is called once, never retried. An IAM policy simulator
// (@cloud-copilot/iam-simulate, test-only) confirms each refused user really could do more.

import { stat } from 'node:fs/promises';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { buildMailLimitPolicy } from '../../../ops/provision/limitPolicyDocument.ts';
import { MANAGED_TAG } from '../../../ops/provision/names.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import type { FakeAws } from '../../../testkit/aws/server.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import {
  type ProvisionWorld,
  type RunResult,
  shownKeyId,
  statuses,
  useProvisionWorld,
} from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const POLICY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const EVERYTHING = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const IAM_EVERYTHING = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
});
const TOOL_DOCUMENT = buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM });
const LIMIT_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailLimit`;
/** Exactly the document this tool writes for a limit table, for a table it never made. */
const limitDocumentFor = (table: string) =>
  JSON.stringify(buildMailLimitPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, table }));

/** What IAM would decide for the user's own key, from every policy the fake account gives it. */
async function userMay(fake: FakeAws, action: string, resource = '*'): Promise<boolean> {
  const { iam } = fake;
  const user = iam.users.get(USER)!;
  const managed = (arn: string) => {
    const policy = iam.policies.get(arn)!;
    return JSON.parse(policy.versions.find((version) => version.versionId === policy.defaultVersionId)!.document);
  };
  const groups = [...iam.groups.values()].filter((group) => group.members.has(USER));
  const documents = [
    ...[...user.attachedPolicies].map(managed),
    ...[...user.inlinePolicies.values()].map((text) => JSON.parse(text)),
    ...groups.flatMap((group) => [
      ...[...group.attachedPolicies].map(managed),
      ...[...group.inlinePolicies.values()].map((text) => JSON.parse(text)),
    ]),
  ];
  const simulation: Simulation = {
    identityPolicies: documents.map((policy, index) => ({ name: `policy${index}`, policy })),
    ...(user.permissionsBoundary
      ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: managed(user.permissionsBoundary) }] }
      : {}),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action,
      principal: iam.userArn(USER),
      resource: { accountId: LOCAL_ACCOUNT_ID, resource },
      contextVariables: { 'ses:FromAddress': FROM },
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult === 'Allowed';
}

/** The user as an earlier run of this tool left it, with its policy and no key yet. */
function toolsUser(fake: FakeAws): void {
  fake.iam.addPolicy('AlexaSkillMailAccess', JSON.stringify(TOOL_DOCUMENT), { tags: [MANAGED_TAG] });
  fake.iam.addUser(USER, { tags: [MANAGED_TAG] }).attachedPolicies.add(POLICY_ARN);
}

describe('a user that could do more than send mail', () => {
  const world = useProvisionWorld();

  async function expectRefusedWithNothingChanged(args: string[] = []): Promise<string> {
    const callsBefore = world.fake.mutatingCalls().length;
    for (const dryRun of [['--dry-run'], []]) {
      const result = await world.run(['--from', FROM, '--out', world.outFile, ...dryRun, ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /AlexaSkillMailSender could do more than send mail: .* that this tool did not make \(listed above\) must go first, so no key was created and nothing was changed/,
      );
      expect(statuses(result.stdout)['extra grant']).toBe('refused');
      expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
      if (dryRun.length === 0) {
        expect(world.fake.iam.users.get(USER)!.accessKeys).toEqual([]);
        await expect(stat(world.outFile)).rejects.toThrow();
        expect(world.fake.ses.verificationMails).toEqual([]);
        return result.stdout;
      }
    }
    return '';
  }

  it('is refused when AdministratorAccess is attached to it, naming the command that detaches it', async () => {
    toolsUser(world.fake);
    world.fake.iam.addPolicy('AdministratorAccess', EVERYTHING, { awsManaged: true });
    world.fake.iam.users.get(USER)!.attachedPolicies.add(ADMIN_ARN);
    expect(await userMay(world.fake, 'iam:CreateAccessKey')).toBe(true);

    const stdout = await expectRefusedWithNothingChanged();

    expect(stdout).toContain(
      `the policy AdministratorAccess of ${USER} allows *: remove it with \`aws iam detach-user-policy --user-name ${USER} --policy-arn ${ADMIN_ARN}\``,
    );
  });

  it('is refused with an inline iam:* policy, even a user made elsewhere and adopted', async () => {
    world.fake.iam.addUser(USER).inlinePolicies.set('Everything', IAM_EVERYTHING);
    expect(await userMay(world.fake, 'iam:CreateUser')).toBe(true);

    const stdout = await expectRefusedWithNothingChanged(['--adopt']);

    expect(stdout).toContain(
      `the inline policy Everything of ${USER} allows iam:*: remove it with \`aws iam delete-user-policy --user-name ${USER} --policy-name Everything\``,
    );
  });

  it("is refused as a member of an administrators' group, and told to leave it", async () => {
    toolsUser(world.fake);
    world.fake.iam.addPolicy('AdministratorAccess', EVERYTHING, { awsManaged: true });
    const admins = world.fake.iam.addGroup('Admins');
    admins.attachedPolicies.add(ADMIN_ARN);
    admins.members.add(USER);
    expect(await userMay(world.fake, 's3:DeleteBucket', 'arn:aws:s3:::any-bucket')).toBe(true);

    const stdout = await expectRefusedWithNothingChanged();

    expect(stdout).toContain(
      `the policy AdministratorAccess of the group Admins, which ${USER} is in, allows *: remove it with \`aws iam remove-user-from-group --group-name Admins --user-name ${USER}\``,
    );
  });

  it('is refused when the --group it would join grants more', async () => {
    const group = world.fake.iam.addGroup('Mailers', '/alexa-ses-mailer/');
    group.inlinePolicies.set('AlsoIam', IAM_EVERYTHING);

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--group', 'Mailers']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'the inline policy AlsoIam of the group Mailers (--group) allows iam:*: remove it with `aws iam delete-group-policy --group-name Mailers --policy-name AlsoIam`, or choose another --group',
    );
    expect(world.fake.iam.users.size).toBe(0);
  });
});

describe('a user that can only send mail', () => {
  const world = useProvisionWorld();

  it('refuses a boundary it did not set, then sets its own, and the simulator agrees the key can only send', async () => {
    toolsUser(world.fake);
    world.fake.ses.verify('us-east-1', FROM);
    const user = world.fake.iam.users.get(USER)!;
    user.inlinePolicies.set(
      'NoIam',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] }),
    );
    world.fake.iam.addPolicy('AdministratorAccess', EVERYTHING, { awsManaged: true });
    user.permissionsBoundary = ADMIN_ARN;

    const refused = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(refused.code).toBe(1);
    expect(statuses(refused.stdout).boundary).toBe('refused');
    expect(refused.stderr.trim()).toBe(
      `${USER} has a permissions boundary that this tool did not set (${ADMIN_ARN}), so nothing was changed; remove it with \`aws iam delete-user-permissions-boundary --user-name ${USER}\`, then run again: the tool sets AlexaSkillMailBoundary in its place.`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);

    user.permissionsBoundary = undefined;
    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({
      permissions: 'checked',
      boundary: 'created',
      'access key': 'created',
    });
    expect(user.permissionsBoundary).toBe(`arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailBoundary`);
    expect(
      await userMay(world.fake, 'ses:SendEmail', `arn:aws:ses:us-east-1:${LOCAL_ACCOUNT_ID}:identity/${FROM}`),
    ).toBe(true);
    for (const action of ['iam:CreateAccessKey', 'ses:CreateEmailIdentity', 's3:ListAllMyBuckets'])
      expect(await userMay(world.fake, action), action).toBe(false);
  });
});

describe('what this tool did not create', () => {
  const world = useProvisionWorld();
  const foreignDocument = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:ListIdentities'], Resource: '*' },
    ],
  });

  it('a policy of the same name keeps its document and versions, with or without --adopt, and through teardown', async () => {
    const policy = world.fake.iam.addPolicy('AlexaSkillMailAccess', foreignDocument);
    world.fake.iam.addPolicyVersion(POLICY_ARN, foreignDocument.replace('ListIdentities', 'GetSendQuota'), true);
    world.fake.iam.addUser('SomeoneElse').attachedPolicies.add(POLICY_ARN);
    const before = JSON.stringify(policy);

    for (const adopt of [[], ['--adopt']]) {
      const result = await world.run(['--from', FROM, '--out', world.outFile, ...adopt]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^\nAlexaSkillMailAccess was made outside this tool with another document, and this tool never rewrites a policy it did not create .*--adopt cannot help/,
      );
      expect(statuses(result.stdout).policy).toBe('refused');
    }
    const teardown = await world.run(['--teardown', '--yes', '--out', world.outFile]);
    expect(teardown.code).toBe(0);

    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(JSON.stringify(world.fake.iam.policies.get(POLICY_ARN))).toBe(before);
    expect([...world.fake.iam.users.get('SomeoneElse')!.attachedPolicies]).toEqual([POLICY_ARN]);
    await expect(stat(world.outFile)).rejects.toThrow();
  });

  it("a policy of the same name with exactly this tool's document is used as it is with --adopt, never versioned", async () => {
    world.fake.iam.addPolicy('AlexaSkillMailAccess', JSON.stringify(TOOL_DOCUMENT));

    const refused = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Nothing was changed: this tool did not create the policy AlexaSkillMailAccess, which already exists in the account; run again with --adopt policy to use',
    );
    expect(world.fake.mutatingCalls()).toEqual([]);

    const adopted = await world.run(['--from', FROM, '--out', world.outFile, '--adopt']);
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain("(created outside this tool, adopted: its document is exactly this tool's)");
    expect(world.fake.iam.policies.get(POLICY_ARN)!.versions).toHaveLength(1);
    expect(world.fake.mutatingCalls().map((call) => call.action)).not.toContain('CreatePolicyVersion');
    expect([...world.fake.iam.users.get(USER)!.attachedPolicies]).toEqual([
      POLICY_ARN,
      `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailGuard`,
    ]);
  });

  it('a user of the same name is left as it is without --adopt', async () => {
    world.fake.iam.addUser(USER);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Nothing was changed: this tool did not create the user AlexaSkillMailSender, which already exists in the account; run again with --adopt user to use what exists as it is (the user's permissions are still checked, and --teardown will leave it in place), or delete what this tool did not create and run again.",
    );
    expect(statuses(result.stdout).user).toBe('refused');
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('a user of the same name is left as it is with --adopt naming another kind, and used with --adopt user', async () => {
    world.fake.iam.addUser(USER);

    const table = await world.run(['--from', FROM, '--out', world.outFile, '--adopt', 'table']);

    expect(table.code).toBe(1);
    expect(table.stderr).toContain(
      'this tool did not create the user AlexaSkillMailSender, which already exists in the account; run again with --adopt user to use',
    );
    expect(statuses(table.stdout).user).toBe('refused');
    expect(world.fake.mutatingCalls()).toEqual([]);

    const user = await world.run(['--from', FROM, '--out', world.outFile, '--adopt', 'user']);
    expect(user.code).toBe(0);
    expect(user.stdout).toContain('(created outside this tool, adopted: --teardown will leave it in place)');
  });

  it('--adopt names only what it adopts', async () => {
    const result = await world.run(['--from', FROM, '--out', world.outFile, '--adopt=everything']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--adopt everything is not something this tool adopts: give one of user, policy, group, table, topic, set, role, or a bare --adopt for all of them.',
    );
  });

  it("a --group outside this tool's path is left as it is without --adopt", async () => {
    world.fake.iam.addGroup('Mailers');

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--group', 'Mailers']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Mailers exists but this tool did not create it (not under /alexa-ses-mailer/)');
    expect(world.fake.mutatingCalls()).toEqual([]);
  });
});

describe('CreateAccessKey', () => {
  const world = useProvisionWorld();

  it.each(['server-error', 'unreadable'] as const)(
    'is called once when its answer is a %s after IAM made the key, which is named with the command that deletes it',
    async (how) => {
      world.fake.spoilAnswer('CreateAccessKey', how);

      const result = await world.run(['--from', FROM, '--out', world.outFile]);

      expect(world.fake.calls.filter((call) => call.action === 'CreateAccessKey')).toHaveLength(1);
      const keys = world.fake.iam.users.get(USER)!.accessKeys;
      expect(keys).toHaveLength(1);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^\\nIAM made the access key ${keys[0]!.accessKeyId}, but its answer was lost \\(.+\\), so nobody holds its secret and nothing was written: delete it with \`aws iam delete-access-key --user-name ${USER} --access-key-id ${keys[0]!.accessKeyId}\`, then run again\\.\\n$`,
        ),
      );
      await expect(stat(world.outFile)).rejects.toThrow();
    },
  );
});

describe('--teardown of a group this tool made that others joined', () => {
  const world = useProvisionWorld();

  it('plans in a dry run exactly what it then does: the policy goes from the group and is deleted, the group stays', async () => {
    await world.run(['--from', FROM, '--out', world.outFile, '--group', 'G1']);
    world.fake.iam.addUser('Colleague');
    world.fake.iam.groups.get('G1')!.members.add('Colleague');

    const dryRun = await world.run(['--teardown', '--dry-run', '--out', world.outFile]);
    const real = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    const lines = (stdout: string) =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('  '))
        .map((line) => line.replace('would delete', 'deleted').replace(/ +/g, ' '));
    expect(lines(dryRun.stdout)).toEqual(lines(real.stdout));
    expect(statuses(real.stdout)).toMatchObject({ 'group policy': 'deleted', group: 'skipped', policy: 'deleted' });
    expect(real.stdout).toContain('AlexaSkillMailAccess from G1 (its other members, Colleague, lose it too)');
    expect(world.fake.iam.policies.has(POLICY_ARN)).toBe(false);
    expect([...world.fake.iam.groups.get('G1')!.members]).toEqual(['Colleague']);
  });
});

describe("a policy with one of this tool's names that this tool did not grant", () => {
  const world = useProvisionWorld();

  async function expectRefused(args: string[], line: string): Promise<void> {
    const result = await world.run(['--from', FROM, '--out', world.outFile, ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(line);
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(world.fake.iam.users.get(USER)?.accessKeys ?? []).toEqual([]);
    expect(world.fake.dynamoDb.snapshot()['us-east-1'] ?? {}).toEqual({});
    await expect(stat(world.outFile)).rejects.toThrow();
  }

  it("is an extra grant at another path, though it holds exactly this tool's limit document", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const disguised = world.fake.iam.addPolicy('AlexaSkillMailLimit', limitDocumentFor('CustomerOrders'), {
      path: '/team-x/',
    });
    world.fake.iam.users.get(USER)!.attachedPolicies.add(disguised.arn);

    await expectRefused(
      [],
      `extra grant        refused       the policy AlexaSkillMailLimit of ${USER} allows dynamodb:UpdateItem, dynamodb:GetItem: remove it with \`aws iam detach-user-policy --user-name ${USER} --policy-arn ${disguised.arn}\``,
    );
  });

  it("is an extra grant at this tool's ARN without its tag, or for a table this tool never made", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    world.fake.iam.addPolicy('AlexaSkillMailLimit', limitDocumentFor('Payments'));
    world.fake.iam.users.get(USER)!.attachedPolicies.add(LIMIT_ARN);
    const refusal = `the policy AlexaSkillMailLimit of ${USER} allows dynamodb:UpdateItem, dynamodb:GetItem: remove it with \`aws iam detach-user-policy --user-name ${USER} --policy-arn ${LIMIT_ARN}\``;

    await expectRefused([], refusal);
    // With --adopt, or carrying this tool's tag, it is still a table this tool never made nor recorded.
    await expectRefused(['--adopt'], refusal);
    world.fake.iam.policies.get(LIMIT_ARN)!.tags.set(MANAGED_TAG.Key, MANAGED_TAG.Value);
    await expectRefused([], refusal);
  });

  it('is kept, with its table, when this tool made both, though the key file is lost', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    toolsUser(world.fake);
    world.fake.iam.addPolicy('AlexaSkillMailLimit', limitDocumentFor('MailCounts'), { tags: [MANAGED_TAG] });
    world.fake.iam.users.get(USER)!.attachedPolicies.add(LIMIT_ARN);
    world.fake.dynamoDb.addTable('us-east-1', 'MailCounts', { keyName: 'userKey', tags: [MANAGED_TAG] });

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--dry-run']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'limit table        exists        MailCounts (named by AlexaSkillMailLimit, which an earlier run made), paid per request',
    );
    expect(result.stdout).toContain(`${USER} can do nothing beyond AlexaSkillMailAccess and AlexaSkillMailLimit`);
  });

  it('stops --limit-table before any change when a policy of that name exists at another path', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const elsewhere = world.fake.iam.addPolicy('AlexaSkillMailLimit', limitDocumentFor('Payments'), { path: '/x/' });

    await expectRefused(['--limit-table', 'MailCounts'], `AlexaSkillMailLimit exists elsewhere, as ${elsewhere.arn}`);
    // Attached to the user, it is an extra grant as well; either way nothing is created first.
    world.fake.iam.users.get(USER)!.attachedPolicies.add(elsewhere.arn);
    await expectRefused(['--limit-table', 'MailCounts'], `AlexaSkillMailLimit exists elsewhere, as ${elsewhere.arn}`);
  });
});

describe('a policy version that is not the default', () => {
  const world = useProvisionWorld();

  it("of this tool's policy, not written by it, stops the run, named with the command that deletes it", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addPolicy('AlexaSkillMailAccess', EVERYTHING, { tags: [MANAGED_TAG] });
    world.fake.iam.addPolicyVersion(POLICY_ARN, JSON.stringify(TOOL_DOCUMENT), true);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] }).attachedPolicies.add(POLICY_ARN);
    const before = JSON.stringify(world.fake.iam.policies.get(POLICY_ARN));

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `extra grant        refused       the version v1 of AlexaSkillMailAccess, which is not its default version (one SetDefaultPolicyVersion makes it so), allows *: remove it with \`aws iam delete-policy-version --policy-arn ${POLICY_ARN} --version-id v1\``,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(JSON.stringify(world.fake.iam.policies.get(POLICY_ARN))).toBe(before);
    expect(world.fake.iam.users.get(USER)!.accessKeys).toEqual([]);
  });

  it('of any other policy of the user counts though its default version denies only', async () => {
    toolsUser(world.fake);
    const quiet = world.fake.iam.addPolicy('LooksHarmless', EVERYTHING);
    world.fake.iam.addPolicyVersion(
      quiet.arn,
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }] }),
      true,
    );
    world.fake.iam.users.get(USER)!.attachedPolicies.add(quiet.arn);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `the policy LooksHarmless of ${USER} allows * in its version v1, which is not the default yet: remove it with \`aws iam detach-user-policy --user-name ${USER} --policy-arn ${quiet.arn}\``,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
  });
});

describe("this tool's policy attached elsewhere", () => {
  const world = useProvisionWorld();

  it('gets no new version while a group of operators holds it, whatever tag it carries', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    const policy = world.fake.iam.addPolicy('AlexaSkillMailAccess', EVERYTHING, { tags: [MANAGED_TAG] });
    world.fake.iam.addGroup('Operators').attachedPolicies.add(POLICY_ARN);
    const before = JSON.stringify(policy);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'policy             refused       AlexaSkillMailAccess needs a new document, but the group Operators holds it too',
    );
    expect(result.stderr).toContain(
      `Nothing was changed: AlexaSkillMailAccess would need a new document, and the group Operators would get it too (whatever it grants them now, they would lose); detach it from them (\`aws iam list-entities-for-policy --policy-arn ${POLICY_ARN}\` lists them), then run again.`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(JSON.stringify(world.fake.iam.policies.get(POLICY_ARN))).toBe(before);
    expect(world.fake.iam.users.has(USER)).toBe(false);
  });
});

describe('an access key this tool did not save', () => {
  const world = useProvisionWorld();

  it("on a user carrying this tool's tag stops the run, named by a shortened ID, unless --keep-key names it", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const theirs = world.fake.iam.addAccessKey(USER).accessKeyId;

    const refused = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `other access key   refused       ${shownKeyId(theirs)} (active) was not saved by this tool: whoever holds it can send mail as the skill`,
    );
    expect(refused.stderr.trim()).toBe(
      `Nothing was changed: ${USER} has an access key that this tool did not save (${shownKeyId(theirs)}), and whoever holds it would send mail as the skill too; delete it (\`aws iam list-access-keys --user-name ${USER}\` shows the whole ID, \`aws iam delete-access-key --user-name ${USER} --access-key-id ID\` deletes it), or run again with --keep-key ID to keep it.`,
    );
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(theirs);
    expect(world.fake.mutatingCalls()).toEqual([]);
    await expect(stat(world.outFile)).rejects.toThrow();

    const kept = await world.run(['--from', FROM, '--out', world.outFile, '--keep-key', theirs]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain(
      `other access key   warning       ${shownKeyId(theirs)} (active) was not saved by this tool: whoever holds it can send mail as the skill (--keep-key keeps it)`,
    );
    const keys = world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId);
    expect(keys).toEqual([theirs, (await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID]);
  });

  it('is refused with --adopt, which takes the user as it is but never its keys', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER);
    const theirs = world.fake.iam.addAccessKey(USER).accessKeyId;

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--adopt']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `other access key   refused       ${shownKeyId(theirs)} (active) was not saved by this tool: whoever holds it can send mail as the skill`,
    );
    expect(result.stderr).toContain('or run again with --keep-key ID to keep it.');
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it("is refused though it carries a copy of this tool's saved-key tag, since only the key file says a key is the tool's", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const theirs = world.fake.iam.addAccessKey(USER).accessKeyId;
    const ours = world.fake.iam.users.get(USER)!.tags;
    ours.set(theirs, [...ours.values()].find((value) => value.startsWith('Saved by'))!);
    const callsBefore = world.fake.mutatingCalls().length;

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `other access key   refused       ${shownKeyId(theirs)} (active) was not saved by this tool: whoever holds it can send mail as the skill`,
    );
    expect(result.stdout).not.toContain('Nothing to change');
    expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
  });

  it('with that copied tag is left in place by --teardown', async () => {
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const theirs = world.fake.iam.addAccessKey(USER).accessKeyId;
    world.fake.iam.users.get(USER)!.tags.set(theirs, 'Saved by alexa-ses-mailer on 2026-01-01');

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId)).toEqual([theirs]);
  });

  it('is kept by --teardown, and so is the user that holds it', async () => {
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const theirs = world.fake.iam.addAccessKey(USER).accessKeyId;

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `access key         skipped       ${shownKeyId(theirs)} was not saved by this tool: left in place`,
    );
    expect(result.stdout).toContain(
      `user               skipped       ${USER} also has access key ${shownKeyId(theirs)}, which this tool did not add: left in place`,
    );
    expect(world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId)).toEqual([theirs]);
    expect(world.fake.mutatingCalls()).toEqual([]);
  });
});

describe('every check before any change', () => {
  const world = useProvisionWorld();

  it('a key saved in another key file stops the run before the limit table is made', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const callsBefore = world.fake.mutatingCalls().length;

    const result = await world.run([
      '--from',
      FROM,
      '--out',
      `${world.outFile}.elsewhere`,
      '--limit-table',
      'MailCounts',
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('that this tool did not save');
    expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
    expect(world.fake.dynamoDb.snapshot()['us-east-1'] ?? {}).toEqual({});
  });
});

/** The second check refused one grant: the run failed, its one new key is deleted again, and no file was written. */
async function expectKeyDeletedAndNothingWritten(world: ProvisionWorld, result: RunResult): Promise<void> {
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /^\nAlexaSkillMailSender was given more than sending mail while this run made its changes: one grant that this tool did not make \(listed above\); the new access key AKIA\w+ was deleted again, and nothing was written; remove it with the command shown, then run again\.\n$/,
  );
  const calls = world.fake.mutatingCalls().map((call) => call.action);
  expect(calls.filter((action) => action === 'CreateAccessKey')).toHaveLength(1);
  expect(calls.at(-1)).toBe('DeleteAccessKey');
  expect(world.fake.iam.users.get(USER)!.accessKeys).toEqual([]);
  await expect(stat(world.outFile)).rejects.toThrow();
}

describe('a grant attached while the run makes its changes', () => {
  const world = useProvisionWorld();

  /** An administrator attaches Everything to the user as soon as the run attaches its own policy. */
  function attachEverythingDuringTheRun(): void {
    const everything = world.fake.iam.addPolicy('Everything', EVERYTHING);
    void world.fake
      .nextRequest('AttachUserPolicy')
      .then(() => world.fake.iam.users.get(USER)!.attachedPolicies.add(everything.arn));
  }

  it('is found once the key exists: the key is deleted again, nothing is written, and the grant is named', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    attachEverythingDuringTheRun();

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.stdout).toContain(
      `extra grant        refused       the policy Everything of ${USER} allows *: remove it with \`aws iam detach-user-policy --user-name ${USER} --policy-arn arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/Everything\``,
    );
    await expectKeyDeletedAndNothingWritten(world, result);
  });

  it('to a user whose key the file holds already, fails the run and says the key can do it too', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const key = world.fake.iam.users.get(USER)!.accessKeys[0]!.accessKeyId;
    attachEverythingDuringTheRun();

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--limit-table', 'MailCounts']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `one grant that this tool did not make (listed above); the key ${key} in ${world.outFile} can do so too; remove it with the command shown, then run again.`,
    );
  });
});

describe("a version of this tool's policies added while the run makes its changes", () => {
  const world = useProvisionWorld();
  const anySender = JSON.stringify(
    buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM, anySender: true }),
  );

  /** Someone adds `document` to a policy as soon as the run attaches its own; nothing deletes it after that. */
  function addVersionDuringTheRun(arn: string, document: string, setAsDefault = false): void {
    void world.fake
      .nextRequest('AttachUserPolicy')
      .then(() => world.fake.iam.addPolicyVersion(arn, document, setAsDefault));
  }

  it('counts a dormant any-sender version of AlexaSkillMailAccess, though this tool writes such documents', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    addVersionDuringTheRun(POLICY_ARN, anySender);

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.stdout).toContain(
      `extra grant        refused       the version v2 of AlexaSkillMailAccess, which is not its default version (one SetDefaultPolicyVersion makes it so), allows ses:SendEmail, ses:SendRawEmail: remove it with \`aws iam delete-policy-version --policy-arn ${POLICY_ARN} --version-id v2\` (a run also deletes it, in its "policy version" step)`,
    );
    expect(result.stdout).not.toContain('still nothing beyond what this run grants');
    await expectKeyDeletedAndNothingWritten(world, result);

    const again = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('policy version     deleted       AlexaSkillMailAccess v2');
    expect(world.fake.iam.policies.get(POLICY_ARN)!.versions.map((version) => version.versionId)).toEqual(['v1']);
  });

  it("counts a version of AlexaSkillMailLimit for another table, though it is this tool's document", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    addVersionDuringTheRun(LIMIT_ARN, limitDocumentFor('SomeoneElsesTable'));

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--limit-table', 'MailCounts']);

    expect(result.stdout).toContain(
      `extra grant        refused       the version v2 of AlexaSkillMailLimit, which is not its default version (one SetDefaultPolicyVersion makes it so), allows dynamodb:UpdateItem, dynamodb:GetItem: remove it with \`aws iam delete-policy-version --policy-arn ${LIMIT_ARN} --version-id v2\` (a run also deletes it, in its "policy version" step)`,
    );
    await expectKeyDeletedAndNothingWritten(world, result);
  });

  it('counts a new default version that is not the document this run wrote, once IAM has been read three times', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    addVersionDuringTheRun(POLICY_ARN, anySender, true);
    const pauses: number[] = [];

    const result = await world.run(['--from', FROM, '--out', world.outFile], {
      wait: async (milliseconds) => void pauses.push(milliseconds),
    });

    expect(pauses).toEqual([1000, 4000]);
    expect(result.stdout).toContain(
      "permissions        checked       IAM still shows a grant beyond this run's; it can take a few seconds to show a change everywhere, so it is read again in 4 s",
    );

    expect(result.stdout).toContain(
      'extra grant        refused       the default version v2 of AlexaSkillMailAccess, which is not the document this run wrote, allows ses:SendEmail, ses:SendRawEmail: run again, and its "policy" step writes this run\'s document as the default version again',
    );
    await expectKeyDeletedAndNothingWritten(world, result);

    const again = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(again.code).toBe(0);
    const policy = world.fake.iam.policies.get(POLICY_ARN)!;
    expect(policy.versions.map((version) => JSON.parse(version.document))).toEqual([TOOL_DOCUMENT]);
  });
});

describe('IAM answering the check after the changes with what it held before them', () => {
  const world = useProvisionWorld();

  /** The user and its policy as an earlier run for another sender left them: this run makes v2 the default and deletes v1. */
  function earlierRunForAnotherSender(): void {
    const earlier = buildMailAccessPolicy({
      region: 'us-east-1',
      accountId: LOCAL_ACCOUNT_ID,
      fromAddress: 'old@example.com',
    });
    world.fake.iam.addPolicy('AlexaSkillMailAccess', JSON.stringify(earlier), { tags: [MANAGED_TAG] });
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] }).attachedPolicies.add(POLICY_ARN);
  }

  it('hands out the key though a read still lists, as the default, the version the run replaced and deleted', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    earlierRunForAnotherSender();
    world.fake.serveStale('GetPolicy');
    world.fake.serveStale('ListPolicyVersions');
    const pauses: number[] = [];

    const result = await world.run(['--from', FROM, '--out', world.outFile], {
      wait: async (milliseconds) => void pauses.push(milliseconds),
    });

    expect(result.stdout).toContain(
      'policy             updated       AlexaSkillMailAccess v2 is the new default version',
    );
    expect(world.fake.calls.filter((call) => call.stale).map((call) => call.action)).toEqual([
      'GetPolicy',
      'ListPolicyVersions',
    ]);
    expect(result.stdout).not.toContain('extra grant');
    expect(result.stdout).toContain('again, with the changes made: still nothing beyond what this run grants');
    expect(pauses).toEqual([]);
    expect(result.code).toBe(0);
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);
    await expect(stat(world.outFile)).resolves.toBeDefined();
  });

  it('reads again after a pause a grant it finds, and hands out the key once IAM no longer shows it', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    const everything = world.fake.iam.addPolicy('Everything', EVERYTHING);
    const attached = world.fake.iam.users.get(USER)!.attachedPolicies;
    void world.fake.nextRequest('AttachUserPolicy').then(() => attached.add(everything.arn));
    const pauses: number[] = [];

    const result = await world.run(['--from', FROM, '--out', world.outFile], {
      wait: async (milliseconds) => {
        pauses.push(milliseconds);
        attached.delete(everything.arn);
      },
    });

    expect(pauses).toEqual([1000]);
    expect(result.stdout).toContain(
      "permissions        checked       IAM still shows a grant beyond this run's; it can take a few seconds to show a change everywhere, so it is read again in 1 s",
    );
    expect(result.stdout).not.toContain('extra grant');
    expect(result.code).toBe(0);
    await expect(stat(world.outFile)).resolves.toBeDefined();
  });
});

describe('a --group with other members', () => {
  const world = useProvisionWorld();

  it.each([
    ['adopted', '/', ['--adopt']],
    ["of this tool's path", '/alexa-ses-mailer/', []],
  ])('is refused when %s, since its members would be allowed to send mail too', async (_what, path, extra) => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser('intern');
    world.fake.iam.addGroup('Shared', path).members.add('intern');

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--group', 'Shared', ...extra]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('group              refused       Shared has other members: intern');
    expect(result.stderr.trim()).toBe(
      'Nothing was changed: the group Shared also holds intern, who would be allowed to send mail as the skill too; choose a group that holds no one but AlexaSkillMailSender, or take that user out of it (`aws iam remove-user-from-group --group-name Shared --user-name intern`), then run again.',
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect([...world.fake.iam.groups.get('Shared')!.attachedPolicies]).toEqual([]);
  });
});
