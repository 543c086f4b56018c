// The permission check on IAM grants, before any change and again once the new key exists:
// everything AlexaSkillMailSender is (or, through --group, will be) allowed by its own and its
// groups' attached and inline policies, and by the roles whose trust policy lets it assume them
// (trustPolicy.ts). Anything beyond the policies this run grants stops the run, each extra grant
// named with the command that removes it: the key must never be able to do more than send mail.
//
// "Beyond" is decided by what each document is, without a policy simulator: a policy this run
// grants, at this tool's ARN, is accepted; any other document with an Allow statement is an extra
// grant, whatever it allows; Deny statements alone grant nothing. Every version of a managed policy
// counts, not only the default: one SetDefaultPolicyVersion makes any of them the default. A
// boundary only narrows what the policies grant, so it is never counted as a grant.

import {
  type AttachedPolicy,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  paginateListRoles,
  type Role,
} from '@aws-sdk/client-iam';
import { type Finding, finding, Refusal } from './change.ts';
import { type Account, all, type StepContext } from './context.ts';
import type { GrantedPolicy } from './managedPolicies.ts';
import { USER_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import { decodePolicyDocument, describeAllowed, samePolicyDocument } from './policyDocument.ts';
import type { KeyRefusal } from './resources/accessKey.ts';
import { type GroupState, readGroup } from './resources/attachments.ts';
import {
  grantedStates,
  type PolicyChangesMade,
  type PolicyFound,
  type PolicyState,
  type PolicyVersionFound,
  readPolicyVersions,
  readToolPolicies,
} from './resources/policies.ts';
import type { RoleState } from './resources/role.ts';
import { readUser, type UserState } from './resources/user.ts';
import { denyStatement, trustReach } from './trustPolicy.ts';

interface ExtraGrant {
  /** "the policy AdministratorAccess, attached to AlexaSkillMailSender". */
  readonly what: string;
  /** What it allows, in a few words. */
  readonly allows: string;
  /** How to take it away from the user: "remove it with `aws iam …`". */
  readonly remedy: string;
}

/** A policy of the user, a group or the role, with what each of its versions says. */
export type HeldPolicy =
  | {
      readonly kind: 'attached';
      readonly arn: string;
      readonly name: string;
      /** Absent for one of this tool's policies: the state's tool policies hold its versions. */
      readonly versions?: readonly PolicyVersionFound[];
    }
  | { readonly kind: 'inline'; readonly name: string; readonly document: unknown };

/** Everything besides this tool's policies that may give the user a permission. */
export interface GrantState {
  readonly user: readonly HeldPolicy[];
  /** The user's groups other than the --group group. */
  readonly groups: readonly { readonly name: string; readonly policies: readonly HeldPolicy[] }[];
  /** The --group group's policies, once it exists. */
  readonly group: readonly HeldPolicy[];
  readonly roles: readonly Role[];
}

// AWS's own policies (account "aws") have versions too, but only AWS can choose their default.
const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

async function readVersions(context: StepContext, arn: string): Promise<PolicyVersionFound[]> {
  if (!AWS_MANAGED.test(arn)) return readPolicyVersions(context, arn);
  const { aws } = context;
  const VersionId = (await aws.iam.read(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
  const version = await aws.iam.read(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId }));
  return [{ id: VersionId ?? '', isDefault: true, document: decodePolicyDocument(version.PolicyVersion?.Document) }];
}

/** The attached policies, then the inline ones, whose documents `readInline` answers as IAM encodes them. */
async function readHeld(
  context: StepContext,
  attached: readonly AttachedPolicy[],
  toolArns: ReadonlySet<string>,
  inline: readonly string[],
  readInline: (name: string) => Promise<{ PolicyDocument?: string | undefined }>,
): Promise<HeldPolicy[]> {
  const held: HeldPolicy[] = [];
  for (const { PolicyArn: arn = '', PolicyName: name = '' } of attached)
    held.push({
      kind: 'attached',
      arn,
      name,
      ...(toolArns.has(arn) ? {} : { versions: await readVersions(context, arn) }),
    });
  for (const name of inline) {
    const document = decodePolicyDocument((await readInline(name)).PolicyDocument);
    held.push({ kind: 'inline', name, document });
  }
  return held;
}

function readGroupPolicies(context: StepContext, group: GroupState, toolArns: ReadonlySet<string>) {
  return readHeld(context, group.attached, toolArns, group.inline, (PolicyName) =>
    context.aws.iam.read(new GetGroupPolicyCommand({ GroupName: group.name, PolicyName })),
  );
}

async function readGrants(
  context: StepContext,
  user: UserState,
  group: GroupState | undefined,
  toolPolicies: readonly PolicyFound[],
): Promise<GrantState> {
  const { clients, aws } = context;
  const toolArns = new Set(toolPolicies.map((policy) => policy.arn));
  const userPolicies = await readHeld(context, user.attached, toolArns, user.inline, (PolicyName) =>
    aws.iam.read(new GetUserPolicyCommand({ UserName: USER_NAME, PolicyName })),
  );
  const groups = [];
  // The --group group is read on its own, whether the user is in it yet or not.
  for (const name of user.groups.map((member) => member.GroupName ?? '').filter((name) => name !== group?.name))
    groups.push({ name, policies: await readGroupPolicies(context, await readGroup(context, name), toolArns) });
  return {
    user: userPolicies,
    groups,
    group: group?.exists ? await readGroupPolicies(context, group, toolArns) : [],
    roles: await aws.read('iam:ListRoles', () =>
      all(paginateListRoles({ client: clients.iam }, {}), (page) => page.Roles),
    ),
  };
}

/** The role's attached and inline policies (--hosted-role-arn), read as the user's are. */
export async function readRoleGrants(
  context: StepContext,
  role: RoleState,
  toolPolicies: readonly PolicyFound[],
): Promise<HeldPolicy[]> {
  // The role's inline documents are read with it (resources/role.ts).
  const toolArns = new Set(toolPolicies.map((policy) => policy.arn));
  const held = await readHeld(context, role.attached, toolArns, [], async () => ({}));
  return [...held, ...role.inline.map(({ name, document }) => ({ kind: 'inline' as const, name, document }))];
}

/** What a managed policy allows, in any of its versions; `undefined`: nothing. */
function managedAllows(versions: readonly PolicyVersionFound[]): string | undefined {
  const allows = describeAllowed(versions.find((version) => version.isDefault)?.document);
  if (allows) return allows;
  const dormant = versions.find((version) => !version.isDefault && describeAllowed(version.document));
  return dormant && `${describeAllowed(dormant.document)} in its version ${dormant.id}, which is not the default yet`;
}

/**
 * When the audit runs: before the run's changes, when a version this tool wrote into a policy it
 * created is one the run deletes (resources/policies.ts), and the default version is one the run
 * rewrites; or after them, when nothing deletes or rewrites anything any more, so every version
 * that is not exactly this run's document counts.
 */
export type AuditMoment = 'before the changes' | 'after the changes';

/** The versions of a policy this run grants that go beyond this run's document, yet allow something. */
function versionsBeyond(state: PolicyState, moment: AuditMoment): PolicyVersionFound[] {
  return state.versions.filter((version) => {
    if (samePolicyDocument(version.document, state.policy.document)) return false;
    if (describeAllowed(version.document) === undefined) return false;
    if (moment === 'after the changes') return true;
    return !version.isDefault && !(state.managed && state.policy.writtenByThisTool(version.document));
  });
}

/** What the audit looks at: the user, this run's policies as IAM holds them, and what else grants it anything. */
export interface AuditSubject {
  readonly account: Account;
  readonly user: UserState;
  readonly toolPolicies: readonly PolicyFound[];
  readonly policies: readonly PolicyState[];
  readonly group: GroupState | undefined;
  readonly grants: GrantState;
}

const awsIam = (options: ProvisionOptions, command: string) =>
  `\`aws iam ${command}${options.profile ? ` --profile ${options.profile}` : ''}\``;

/** The command that takes a held policy off its holder. */
const takeOff = (options: ProvisionOptions, kind: 'user' | 'group' | 'role', name: string) => (policy: HeldPolicy) => {
  const command =
    policy.kind === 'attached'
      ? `detach-${kind}-policy --${kind}-name ${name} --policy-arn ${policy.arn}`
      : `delete-${kind}-policy --${kind}-name ${name} --policy-name ${policy.name}`;
  return `remove it with ${awsIam(options, command)}`;
};

/** The held policies that grant something beyond this run's policies: "the policy NAME ${holder}" each. */
function heldBeyond(
  held: readonly HeldPolicy[],
  subject: Pick<AuditSubject, 'policies' | 'toolPolicies'>,
  holder: string,
  remedy: (policy: HeldPolicy) => string,
): ExtraGrant[] {
  const grantedArns = new Set(subject.policies.map((state) => state.arn));
  const toolVersions = (arn: string) => subject.toolPolicies.find((tool) => tool.arn === arn)?.versions ?? [];
  return held.flatMap((policy) => {
    const allows =
      policy.kind === 'inline'
        ? describeAllowed(policy.document)
        : grantedArns.has(policy.arn)
          ? undefined
          : managedAllows(policy.versions ?? toolVersions(policy.arn));
    const word = policy.kind === 'attached' ? 'the policy' : 'the inline policy';
    return allows ? [{ what: `${word} ${policy.name} ${holder}`, allows, remedy: remedy(policy) }] : [];
  });
}

/** Every grant beyond this run's policies. */
function findExtraGrants(subject: AuditSubject, options: ProvisionOptions, moment: AuditMoment): ExtraGrant[] {
  const { account, user, policies, group, grants } = subject;
  const extras: ExtraGrant[] = policies.flatMap((state) =>
    versionsBeyond(state, moment).map((version) => {
      const allows = describeAllowed(version.document) ?? '';
      if (version.isDefault)
        return {
          what: `the default version ${version.id} of ${state.name}, which is not the document this run wrote,`,
          allows,
          remedy: `run again, and its "policy" step writes this run's document as the default version again`,
        };
      // Such a version, in a policy this tool created, is one the next run deletes before any key.
      const runDeletes = state.managed && state.policy.writtenByThisTool(version.document);
      const command = `delete-policy-version --policy-arn ${state.arn} --version-id ${version.id}`;
      return {
        what: `the version ${version.id} of ${state.name}, which is not its default version (one SetDefaultPolicyVersion makes it so),`,
        allows,
        remedy: `remove it with ${awsIam(options, command)}${runDeletes ? ' (a run also deletes it, in its "policy version" step)' : ''}`,
      };
    }),
  );
  extras.push(...heldBeyond(grants.user, subject, `of ${USER_NAME}`, takeOff(options, 'user', USER_NAME)));
  for (const { name, policies: held } of grants.groups) {
    const leave = awsIam(options, `remove-user-from-group --group-name ${name} --user-name ${USER_NAME}`);
    const holder = `of the group ${name}, which ${USER_NAME} is in,`;
    extras.push(...heldBeyond(held, subject, holder, () => `remove it with ${leave}`));
  }
  if (group) {
    const remedy = takeOff(options, 'group', group.name);
    const holder = `of the group ${group.name} (--group)`;
    extras.push(
      ...heldBeyond(grants.group, subject, holder, (policy) => `${remedy(policy)}, or choose another --group`),
    );
  }
  // CreateUser makes it at the path "/" (resources/user.ts).
  const arn = user.arn ?? `arn:${account.partition}:iam::${account.accountId}:user/${USER_NAME}`;
  for (const role of grants.roles) {
    const name = role.RoleName ?? '';
    const reach = trustReach(
      decodePolicyDocument(role.AssumeRolePolicyDocument),
      { ...user, arnOnceCreated: arn },
      USER_NAME,
    );
    if (!reach) continue;
    const update = awsIam(
      options,
      `update-assume-role-policy --role-name ${name} --policy-document file://TRUST-POLICY.json`,
    );
    extras.push({
      what: `the role ${name}, whose trust policy ${reach.reason},`,
      allows: `${USER_NAME} to assume it, and with it whatever the role may do`,
      remedy:
        reach.by === 'name'
          ? `take ${USER_NAME} out of its trust policy with ${update} (${awsIam(options, `get-role --role-name ${name}`)} shows it)`
          : `name the principals it trusts instead of "*", or add to it the statement ${JSON.stringify(denyStatement(arn))}, which IAM accepts even before ${USER_NAME} exists, with ${update}`,
    });
  }
  return extras;
}

/** One line per extra grant. */
function extraGrantFindings(extras: readonly ExtraGrant[]): Finding[] {
  return extras.map((extra) =>
    finding('extra grant', 'refused', `${extra.what} allows ${extra.allows}: ${extra.remedy}`),
  );
}

/** The sentence's parts that count the extra grants: "one grant that this tool did not make (listed above)". */
function counted(extras: readonly ExtraGrant[]): { grants: string; remove: string } {
  const one = extras.length === 1;
  return {
    grants: `${one ? 'one grant' : `${extras.length} grants`} that this tool did not make (listed above)`,
    remove: `remove ${one ? 'it' : 'them'} with the ${one ? 'command' : 'commands'} shown, then run again.`,
  };
}

/** Stops the run, naming each extra grant of `who`, if there is one; else the line that says it was checked. */
function refuseOrChecked(who: string, extras: readonly ExtraGrant[], changed: string, beyond: readonly PolicyState[]) {
  if (extras.length > 0) {
    const { grants, remove } = counted(extras);
    throw new Refusal(
      extraGrantFindings(extras),
      `${who} could do more than send mail: ${grants} must go first, so ${changed}; ${remove}`,
    );
  }
  return finding(
    'permissions',
    'checked',
    `${who} can do nothing beyond ${beyond.map((policy) => policy.name).join(' and ')}`,
  );
}

/** Before any change: the run refused if the user could do more than send mail. */
export function auditPermissions(subject: AuditSubject, options: ProvisionOptions): Finding[] {
  const extras = findExtraGrants(subject, options, 'before the changes');
  const attached = subject.policies.filter((state) => !state.policy.boundary);
  const checked = refuseOrChecked(USER_NAME, extras, 'no key was created and nothing was changed', attached);
  return subject.user.exists || subject.group?.exists ? [checked] : [];
}

/**
 * Before any change, with --hosted-role-arn: whoever assumes the role must not be able to do more
 * than send mail either. Its trust policy is checked on its own (resources/role.ts), and its
 * boundary is this tool's or refused before this (resources/boundary.ts).
 */
export function auditRole(
  roleName: string,
  role: RoleState,
  held: readonly HeldPolicy[],
  subject: Pick<AuditSubject, 'policies' | 'toolPolicies'>,
  options: ProvisionOptions,
): Finding[] {
  if (!role.exists) return [];
  const extras = heldBeyond(held, subject, `of ${roleName}`, takeOff(options, 'role', roleName));
  return [refuseOrChecked(roleName, extras, 'nothing was changed', subject.policies)];
}

/** The pauses before reading IAM again when the check after the changes finds a grant: three reads over about 5 s. */
export const REREAD_PAUSES_MS: readonly number[] = [1000, 4000];

/** Reads what the audit looks at, with `made`: what this run changed of its policies (IAM may not show it yet). */
export async function readAuditSubject(
  context: StepContext,
  account: Account,
  granted: readonly GrantedPolicy[],
  made?: PolicyChangesMade,
  toolPolicies?: readonly PolicyFound[],
): Promise<AuditSubject> {
  const { group: groupName } = context.options;
  const tools = toolPolicies ?? (await readToolPolicies(context, account, made));
  const user = await readUser(context);
  const group = groupName ? await readGroup(context, groupName) : undefined;
  return {
    account,
    user,
    toolPolicies: tools,
    policies: grantedStates(tools, granted),
    group,
    grants: await readGrants(context, user, group, tools),
  };
}

/**
 * The permission check once more, on what IAM holds after the run's changes; why the key must not be
 * handed out, if so. IAM is eventually consistent: the check leaves out the stale views of what the
 * run itself did, and reads again a few times before it counts anything else.
 */
export async function checkAfterChanges(
  context: StepContext,
  account: Account,
  granted: readonly GrantedPolicy[],
  made: PolicyChangesMade,
): Promise<KeyRefusal> {
  const { report, options } = context;
  const read = async () =>
    findExtraGrants(await readAuditSubject(context, account, granted, made), options, 'after the changes');
  let extras = await read();
  // A grant that is still there after a few seconds is no longer a read that lags behind a change.
  for (const pause of REREAD_PAUSES_MS) {
    if (extras.length === 0) break;
    report.step(
      'permissions',
      'checked',
      `IAM still shows ${extras.length === 1 ? 'a grant' : `${extras.length} grants`} beyond this run's; it can take a few seconds to show a change everywhere, so it is read again in ${pause / 1000} s`,
    );
    await context.wait(pause);
    extras = await read();
  }
  if (extras.length === 0) {
    report.step('permissions', 'checked', `again, with the changes made: still nothing beyond what this run grants`);
    return undefined;
  }
  for (const line of extraGrantFindings(extras)) report.print(line);
  const { grants, remove } = counted(extras);
  return (fate) =>
    `${USER_NAME} was given more than sending mail while this run made its changes: ${grants}; ${fate}; ${remove}`;
}
