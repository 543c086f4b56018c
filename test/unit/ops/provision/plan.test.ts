// The provisioning plan computed from hand-built account states, without any server: the lines a
// user sees for a fresh account, for an account where everything is in place, for a user this tool
// did not make; and a dry run's lines are the real run's, each "would …" made "…d".

import { describe, expect, it } from 'vitest';
import { hostedRoleTrustPolicy } from '../../../../lambda/mail/roleTrustPolicy.ts';
import { applyPlan } from '../../../../ops/provision/apply.ts';
import {
  attachedPolicies,
  grantedPolicies,
  MANAGED_POLICIES,
  managedPolicyArn,
} from '../../../../ops/provision/managedPolicies.ts';
import { MANAGED_TAG } from '../../../../ops/provision/names.ts';
import { type ProvisionOptions, parseCommand } from '../../../../ops/provision/options.ts';
import { planProvision, provisionSummary } from '../../../../ops/provision/plan.ts';
import { grantedStates, type PolicyFound } from '../../../../ops/provision/resources/policies.ts';
import { NO_ROLE, type RoleState } from '../../../../ops/provision/resources/role.ts';
import { NO_USER } from '../../../../ops/provision/resources/user.ts';
import type { ProvisionState } from '../../../../ops/provision/state.ts';
import { standInContext, stepLines } from '../../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const OUT = '/nonexistent/provision-plan-test/AlexaSkillMailSender.json';
const ACCOUNT = { accountId: '111122223333', partition: 'aws', callerArn: 'arn:aws:iam::111122223333:user/admin' };
const MAIL_ACCESS_ARN = managedPolicyArn(ACCOUNT, 'AlexaSkillMailAccess');
const MAIL_GUARD_ARN = managedPolicyArn(ACCOUNT, 'AlexaSkillMailGuard');

function optionsOf(...extra: string[]): ProvisionOptions {
  const parsed = parseCommand(['--from', FROM, '--out', OUT, ...extra], {});
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.options;
}

function absent(name: string): PolicyFound {
  const arn = managedPolicyArn(ACCOUNT, name);
  const holders = { users: [], groups: [], roles: [] };
  return { name, arn, exists: false, managed: false, versions: [], holders, otherHolders: [] };
}

/** An account state as readState would answer it; a fresh account unless `parts` says otherwise. */
function stateOf(options: ProvisionOptions, parts: Partial<ProvisionState> = {}): ProvisionState {
  const toolPolicies = parts.toolPolicies ?? MANAGED_POLICIES.map(({ name }) => absent(name));
  const granted = grantedPolicies({ account: ACCOUNT, options, fromAddress: FROM, senderDomainVerified: false });
  return {
    account: ACCOUNT,
    toolPolicies,
    granted,
    policies: grantedStates(toolPolicies, granted),
    user: NO_USER,
    group: undefined,
    grants: { user: [], groups: [], group: [], roles: [] },
    keys: [],
    file: { exists: false, savedKeyIds: [] },
    sender: { addressStatus: undefined, domainVerified: false },
    recipients: {},
    identityPolicies: [],
    sending: { sandbox: false, sendingEnabled: true, max24HourSend: 50000, maxSendRate: 14, sentLast24Hours: 0 },
    ...parts,
  };
}

/** Everything an earlier run made: the policies with this run's documents, the user, the attachments, the boundary, the key in its file. */
function provisionedState(options: ProvisionOptions): ProvisionState {
  const fresh = stateOf(options);
  const made = (name: string): PolicyFound => {
    const document = fresh.granted.find((policy) => policy.name === name)?.document;
    if (!document) return absent(name);
    const versions = [{ id: 'v1', isDefault: true, document }];
    return { ...absent(name), exists: true, managed: true, defaultVersionId: 'v1', document, versions };
  };
  const attached = attachedPolicies(fresh.granted).map(({ arn, name }) => ({ PolicyArn: arn, PolicyName: name }));
  return stateOf(options, {
    toolPolicies: MANAGED_POLICIES.map(({ name }) => made(name)),
    user: {
      ...NO_USER,
      exists: true,
      managed: true,
      tags: [MANAGED_TAG],
      attached,
      permissionsBoundary: managedPolicyArn(ACCOUNT, 'AlexaSkillMailBoundary'),
    },
    keys: [{ AccessKeyId: 'TEST-KEY-ID-SAVED-01', Status: 'Active' }],
    file: {
      exists: true,
      savedKeyIds: [],
      accessKeyId: 'TEST-KEY-ID-SAVED-01',
      region: 'us-east-1',
      fromAddress: FROM,
    },
    sender: { addressStatus: 'Success', domainVerified: false },
  });
}

/** Runs the plan with stand-in AWS clients whose changes answer `answers[permission]`; the printed lines and the calls. */
async function run(state: ProvisionState, options: ProvisionOptions, answers: Record<string, unknown> = {}) {
  const { context, calls, printed } = standInContext(options, answers);
  const { report } = context;
  const plan = planProvision(state, options);
  let failure: string | undefined;
  await applyPlan(context, plan).catch((error: Error) => {
    failure = error.message;
  });
  if (!failure) report.finish(provisionSummary(state, options, plan.outcomes, report));
  return { lines: stepLines(printed()), stdout: printed(), calls, failure };
}

describe('the plan for a fresh account', () => {
  it('is printed by a dry run as what a real run would create, in the order it creates it', async () => {
    const options = optionsOf('--dry-run');
    const { lines, calls, stdout } = await run(stateOf(options), options);

    expect(lines).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  sender             would create  ask SES (us-east-1) to send a verification mail to s***@example.com',
      '  SES sending        checked       production access (50000 mails a day, 14 a second, 0 sent in the last 24 hours)',
      '  policy             would create  AlexaSkillMailAccess: ses:SendEmail and ses:SendRawEmail from s***@example.com only',
      '  policy             would create  AlexaSkillMailGuard: denies all but ses:SendEmail and ses:SendRawEmail as s***@example.com, whatever else grants it',
      "  policy             would create  AlexaSkillMailBoundary: allows what this tool grants, with AlexaSkillMailGuard's Denies",
      '  user               would create  AlexaSkillMailSender, programmatic access only (no console password)',
      '  attachment         would create  attach AlexaSkillMailAccess to AlexaSkillMailSender',
      '  attachment         would create  attach AlexaSkillMailGuard to AlexaSkillMailSender',
      '  boundary           would create  AlexaSkillMailBoundary as the permissions boundary of AlexaSkillMailSender',
      '  access key         would create  a new key for AlexaSkillMailSender',
      `  credentials file   would create  ${OUT} and /nonexistent/provision-plan-test/AlexaSkillMailSender_accessKeys.csv, mode 0600`,
    ]);
    expect(calls).toEqual([]);
    expect(stdout).toContain(
      'Dry run: nothing was changed. Run the same command without --dry-run to make these changes.',
    );
  });
});

describe('the plan for an account where everything is in place', () => {
  it('changes nothing and says so', async () => {
    const options = optionsOf();
    const { lines, calls, stdout } = await run(provisionedState(options), options);

    expect(lines).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  permissions        checked       AlexaSkillMailSender can do nothing beyond AlexaSkillMailAccess and AlexaSkillMailGuard',
      '  sender             exists        s***@example.com is verified in SES (us-east-1)',
      '  SES sending        checked       production access (50000 mails a day, 14 a second, 0 sent in the last 24 hours)',
      '  policy             exists        AlexaSkillMailAccess v1: ses:SendEmail and ses:SendRawEmail from s***@example.com only',
      '  policy             exists        AlexaSkillMailGuard v1: denies all but ses:SendEmail and ses:SendRawEmail as s***@example.com, whatever else grants it',
      "  policy             exists        AlexaSkillMailBoundary v1: allows what this tool grants, with AlexaSkillMailGuard's Denies",
      '  user               exists        AlexaSkillMailSender',
      '  console password   checked       none: programmatic access only',
      '  attachment         exists        AlexaSkillMailAccess is attached to AlexaSkillMailSender',
      '  attachment         exists        AlexaSkillMailGuard is attached to AlexaSkillMailSender',
      '  boundary           exists        AlexaSkillMailBoundary bounds AlexaSkillMailSender',
      `  access key         exists        TEST-KEY-ID-SAVED-01, active; its secret is in ${OUT}`,
      `  credentials file   exists        ${OUT}, unchanged`,
    ]);
    expect(calls).toEqual([]);
    expect(stdout).toContain('Nothing to change: the policy, the user and its key are in place.');
  });
});

describe('a user of the same name that this tool did not make', () => {
  it('is refused before any change, with the sentence and exit the command gives', async () => {
    const options = optionsOf();
    const state = stateOf(options, { user: { ...NO_USER, exists: true } });

    const plan = planProvision(state, options);
    expect(plan.items.some((item) => 'action' in item)).toBe(false);
    const { lines, calls, failure } = await run(state, options);

    expect(lines).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  user               refused       AlexaSkillMailSender exists but this tool did not create it (no managed-by tag)',
    ]);
    expect(failure).toBe(
      "Nothing was changed: this tool did not create the user AlexaSkillMailSender, which already exists in the account; run again with --adopt user to use what exists as it is (the user's permissions are still checked, and --teardown will leave it in place), or delete what this tool did not create and run again.",
    );
    expect(calls).toEqual([]);
  });
});

describe('a dry run and the real run', () => {
  it('print the same steps from the same plan, the real run each change as made', async () => {
    // The key is kept (its file holds it), so the real run needs no check of a new key.
    const provisioned = provisionedState(optionsOf());
    const partly = (options: ProvisionOptions) =>
      stateOf(options, {
        ...provisioned,
        toolPolicies: MANAGED_POLICIES.map(({ name }) => absent(name)),
        policies: grantedStates(
          MANAGED_POLICIES.map(({ name }) => absent(name)),
          provisioned.granted,
        ),
        user: { ...NO_USER, exists: true, managed: true, tags: [MANAGED_TAG], consolePassword: true },
        sender: { addressStatus: undefined, domainVerified: false },
      });
    const dryOptions = optionsOf('--dry-run');
    const realOptions = optionsOf();

    const dry = await run(partly(dryOptions), dryOptions);
    const real = await run(partly(realOptions), realOptions, {
      'iam:CreatePolicy': { Policy: { DefaultVersionId: 'v1' } },
    });

    const stepAndStatus = (line: string) => [line.slice(2, 20).trim(), line.slice(21, 34).trim()];
    const asMade = (status: string) => status.replace(/^would (create|update|delete)$/, '$1d').replace('eed', 'ed');
    expect(real.lines.map(stepAndStatus)).toEqual(
      dry.lines.map(stepAndStatus).map(([step, status]) => [step, asMade(status ?? '')]),
    );
    expect(real.calls).toEqual([
      'ses:VerifyEmailIdentity',
      'iam:CreatePolicy',
      'iam:CreatePolicy',
      'iam:CreatePolicy',
      'iam:DeleteLoginProfile',
      'iam:AttachUserPolicy',
      'iam:AttachUserPolicy',
      'iam:PutUserPermissionsBoundary',
    ]);
    expect(real.lines).toContain(
      '  policy             created       AlexaSkillMailAccess v1: ses:SendEmail and ses:SendRawEmail from s***@example.com only',
    );
    expect(dry.lines).toContain(
      '  console password   would delete  AlexaSkillMailSender has one: programmatic access only',
    );
    expect(real.lines).toContain(
      '  console password   deleted       AlexaSkillMailSender is back to programmatic access only',
    );
  });
});

describe('the plan with --hosted-role-arn', () => {
  const HOSTED = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';
  const ROLE_ARN = 'arn:aws:iam::111122223333:role/AlexaSkillMailSenderRole';
  const hostedOptions = (...extra: string[]) => optionsOf('--hosted-role-arn', HOSTED, ...extra);
  // The guard's Denies go on the role too, as on the user.
  const attached = [
    { PolicyArn: MAIL_ACCESS_ARN, PolicyName: 'AlexaSkillMailAccess' },
    { PolicyArn: MAIL_GUARD_ARN, PolicyName: 'AlexaSkillMailGuard' },
  ];
  /** The role as an earlier run left it, with the external ID its file records. */
  const madeRole = (trustPolicy: unknown = hostedRoleTrustPolicy(HOSTED, 'recorded-id')): RoleState => ({
    exists: true,
    managed: true,
    arn: ROLE_ARN,
    trustPolicy,
    permissionsBoundary: managedPolicyArn(ACCOUNT, 'AlexaSkillMailBoundary'),
    attached,
    inline: [],
  });
  const recorded = {
    externalId: 'recorded-id',
    output: {
      SES_ROLE_ARN: ROLE_ARN,
      SES_ROLE_EXTERNAL_ID: 'recorded-id',
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    },
  };
  const inPlace = (options: ProvisionOptions, role: RoleState): ProvisionState => ({
    ...provisionedState(options),
    user: NO_USER,
    keys: [],
    file: { exists: true, savedKeyIds: [] },
    hostedRole: { role, held: [], recorded, externalId: 'recorded-id' },
  });

  it('creates the role, attaches the policy and records it, with no user and no key', async () => {
    const options = hostedOptions('--dry-run');
    const state = stateOf(options, {
      hostedRole: { role: NO_ROLE, held: [], recorded: { output: {} }, externalId: 'new-id' },
    });

    const { lines, calls, stdout } = await run(state, options);

    expect(lines).toEqual([
      '  account            checked       111122223333, signed in as arn:aws:iam::111122223333:user/admin',
      '  sender             would create  ask SES (us-east-1) to send a verification mail to s***@example.com',
      '  SES sending        checked       production access (50000 mails a day, 14 a second, 0 sent in the last 24 hours)',
      '  policy             would create  AlexaSkillMailAccess: ses:SendEmail and ses:SendRawEmail from s***@example.com only',
      '  policy             would create  AlexaSkillMailGuard: denies all but ses:SendEmail and ses:SendRawEmail as s***@example.com, whatever else grants it',
      "  policy             would create  AlexaSkillMailBoundary: allows what this tool grants, with AlexaSkillMailGuard's Denies",
      `  role               would create  AlexaSkillMailSenderRole, which only ${HOSTED} may assume, with the external ID in ${OUT}`,
      '  role policy        would create  attach AlexaSkillMailAccess to AlexaSkillMailSenderRole',
      '  role policy        would create  attach AlexaSkillMailGuard to AlexaSkillMailSenderRole',
      '  boundary           would create  AlexaSkillMailBoundary as the permissions boundary of AlexaSkillMailSenderRole',
      `  role settings      would create  SES_ROLE_ARN, SES_ROLE_EXTERNAL_ID, the sender and the region in ${OUT}, for \`npm run hosted\``,
    ]);
    expect(stdout).not.toContain('new-id');
    expect(calls).toEqual([]);
  });

  it('changes nothing when the role, its trust policy and the recorded settings are in place', async () => {
    const options = hostedOptions();

    const { lines, calls, stdout } = await run(inPlace(options, madeRole()), options);

    expect(lines.filter((line) => line.includes('Role') || line.includes('role'))).toEqual([
      '  permissions        checked       AlexaSkillMailSenderRole can do nothing beyond AlexaSkillMailAccess and AlexaSkillMailGuard and AlexaSkillMailBoundary',
      '  role               exists        AlexaSkillMailSenderRole',
      `  trust policy       exists        only ${HOSTED} may assume AlexaSkillMailSenderRole, with the external ID`,
      '  role policy        exists        AlexaSkillMailAccess is attached to AlexaSkillMailSenderRole',
      '  role policy        exists        AlexaSkillMailGuard is attached to AlexaSkillMailSenderRole',
      '  boundary           exists        AlexaSkillMailBoundary bounds AlexaSkillMailSenderRole',
      `  role settings      exists        ${OUT} records the role, its external ID, the sender and the region`,
    ]);
    expect(calls).toEqual([]);
    expect(stdout).toContain('Nothing to change: the policy, the role and its trust policy are in place.');
  });

  it('refuses a trust policy that lets in a second principal, before any change', () => {
    const options = hostedOptions();
    const widened = hostedRoleTrustPolicy(HOSTED, 'recorded-id');
    const role = madeRole({
      ...widened,
      Statement: [...widened.Statement, { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
    });

    const plan = planProvision(inPlace(options, role), options);

    expect(plan.items.some((item) => 'action' in item)).toBe(false);
    expect(plan.refusal).toMatch(/^Nothing was changed: the trust policy of AlexaSkillMailSenderRole lets someone/);
  });

  it('refuses a role with an inline policy that allows more, naming the command that deletes it', () => {
    const options = hostedOptions();
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const state = inPlace(options, madeRole());
    const hostedRole = state.hostedRole && {
      ...state.hostedRole,
      held: [{ kind: 'inline' as const, name: 'Extra', document }],
    };

    const plan = planProvision({ ...state, ...(hostedRole ? { hostedRole } : {}) }, options);

    expect(plan.refusal).toMatch(/^AlexaSkillMailSenderRole could do more than send mail/);
    expect(JSON.stringify(plan.items)).toContain(
      'aws iam delete-role-policy --role-name AlexaSkillMailSenderRole --policy-name Extra',
    );
  });
});
