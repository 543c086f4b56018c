// --hosted-role-arn against the fake account: the role AlexaSkillMailSenderRole, which only the
// hosted skill's Lambda role may assume and only with the recorded external ID (the fake STS judges
// it), with this tool's policies and no user or key; idempotent, the same plan in a dry run, removed
// by --teardown; a foreign, over-privileged or widened role refused; the export reads what it records.

import { readFile, stat } from 'node:fs/promises';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { hostedRoleTrustPolicy } from '../../../lambda/mail/roleTrustPolicy.ts';
import { gatherHostedConfig } from '../../../ops/hosted/config.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const HOSTED = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';
const ROLE = 'AlexaSkillMailSenderRole';
const ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${ROLE}`;
const POLICY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;
const GUARD_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailGuard`;
const BOUNDARY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailBoundary`;

describe('provisioning the role of an Alexa-hosted skill', () => {
  const world = useProvisionWorld();
  const iam = () => new IAMClient({ region: 'us-east-1' });
  const provision = (...extra: string[]) =>
    world.run(['--from', FROM, '--out', world.outFile, '--hosted-role-arn', HOSTED, ...extra]);
  const output = async () => JSON.parse(await readFile(world.outFile, 'utf8')) as Record<string, string>;
  const trustOf = () => JSON.parse(world.fake.iam.role(ROLE).assumeRolePolicyDocument) as unknown;
  /** A policy someone made by hand, allowing everything: what the tool must never let stand on its role. */
  const allowEverything = async (PolicyName: string) => {
    const PolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    return (await iam().send(new CreatePolicyCommand({ PolicyName, PolicyDocument }))).Policy?.Arn ?? '';
  };
  const boundaryOf = async () =>
    (await iam().send(new GetRoleCommand({ RoleName: ROLE }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn;

  /** AssumeRole as `caller` (a role's session in the fake account), with or without the external ID. */
  const assumeAs = (caller: string, externalId?: string) => {
    const session = world.fake.sts.sessionOf(caller, 'skill');
    const sts = new STSClient({ region: 'us-east-1', endpoint: world.fake.url, credentials: session, maxAttempts: 1 });
    return sts.send(
      new AssumeRoleCommand({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'mailer',
        ...(externalId ? { ExternalId: externalId } : {}),
      }),
    );
  };

  it('creates the role that only the hosted skill may assume, with the external ID, and no user or key', async () => {
    const result = await provision();

    expect(result.code, result.stdout).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({
      policy: 'created',
      role: 'created',
      'role policy': 'created',
      boundary: 'created',
      'role settings': 'created',
    });
    expect(world.fake.iam.users.size).toBe(0);
    expect(world.fake.mutatingCalls().map((call) => `${call.service}:${call.action}`)).not.toContain(
      'iam:CreateAccessKey',
    );
    const recorded = await output();
    expect(recorded).toEqual({
      SES_ROLE_ARN: ROLE_ARN,
      SES_ROLE_EXTERNAL_ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    });
    expect((await stat(world.outFile)).mode & 0o777).toBe(0o600);
    expect(result.stdout).not.toContain(recorded.SES_ROLE_EXTERNAL_ID);
    expect(trustOf()).toEqual(hostedRoleTrustPolicy(HOSTED, recorded.SES_ROLE_EXTERNAL_ID ?? ''));
    expect([...world.fake.iam.role(ROLE).attachedPolicies].sort()).toEqual([POLICY_ARN, GUARD_ARN].sort());
    expect(await boundaryOf()).toBe(BOUNDARY_ARN);
    expect(result.stdout).toContain('npm run hosted -- --into DIR');

    const assumed = await assumeAs(HOSTED, recorded.SES_ROLE_EXTERNAL_ID);
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${ROLE}/mailer`);
    await expect(assumeAs(HOSTED)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assumeAs(HOSTED, 'guessed')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      assumeAs('arn:aws:iam::210987654321:role/SomeoneElsesRole', recorded.SES_ROLE_EXTERNAL_ID),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('changes nothing on a second run, keeping the external ID', async () => {
    await provision();
    const first = await output();
    const before = world.fake.mutatingCalls().length;

    const again = await provision();

    expect(again.code, again.stdout).toBe(0);
    expect(world.fake.mutatingCalls().length).toBe(before);
    expect(again.stdout).toContain('Nothing to change: the policy, the role and its trust policy are in place.');
    expect(await output()).toEqual(first);
  });

  it('shows in a dry run exactly the changes a real run then makes, and makes none', async () => {
    // Each change's step and action: a real run's line may say more (a version ID IAM chose).
    const steps = (stdout: string) =>
      [...stdout.matchAll(/^ {2}(.{18}) (.{13}) /gm)].map(
        (match) => `${match[1]?.trim()} ${match[2]?.trim().replace(/^would (create|update|delete)$/, '$1d')}`,
      );
    const dryRun = await provision('--dry-run');
    expect(dryRun.code, dryRun.stdout).toBe(0);
    expect(world.fake.mutatingCalls()).toEqual([]);
    await expect(stat(world.outFile)).rejects.toThrow();

    const real = await provision();

    expect(steps(dryRun.stdout)).toEqual(steps(real.stdout));
    expect(steps(real.stdout)).toContain('role created');
  });

  it('attaches the limit policy too with --limit-table, and records the table', async () => {
    const result = await provision('--limit-table', 'MailLimit');

    expect(result.code, result.stdout).toBe(0);
    expect([...world.fake.iam.role(ROLE).attachedPolicies].sort()).toEqual(
      [POLICY_ARN, GUARD_ARN, `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailLimit`].sort(),
    );
    expect((await output()).MAIL_LIMIT_TABLE).toBe('MailLimit');
  });

  it('lets the export for the hosted repository read the role, with no --role-arn', async () => {
    await provision();
    const recorded = await output();

    const config = await gatherHostedConfig({
      credentialsFile: world.outFile,
      embedKey: false,
      skillId: 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000',
      askStatesFiles: [],
    });

    expect(config.values).toMatchObject({
      SES_ROLE_ARN: ROLE_ARN,
      SES_ROLE_EXTERNAL_ID: recorded.SES_ROLE_EXTERNAL_ID,
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    });
  });

  it('keeps the key of an earlier run beside the role, and says which way each build uses', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const key = (await output()).SES_ACCESS_KEY_ID;

    const result = await provision();

    expect(result.code, result.stdout).toBe(0);
    expect(await output()).toMatchObject({ SES_ACCESS_KEY_ID: key, SES_ROLE_ARN: ROLE_ARN });
    expect(result.stdout).toContain('the next `npm run hosted` uses the role');
    expect(result.stdout).toContain('the next `npx ask deploy` of a self-hosted skill embeds the key');
  });

  it('adds the user and its key beside a recorded role, keeping the role in the file', async () => {
    await provision();
    const role = await output();

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code, result.stdout).toBe(0);
    expect(await output()).toMatchObject({
      SES_ROLE_ARN: ROLE_ARN,
      SES_ROLE_EXTERNAL_ID: role.SES_ROLE_EXTERNAL_ID,
      SES_ACCESS_KEY_ID: expect.any(String),
    });
    expect(result.stdout).toContain(
      'npx ask deploy` of a self-hosted skill embeds the key, while the next `npm run hosted` uses the role',
    );
  });

  it('removes the role, its attachment, the policy and the file with --teardown', async () => {
    await provision();

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      'boundary           deleted       AlexaSkillMailBoundary, the permissions boundary of AlexaSkillMailSenderRole',
    );
    expect(world.fake.iam.roles.has(ROLE)).toBe(false);
    expect(world.fake.iam.policies.has(POLICY_ARN)).toBe(false);
    expect(world.fake.iam.policies.has(BOUNDARY_ARN)).toBe(false);
    await expect(stat(world.outFile)).rejects.toThrow();
  });

  it('refuses a role of that name that this tool did not create, unless --adopt', async () => {
    world.fake.iam.addRole(ROLE, JSON.stringify(hostedRoleTrustPolicy(HOSTED, 'chosen-by-hand')));

    const refused = await provision();

    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${ROLE} exists but this tool did not create it`);
    expect(world.fake.mutatingCalls()).toEqual([]);

    const adopted = await provision('--adopt');
    expect(adopted.code, adopted.stdout).toBe(0);
    expect(trustOf()).toEqual(hostedRoleTrustPolicy(HOSTED, (await output()).SES_ROLE_EXTERNAL_ID ?? ''));
    const teardown = await world.run(['--teardown', '--yes', '--out', world.outFile]);
    expect(teardown.stdout).toContain(`${ROLE} was created outside this tool: left in place`);
    expect(world.fake.iam.roles.has(ROLE)).toBe(true);
  });

  it('refuses a role that was given another policy, naming the command that removes it', async () => {
    await provision();
    const arn = await allowEverything('Everything');
    await iam().send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: arn }));
    const before = world.fake.mutatingCalls().length;

    const result = await provision();

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`aws iam detach-role-policy --role-name ${ROLE} --policy-arn ${arn}`);
    expect(result.stderr + result.stdout).toContain(`${ROLE} could do more than send mail`);
    expect(world.fake.mutatingCalls().length).toBe(before);
  });

  it('refuses a permissions boundary on the role that this tool did not set, naming the command that removes it', async () => {
    await provision();
    const foreign = await allowEverything('SomeonesBoundary');
    await iam().send(new PutRolePermissionsBoundaryCommand({ RoleName: ROLE, PermissionsBoundary: foreign }));
    const before = world.fake.mutatingCalls().length;

    const result = await provision();

    expect(result.code).toBe(1);
    expect(statuses(result.stdout).boundary).toBe('refused');
    expect(result.stderr + result.stdout).toContain(
      `${ROLE} has a permissions boundary that this tool did not set (${foreign}), so nothing was changed; remove it with \`aws iam delete-role-permissions-boundary --role-name ${ROLE}\``,
    );
    expect(world.fake.mutatingCalls().length).toBe(before);
    expect(await boundaryOf()).toBe(foreign);
  });

  it('refuses a trust policy that someone widened, in a dry run too', async () => {
    await provision();
    const externalId = (await output()).SES_ROLE_EXTERNAL_ID ?? '';
    const widened = hostedRoleTrustPolicy(HOSTED, externalId);
    for (const document of [
      {
        ...widened,
        Statement: [{ ...widened.Statement[0], Principal: { AWS: [HOSTED, 'arn:aws:iam::999999999999:root'] } }],
      },
      { ...widened, Statement: [{ ...widened.Statement[0], Principal: { AWS: '*' } }] },
      { ...widened, Statement: [{ Effect: 'Allow', Principal: { AWS: HOSTED }, Action: 'sts:AssumeRole' }] },
    ]) {
      await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: ROLE, PolicyDocument: JSON.stringify(document) }));
      const before = world.fake.mutatingCalls().length;
      for (const dryRun of [['--dry-run'], []]) {
        const result = await provision(...dryRun);
        expect(result.code, JSON.stringify(document)).toBe(1);
        expect(statuses(result.stdout)['trust policy']).toBe('refused');
        expect(result.stderr + result.stdout).toContain(
          `the trust policy of ${ROLE} lets someone besides the hosted skill assume it`,
        );
      }
      expect(world.fake.mutatingCalls().length).toBe(before);
    }
  });

  it('warns about an ARN that is not the hosted Lambda role, and refuses what is no role ARN', async () => {
    const other = await world.run([
      '--from',
      FROM,
      '--out',
      world.outFile,
      '--hosted-role-arn',
      'arn:aws:iam::210987654321:role/MyOwnRole',
      '--dry-run',
    ]);
    expect(other.code).toBe(0);
    expect(statuses(other.stdout)['hosted role']).toBe('warning');

    const wrong = await world.run(['--from', FROM, '--hosted-role-arn', 'arn:aws:iam::123:user/Someone']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is not an IAM role ARN');
  });
});
