// `npm run provision -- --limit-table NAME` against the fake AWS (its DynamoDB control plane,
// since dynalite has no UpdateTimeToLive): the table created on demand with Time to Live, the
// AlexaSkillMailLimit policy beside an unchanged AlexaSkillMailAccess, MAIL_LIMIT_TABLE in the
// key file; a second run, a dry run and a run without the flag that change nothing; the audit
// that accepts exactly this tool's grant; and teardown.

import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { buildMailLimitPolicy } from '../../../ops/provision/limitPolicyDocument.ts';
import { MANAGED_TAG } from '../../../ops/provision/names.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import { type FakeAws, LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const TABLE = 'AlexaSkillMailLimit';
const REGION = 'us-east-1';
const ACCESS_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;
const GUARD_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailGuard`;
const LIMIT_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailLimit`;
const LIMIT_DOCUMENT = buildMailLimitPolicy({ region: REGION, accountId: LOCAL_ACCOUNT_ID, table: TABLE });

function documentOf(fake: FakeAws, arn: string): unknown {
  const policy = fake.iam.policies.get(arn);
  const version = policy?.versions.find((candidate) => candidate.versionId === policy.defaultVersionId);
  return version ? JSON.parse(version.document) : undefined;
}

describe('--limit-table on an empty account', () => {
  const world = useProvisionWorld();
  const provision = (...extra: string[]) =>
    world.run(['--from', FROM, '--out', world.outFile, '--limit-table', TABLE, ...extra]);

  it('creates the table on demand with Time to Live, a second policy for it alone, and records it in the key file', async () => {
    const result = await provision();

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      `limit table        created       ${TABLE} in us-east-1, paid per request; rows expire through Time to Live on expiresAt`,
    );
    expect(result.stdout).toContain(
      'policy             created       AlexaSkillMailLimit v1: dynamodb:UpdateItem and dynamodb:GetItem on the counting attributes of the DynamoDB table AlexaSkillMailLimit only',
    );
    expect(result.stdout).toContain(
      'attachment         created       AlexaSkillMailLimit is attached to AlexaSkillMailSender',
    );
    expect(statuses(result.stdout)['key file setting']).toBe('updated');

    const { iam, dynamoDb } = world.fake;
    expect(dynamoDb.snapshot()).toEqual({
      [REGION]: {
        [TABLE]: {
          status: 'ACTIVE',
          billingMode: 'PAY_PER_REQUEST',
          // AWS takes up to an hour to finish turning Time to Live on.
          timeToLive: 'ENABLING expiresAt',
          tags: { 'managed-by': 'alexa-ses-mailer' },
        },
      },
    });
    expect([...iam.users.get(USER)!.attachedPolicies].sort()).toEqual([ACCESS_ARN, GUARD_ARN, LIMIT_ARN]);
    expect(documentOf(world.fake, LIMIT_ARN)).toEqual(LIMIT_DOCUMENT);
    expect(iam.policies.get(LIMIT_ARN)!.tags.get('managed-by')).toBe('alexa-ses-mailer');
    // The mail policy is untouched by the table: still exactly the two SES actions.
    expect(documentOf(world.fake, ACCESS_ARN)).toEqual(
      buildMailAccessPolicy({ region: REGION, accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM }),
    );
    expect(await readCredentialsFile(world.outFile)).toMatchObject({
      SES_ACCESS_KEY_ID: iam.users.get(USER)!.accessKeys[0]!.accessKeyId,
      MAIL_LIMIT_TABLE: TABLE,
    });
  });

  it('changes nothing when run again, with the flag or without it', async () => {
    await provision();
    const before = world.fake.mutatingCalls().length;

    const again = await provision();
    expect(again.code).toBe(0);
    expect(statuses(again.stdout)).toMatchObject({
      'limit table': 'exists',
      'row expiry': 'exists',
      policy: 'exists',
      attachment: 'exists',
      'key file setting': 'exists',
    });

    // A later run without --limit-table (a key rotation, say) keeps the table the key file records.
    const without = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(without.code).toBe(0);
    expect(without.stdout).toContain(
      `limit table        exists        ${TABLE} (recorded in ${world.outFile}: the deployed skill counts there), paid per request`,
    );
    expect(without.stdout).toContain(
      'permissions        checked       AlexaSkillMailSender can do nothing beyond AlexaSkillMailAccess and AlexaSkillMailLimit',
    );
    expect(world.fake.mutatingCalls()).toHaveLength(before);
    expect(await readCredentialsFile(world.outFile)).toMatchObject({ MAIL_LIMIT_TABLE: TABLE });
  });

  it('plans everything in a dry run and calls no mutating API', async () => {
    const result = await provision('--dry-run');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `limit table        would create  ${TABLE}, paid per request; rows expire through Time to Live on expiresAt`,
    );
    expect(statuses(result.stdout)['key file setting']).toBe('would update');
    expect(result.stdout).toContain('would create  attach AlexaSkillMailLimit to AlexaSkillMailSender');
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('adds the table to a key that already exists, and a later rotation keeps it in the key file', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const first = await readCredentialsFile(world.outFile);

    expect((await provision()).code).toBe(0);
    expect(await readCredentialsFile(world.outFile)).toEqual({ ...first, MAIL_LIMIT_TABLE: TABLE });

    expect((await world.run(['--from', FROM, '--out', world.outFile, '--rotate-key'])).code).toBe(0);
    const rotated = await readCredentialsFile(world.outFile);
    expect(rotated.SES_ACCESS_KEY_ID).not.toBe(first.SES_ACCESS_KEY_ID);
    expect(rotated.MAIL_LIMIT_TABLE).toBe(TABLE);
  });

  it('replaces the document an earlier version of this tool wrote, before the attribute condition', async () => {
    await provision();
    const policy = world.fake.iam.policies.get(LIMIT_ARN)!;
    const { Condition: _condition, ...unconditioned } = LIMIT_DOCUMENT.Statement[0]!;
    policy.versions.splice(0, 1, {
      ...policy.versions[0]!,
      document: JSON.stringify({ ...LIMIT_DOCUMENT, Statement: [unconditioned] }),
    });

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/policy +updated +AlexaSkillMailLimit v2 is the new default version/);
    expect(documentOf(world.fake, LIMIT_ARN)).toEqual(LIMIT_DOCUMENT);
    expect(policy.versions.map((version) => version.versionId)).toEqual(['v2']);
  });

  it('attaches the second policy through --group like the first', async () => {
    expect((await provision('--group', 'MailSenders')).code).toBe(0);

    const group = world.fake.iam.groups.get('MailSenders')!;
    expect([...group.attachedPolicies].sort()).toEqual([ACCESS_ARN, GUARD_ARN, LIMIT_ARN]);
    expect([...world.fake.iam.users.get(USER)!.attachedPolicies]).toEqual([]);
  });

  it('turns on Time to Live when a run was stopped after creating the table', async () => {
    world.fake.dynamoDb.addTable(REGION, TABLE, { keyName: 'userKey', tags: [MANAGED_TAG] });

    const result = await provision();
    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({ 'limit table': 'exists', 'row expiry': 'updated' });
    expect(world.fake.dynamoDb.snapshot()[REGION]?.[TABLE]?.timeToLive).toBe('ENABLING expiresAt');
  });

  it('removes the table with the rest at --teardown, after planning it in a dry run', async () => {
    await provision();

    const plan = await world.run(['--teardown', '--out', world.outFile, '--dry-run']);
    expect(plan.stdout).toContain(`limit table        would delete  ${TABLE} and the counts in it`);
    expect(world.fake.dynamoDb.snapshot()[REGION]?.[TABLE]).toBeDefined();

    const result = await world.run(['--teardown', '--out', world.outFile, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`limit table        deleted       ${TABLE} and the counts in it`);
    expect(world.fake.dynamoDb.snapshot()[REGION]).toEqual({});
    expect([...world.fake.iam.policies.keys()]).toEqual([]);
    expect(world.fake.iam.users.size).toBe(0);
  });
});

describe('--limit-table and what this tool did not make', () => {
  const world = useProvisionWorld();
  const provision = (...extra: string[]) =>
    world.run(['--from', FROM, '--out', world.outFile, '--limit-table', TABLE, ...extra]);

  it('refuses a table it did not create unless --adopt, then counts in it as it is and never deletes it', async () => {
    world.fake.dynamoDb.addTable(REGION, TABLE, { keyName: 'userKey' });

    const refused = await provision();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `Nothing was changed: this tool did not create the DynamoDB table ${TABLE}; run again with --adopt table to count in it`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);

    const adopted = await provision('--adopt');
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain(`limit table        exists        ${TABLE} (created outside this tool, adopted)`);
    expect(statuses(adopted.stdout)['row expiry']).toBe('warning');
    expect(world.fake.dynamoDb.snapshot()[REGION]?.[TABLE]?.timeToLive).toBe('DISABLED');

    const teardown = await world.run(['--teardown', '--out', world.outFile, '--yes']);
    expect(teardown.stdout).toContain(`limit table        skipped       ${TABLE} was created outside this tool`);
    expect(world.fake.dynamoDb.snapshot()[REGION]?.[TABLE]).toBeDefined();
  });

  it('refuses a table whose key the skill cannot use, even with --adopt', async () => {
    world.fake.dynamoDb.addTable(REGION, TABLE, { keyName: 'pk', tags: [MANAGED_TAG] });

    const result = await provision('--adopt');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The DynamoDB table ${TABLE} exists with a key the skill cannot use`);
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('puts its own AlexaSkillMailLimit back when someone widened it, and refuses any other DynamoDB grant', async () => {
    await provision();
    const policy = world.fake.iam.policies.get(LIMIT_ARN)!;
    const wider = JSON.stringify({
      ...LIMIT_DOCUMENT,
      Statement: [{ ...LIMIT_DOCUMENT.Statement[0], Action: ['dynamodb:*'] }],
    });
    world.fake.iam.addPolicyVersion(policy.arn, wider, true);

    // Without the flag too: the key file names the table, so the run grants the policy again.
    const without = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(without.code).toBe(0);
    expect(without.stdout).toContain(
      'policy             updated       AlexaSkillMailLimit v3 is the new default version: dynamodb:UpdateItem and dynamodb:GetItem on the counting attributes of the DynamoDB table AlexaSkillMailLimit only; v2, which allowed dynamodb:*, is deleted',
    );
    expect(policy.versions.map((version) => version.versionId)).toEqual(['v3']);
    expect(documentOf(world.fake, LIMIT_ARN)).toEqual(LIMIT_DOCUMENT);

    world.fake.iam.addPolicy(
      'TablesEverywhere',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: '*' }],
      }),
    );
    world.fake.iam.users.get(USER)!.attachedPolicies.add(`arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/TablesEverywhere`);
    const withFlag = await provision();
    expect(withFlag.code).toBe(1);
    expect(withFlag.stdout).toContain('the policy TablesEverywhere of AlexaSkillMailSender allows dynamodb:UpdateItem');
    expect(withFlag.stdout).not.toContain('the policy AlexaSkillMailLimit of');
  });
});

describe("the limit table's resource policy", () => {
  const world = useProvisionWorld();
  const USER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${USER}`;
  const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT_ID}:table/${TABLE}`;
  const putTablePolicy = (actions: string[]) => {
    const table = world.fake.dynamoDb.addTable(REGION, TABLE, { keyName: 'userKey', tags: [MANAGED_TAG] });
    table.resourcePolicy = {
      document: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: actions, Resource: TABLE_ARN }],
      }),
      revisionId: '1',
    };
    return table;
  };

  it('that lets the user do anything with the table refuses the run before any change, with the command that removes it', async () => {
    const table = putTablePolicy(['dynamodb:*']);

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--limit-table', TABLE]);

    expect(result.code).toBe(1);
    expect(statuses(result.stdout)['extra grant']).toBe('refused');
    expect(result.stdout).toContain(
      `the resource policy of the DynamoDB table ${TABLE} lets ${USER} (or anyone) do more than dynamodb:UpdateItem and dynamodb:GetItem: remove it with \`aws dynamodb delete-resource-policy --resource-arn ${TABLE_ARN} --region ${REGION}\``,
    );
    expect(result.stderr.trim()).toBe(
      `${USER} could do more than send mail and count: the limit table's resource policy, which this tool did not make (shown above), must go first, so no key was created and nothing was changed; remove it with the command shown, then run again.`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(table.resourcePolicy).toBeDefined();
    expect(world.fake.iam.users.get(USER)).toBeUndefined();
  });

  it('that lets the user only count in the table lets the run hand out its key', async () => {
    putTablePolicy(['dynamodb:GetItem', 'dynamodb:UpdateItem']);

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--limit-table', TABLE]);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)['access key']).toBe('created');
  });
});
