// The permission check on IAM grants (not to be confused with devtools/repositoryChecks, the npm and licence
// checks). Before any change, and again once the new key exists: everything AlexaSkillMailSender
// is (or, through --group, will be) allowed, from its attached and inline policies, its groups' attached
// and inline policies, its permissions boundary, and the roles whose trust policy lets it assume
// them (trustPolicy.ts). Anything beyond the policies this run grants
// stops the run, each extra grant named with the command that removes it: the key must never be
// able to do more than send mail.
//
// "Beyond" is decided without a policy simulator, by what each document is: a policy this run grants
// (managedPolicies.ts), at this tool's ARN, is accepted; any other document that has an Allow
// statement is an extra grant, whatever it allows; a document of Deny statements only grants
// nothing. Every version of a managed policy counts, not only the default one: one
// SetDefaultPolicyVersion makes any of them the default (after the changes, nothing deletes a
// version any more, so every one of this run's policies that is not this run's document counts,
// save the versions the run deleted, which a read may list for a moment still: resources/policies.ts). A
// boundary only ever narrows what the policies grant, so it is reported and never counted as a grant.

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

export interface ExtraGrant {
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

async function readAttached(
  context: StepContext,
  attached: readonly AttachedPolicy[],
  toolArns: ReadonlySet<string>,
): Promise<HeldPolicy[]> {
  const { aws } = context;
  const held: HeldPolicy[] = [];
  for (const policy of attached) {
    const arn = policy.PolicyArn ?? '';
    const name = policy.PolicyName ?? '';
    if (toolArns.has(arn)) {
      held.push({ kind: 'attached', arn, name });
    } else if (AWS_MANAGED.test(arn)) {
      const found = await aws.iam.read(new GetPolicyCommand({ PolicyArn: arn }));
      const VersionId = found.Policy?.DefaultVersionId;
      const version = await aws.iam.read(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId }));
      const document = decodePolicyDocument(version.PolicyVersion?.Document);
      held.push({ kind: 'attached', arn, name, versions: [{ id: VersionId ?? '', isDefault: true, document }] });
    } else {
      held.push({ kind: 'attached', arn, name, versions: await readPolicyVersions(context, arn) });
    }
  }
  return held;
}

async function readGroupPolicies(
  context: StepContext,
  { name: GroupName, attached, inline }: GroupState,
  toolArns: ReadonlySet<string>,
): Promise<HeldPolicy[]> {
  const held = await readAttached(context, attached, toolArns);
  for (const PolicyName of inline) {
    const answer = await context.aws.iam.read(new GetGroupPolicyCommand({ GroupName, PolicyName }));
    held.push({ kind: 'inline', name: PolicyName, document: decodePolicyDocument(answer.PolicyDocument) });
  }
  return held;
}

export async function readGrants(
  context: StepContext,
  user: UserState,
  group: GroupState | undefined,
  toolPolicies: readonly PolicyFound[],
): Promise<GrantState> {
  const { clients, aws } = context;
  const toolArns = new Set(toolPolicies.map((policy) => policy.arn));
  const userPolicies = await readAttached(context, user.attached, toolArns);
  for (const PolicyName of user.inline) {
    const answer = await aws.iam.read(new GetUserPolicyCommand({ UserName: USER_NAME, PolicyName }));
    userPolicies.push({ kind: 'inline', name: PolicyName, document: decodePolicyDocument(answer.PolicyDocument) });
  }
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

const policyWord = (held: HeldPolicy) => (held.kind === 'attached' ? 'the policy' : 'the inline policy');

/** What a held policy allows beyond this run's grants; `undefined` when it is one of them or grants nothing. */
function allowedBeyondGrants(
  held: HeldPolicy,
  grantedArns: ReadonlySet<string>,
  toolPolicies: readonly PolicyFound[],
): string | undefined {
  if (held.kind === 'inline') return describeAllowed(held.document);
  if (grantedArns.has(held.arn)) return undefined;
  return managedAllows(held.versions ?? toolPolicies.find((policy) => policy.arn === held.arn)?.versions ?? []);
}

/** What a managed policy allows, in any of its versions; `undefined`: nothing. */
function managedAllows(versions: readonly PolicyVersionFound[]): string | undefined {
  const current = versions.find((version) => version.isDefault);
  const allows = describeAllowed(current?.document);
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

/** Every grant beyond this run's policies. */
export function findExtraGrants(
  { account, user, toolPolicies, policies, group, grants }: AuditSubject,
  options: ProvisionOptions,
  moment: AuditMoment,
): ExtraGrant[] {
  const grantedArns = new Set(policies.map((state) => state.arn));
  const awsIam = (command: string) => `\`aws iam ${command}${options.profile ? ` --profile ${options.profile}` : ''}\``;
  const removeWith = (command: string) => `remove it with ${awsIam(command)}`;
  const extras: ExtraGrant[] = [];
  const allowedBeyond = (held: HeldPolicy) => allowedBeyondGrants(held, grantedArns, toolPolicies);

  for (const state of policies) {
    for (const version of versionsBeyond(state, moment)) {
      const allows = describeAllowed(version.document) ?? '';
      if (version.isDefault) {
        extras.push({
          what: `the default version ${version.id} of ${state.name}, which is not the document this run wrote,`,
          allows,
          remedy: `run again, and its "policy" step writes this run's document as the default version again`,
        });
        continue;
      }
      // Such a version, in a policy this tool created, is one the next run deletes before any key.
      const runDeletes = state.managed && state.policy.writtenByThisTool(version.document);
      extras.push({
        what: `the version ${version.id} of ${state.name}, which is not its default version (one SetDefaultPolicyVersion makes it so),`,
        allows,
        remedy: `${removeWith(`delete-policy-version --policy-arn ${state.arn} --version-id ${version.id}`)}${
          runDeletes ? ' (a run also deletes it, in its "policy version" step)' : ''
        }`,
      });
    }
  }
  for (const held of grants.user) {
    const allows = allowedBeyond(held);
    if (!allows) continue;
    extras.push({
      what: `${policyWord(held)} ${held.name} of ${USER_NAME}`,
      allows,
      remedy:
        held.kind === 'attached'
          ? removeWith(`detach-user-policy --user-name ${USER_NAME} --policy-arn ${held.arn}`)
          : removeWith(`delete-user-policy --user-name ${USER_NAME} --policy-name ${held.name}`),
    });
  }
  for (const { name, policies: held } of grants.groups) {
    for (const policy of held) {
      const allows = allowedBeyond(policy);
      if (!allows) continue;
      extras.push({
        what: `${policyWord(policy)} ${policy.name} of the group ${name}, which ${USER_NAME} is in,`,
        allows,
        remedy: removeWith(`remove-user-from-group --group-name ${name} --user-name ${USER_NAME}`),
      });
    }
  }
  for (const held of grants.group) {
    const allows = allowedBeyond(held);
    if (!allows || !group) continue;
    extras.push({
      what: `${policyWord(held)} ${held.name} of the group ${group.name} (--group)`,
      allows,
      remedy: `${
        held.kind === 'attached'
          ? removeWith(`detach-group-policy --group-name ${group.name} --policy-arn ${held.arn}`)
          : removeWith(`delete-group-policy --group-name ${group.name} --policy-name ${held.name}`)
      }, or choose another --group`,
    });
  }
  // CreateUser makes it at the path "/" (resources/user.ts).
  const arn = user.arn ?? `arn:${account.partition}:iam::${account.accountId}:user/${USER_NAME}`;
  const trusted = { ...user, arnOnceCreated: arn };
  for (const role of grants.roles) {
    const name = role.RoleName ?? '';
    const reach = trustReach(decodePolicyDocument(role.AssumeRolePolicyDocument), trusted, USER_NAME);
    if (!reach) continue;
    const update = awsIam(`update-assume-role-policy --role-name ${name} --policy-document file://TRUST-POLICY.json`);
    extras.push({
      what: `the role ${name}, whose trust policy ${reach.reason},`,
      allows: `${USER_NAME} to assume it, and with it whatever the role may do`,
      remedy:
        reach.by === 'name'
          ? `take ${USER_NAME} out of its trust policy with ${update} (${awsIam(`get-role --role-name ${name}`)} shows it)`
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

function count(extras: readonly ExtraGrant[]): { count: string; them: string; commands: string } {
  const one = extras.length === 1;
  return {
    count: one ? 'one grant' : `${extras.length} grants`,
    them: one ? 'it' : 'them',
    commands: one ? 'command' : 'commands',
  };
}

/** Before any change: the boundary said, and the run refused if the user could do more than send mail. */
export function auditPermissions(subject: AuditSubject, options: ProvisionOptions): Finding[] {
  const { user, policies, group } = subject;
  const findings: Finding[] = [];
  const extras = findExtraGrants(subject, options, 'before the changes');
  if (extras.length > 0) {
    const words = count(extras);
    throw new Refusal(
      [...findings, ...extraGrantFindings(extras)],
      `${USER_NAME} could do more than send mail: ${words.count} that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove ${words.them} with the ${words.commands} shown, then run again.`,
    );
  }
  if (user.exists || group?.exists)
    findings.push(
      finding(
        'permissions',
        'checked',
        `${USER_NAME} can do nothing beyond ${policies
          .filter((state) => !state.policy.boundary)
          .map((policy) => policy.name)
          .join(' and ')}`,
      ),
    );
  return findings;
}

/** The role's attached and inline policies (--hosted-role-arn), read as the user's are. */
export async function readRoleGrants(
  context: StepContext,
  role: RoleState,
  toolPolicies: readonly PolicyFound[],
): Promise<HeldPolicy[]> {
  const held = await readAttached(context, role.attached, new Set(toolPolicies.map((policy) => policy.arn)));
  for (const { name, document } of role.inline) held.push({ kind: 'inline', name, document });
  return held;
}

/**
 * Before any change, with --hosted-role-arn: whoever assumes the role must not be able to do more
 * than send mail either; its trust policy is checked on its own (resources/role.ts).
 */
export function auditRole(
  roleName: string,
  role: RoleState,
  held: readonly HeldPolicy[],
  subject: Pick<AuditSubject, 'policies' | 'toolPolicies'>,
  options: ProvisionOptions,
): Finding[] {
  if (!role.exists) return [];
  const grantedArns = new Set(subject.policies.map((state) => state.arn));
  const awsIam = (command: string) => `\`aws iam ${command}${options.profile ? ` --profile ${options.profile}` : ''}\``;
  const extras: ExtraGrant[] = [];
  for (const policy of held) {
    const allows = allowedBeyondGrants(policy, grantedArns, subject.toolPolicies);
    if (!allows) continue;
    extras.push({
      what: `${policyWord(policy)} ${policy.name} of ${roleName}`,
      allows,
      remedy: `remove it with ${
        policy.kind === 'attached'
          ? awsIam(`detach-role-policy --role-name ${roleName} --policy-arn ${policy.arn}`)
          : awsIam(`delete-role-policy --role-name ${roleName} --policy-name ${policy.name}`)
      }`,
    });
  }
  // Its boundary is this tool's or refused before this (resources/boundary.ts), and is said by the plan.
  const findings: Finding[] = [];
  if (extras.length > 0) {
    const words = count(extras);
    throw new Refusal(
      [...findings, ...extraGrantFindings(extras)],
      `${roleName} could do more than send mail: ${words.count} that this tool did not make (listed above) must go first, so nothing was changed; remove ${words.them} with the ${words.commands} shown, then run again.`,
    );
  }
  return [
    ...findings,
    finding(
      'permissions',
      'checked',
      `${roleName} can do nothing beyond ${subject.policies.map((policy) => policy.name).join(' and ')}`,
    ),
  ];
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
  const words = count(extras);
  return (fate) =>
    `${USER_NAME} was given more than sending mail while this run made its changes: ${words.count} that this tool did not make (listed above); ${fate}; remove ${words.them} with the ${words.commands} shown, then run again.`;
}
