// The teardown plan computed from a hand-built account state, without any server: a dry run lists
// exactly the deletions a real run then makes, in the order IAM requires, and leaves what this
// tool did not make.

import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../../ops/provision/apply.ts';
import { managedPolicyArn } from '../../../../ops/provision/managedPolicies.ts';
import { MANAGED_TAG } from '../../../../ops/provision/names.ts';
import { type ProvisionOptions, parseCommand } from '../../../../ops/provision/options.ts';
import type { PolicyFound } from '../../../../ops/provision/resources/policies.ts';
import { NO_ROLE, type RoleState } from '../../../../ops/provision/resources/role.ts';
import { NO_USER } from '../../../../ops/provision/resources/user.ts';
import type { TeardownState } from '../../../../ops/provision/state.ts';
import { planTeardown } from '../../../../ops/provision/teardown.ts';
import { standInContext, stepLines } from '../../../helpers/provisionHarness.ts';

const OUT = '/nonexistent/teardown-plan-test/AlexaSkillMailSender.json';
const ACCOUNT = { accountId: '111122223333', partition: 'aws', callerArn: 'arn:aws:iam::111122223333:user/admin' };
const USER = 'AlexaSkillMailSender';

function optionsOf(...extra: string[]): ProvisionOptions {
  const parsed = parseCommand(['--teardown', '--yes', '--out', OUT, ...extra], {});
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.options;
}

function policy(name: string, found: Partial<PolicyFound> = {}): PolicyFound {
  const arn = managedPolicyArn(ACCOUNT, name);
  return {
    name,
    arn,
    exists: false,
    managed: false,
    versions: [],
    holders: { users: [], groups: [], roles: [] },
    otherHolders: [],
    ...found,
  };
}

/** What a first run left, plus a key this tool did not save. */
const STATE: TeardownState = {
  account: ACCOUNT,
  toolPolicies: [
    policy('AlexaSkillMailAccess', {
      exists: true,
      managed: true,
      versions: [
        { id: 'v1', isDefault: false, document: {} },
        { id: 'v2', isDefault: true, document: {} },
      ],
      holders: { users: [USER], groups: [], roles: [] },
    }),
    policy('AlexaSkillMailLimit'),
  ],
  user: {
    ...NO_USER,
    exists: true,
    managed: true,
    tags: [MANAGED_TAG],
    attached: [{ PolicyArn: managedPolicyArn(ACCOUNT, 'AlexaSkillMailAccess'), PolicyName: 'AlexaSkillMailAccess' }],
  },
  keys: [
    { AccessKeyId: 'TEST-KEY-ID-SAVED-01', Status: 'Active' },
    { AccessKeyId: 'TEST-KEY-ID-OTHER-09', Status: 'Active' },
  ],
  groups: [],
  file: { exists: true, savedKeyIds: [], accessKeyId: 'TEST-KEY-ID-SAVED-01' },
  limitTables: [],
};

async function run(options: ProvisionOptions) {
  const { context, calls, printed } = standInContext(options);
  await applyPlan(
    context,
    planTeardown(STATE, options, async () => true),
  );
  return { lines: stepLines(printed()), calls };
}

describe('the teardown plan', () => {
  it('is printed by a dry run and carried out by a real run, line for line', async () => {
    const dry = await run(optionsOf('--dry-run'));
    const real = await run(optionsOf());

    expect(dry.lines).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  access key         would delete  TEST-KEY-ID-SAVED-01',
      '  access key         skipped       TEST…R-09 was not saved by this tool: left in place',
      '  attachment         would delete  AlexaSkillMailAccess from AlexaSkillMailSender',
      '  user               skipped       AlexaSkillMailSender also has access key TEST…R-09, which this tool did not add: left in place',
      '  policy             would delete  AlexaSkillMailAccess and its 1 older version(s)',
      `  credentials file   would delete  ${OUT} and its CSV (their key is deleted)`,
    ]);
    expect(dry.calls).toEqual([]);
    expect(real.lines).toEqual(dry.lines.map((line) => line.replace('would delete', 'deleted     ')));
    expect(real.calls).toEqual([
      'iam:DeleteAccessKey',
      'iam:DetachUserPolicy',
      'iam:DeletePolicyVersion',
      'iam:DeletePolicy',
    ]);
  });
});

describe('the teardown plan for the role of a hosted skill', () => {
  const ROLE = 'AlexaSkillMailSenderRole';
  const accessArn = managedPolicyArn(ACCOUNT, 'AlexaSkillMailAccess');
  /** What a --hosted-role-arn run left: the policy on the role and the boundary, an inline policy someone added, the file with the role. */
  const roleState = (role: Partial<RoleState> = {}): TeardownState => ({
    ...STATE,
    toolPolicies: [
      policy('AlexaSkillMailAccess', {
        exists: true,
        managed: true,
        versions: [{ id: 'v1', isDefault: true, document: {} }],
        holders: { users: [], groups: [], roles: [ROLE] },
      }),
      policy('AlexaSkillMailLimit'),
      policy('AlexaSkillMailBoundary', {
        exists: true,
        managed: true,
        versions: [{ id: 'v1', isDefault: true, document: {} }],
      }),
    ],
    user: NO_USER,
    keys: [],
    file: { exists: true, savedKeyIds: [] },
    role: {
      ...NO_ROLE,
      exists: true,
      managed: true,
      attached: [{ PolicyArn: accessArn, PolicyName: 'AlexaSkillMailAccess' }],
      permissionsBoundary: managedPolicyArn(ACCOUNT, 'AlexaSkillMailBoundary'),
      inline: [{ name: 'Notes', document: {} }],
      ...role,
    },
    roleRecorded: true,
  });

  it('takes off the boundary, detaches the policy, deletes the inline one and the role, then the policies and the file', async () => {
    const options = optionsOf();
    const { context, calls, printed } = standInContext(options);

    await applyPlan(
      context,
      planTeardown(roleState(), options, async () => true),
    );

    expect(stepLines(printed())).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  user               skipped       AlexaSkillMailSender does not exist',
      `  boundary           deleted       AlexaSkillMailBoundary, the permissions boundary of ${ROLE}`,
      `  role policy        deleted       AlexaSkillMailAccess from ${ROLE}`,
      `  role               deleted       ${ROLE} and its inline policies`,
      '  policy             deleted       AlexaSkillMailAccess',
      '  policy             deleted       AlexaSkillMailBoundary',
      `  credentials file   deleted       ${OUT} (its role is deleted)`,
    ]);
    expect(calls).toEqual([
      'iam:DeleteRolePermissionsBoundary',
      'iam:DetachRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:DeleteRole',
      'iam:DeletePolicy',
      'iam:DeletePolicy',
    ]);
  });

  it('leaves a role this tool did not create, and the policy attached to it', async () => {
    const options = optionsOf('--dry-run');
    const { context, calls, printed } = standInContext(options);

    await applyPlan(
      context,
      planTeardown(roleState({ managed: false }), options, async () => true),
    );

    expect(stepLines(printed())).toContain(
      `  role               skipped       ${ROLE} was created outside this tool: left in place`,
    );
    expect(stepLines(printed())).toContain(
      `  policy             skipped       AlexaSkillMailAccess is still attached to role ${ROLE}: left in place`,
    );
    expect(calls).toEqual([]);
  });
});
