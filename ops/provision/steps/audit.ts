// Before any change, and again once the new key exists: everything AlexaSkillMailSender is (or,
// through --group, will be) allowed, from its attached and inline policies, its groups' attached
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
// save the versions the run deleted, which a read may list for a moment still: toolPolicies.ts). A
// boundary only ever narrows what the policies grant, so it is reported and never counted as a grant.

import {
  type AttachedPolicy,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRoles,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { ProvisionError } from '../errors.ts';
import { USER_NAME } from '../names.ts';
import { decodePolicyDocument, describeAllowed, samePolicyDocument } from '../policyDocument.ts';
import { denyStatement, trustReach } from '../trustPolicy.ts';
import type { Account, StepContext } from './context.ts';
import type { GroupState } from './ownership.ts';
import { type PolicyState, type PolicyVersionFound, readPolicyVersions } from './toolPolicies.ts';
import type { UserState } from './user.ts';

export interface ExtraGrant {
  /** "the policy AdministratorAccess, attached to AlexaSkillMailSender". */
  readonly what: string;
  /** What it allows, in a few words. */
  readonly allows: string;
  /** How to take it away from the user: "remove it with `aws iam …`". */
  readonly remedy: string;
}

/** A policy of the user or of a group: an attached managed one (by ARN) or an inline one (by name). */
type HeldPolicy =
  | { readonly kind: 'attached'; readonly arn: string; readonly name: string }
  | { readonly kind: 'inline'; readonly name: string };

async function all<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

function client({ clients }: StepContext): { client: IAMClient } {
  return { client: clients.iam };
}

/** What ListAttached…Policies and List…Policies answered, as held policies. */
function heldPolicies(attached: readonly AttachedPolicy[], inline: readonly string[]): HeldPolicy[] {
  return [
    ...attached.map(
      (policy): HeldPolicy => ({ kind: 'attached', arn: policy.PolicyArn ?? '', name: policy.PolicyName ?? '' }),
    ),
    ...inline.map((name): HeldPolicy => ({ kind: 'inline', name })),
  ];
}

async function userPolicies(context: StepContext): Promise<HeldPolicy[]> {
  const attached = await context.aws.read('iam:ListAttachedUserPolicies', () =>
    all(paginateListAttachedUserPolicies(client(context), { UserName: USER_NAME }), (page) => page.AttachedPolicies),
  );
  const inline = await context.aws.read('iam:ListUserPolicies', () =>
    all(paginateListUserPolicies(client(context), { UserName: USER_NAME }), (page) => page.PolicyNames),
  );
  return heldPolicies(attached, inline);
}

async function groupPolicies(context: StepContext, group: string): Promise<HeldPolicy[]> {
  const attached = await context.aws.read('iam:ListAttachedGroupPolicies', () =>
    all(paginateListAttachedGroupPolicies(client(context), { GroupName: group }), (page) => page.AttachedPolicies),
  );
  const inline = await context.aws.read('iam:ListGroupPolicies', () =>
    all(paginateListGroupPolicies(client(context), { GroupName: group }), (page) => page.PolicyNames),
  );
  return heldPolicies(attached, inline);
}

/** What the run grants and to whom: the user, this run's policies as IAM holds them, and the --group group. */
export interface AuditSubject {
  readonly account: Account;
  readonly user: UserState;
  readonly policies: readonly PolicyState[];
  readonly group: GroupState | undefined;
}

// AWS's own policies (account "aws") have versions too, but only AWS can choose their default.
const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

async function defaultDocument(context: StepContext, arn: string): Promise<unknown> {
  const { clients, aws } = context;
  const policy = await aws.read('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  const version = await aws.read('iam:GetPolicyVersion', () =>
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId })),
  );
  return decodePolicyDocument(version.PolicyVersion?.Document);
}

/** What a managed policy that this run does not grant allows, in any of its versions; `undefined`: nothing. */
async function managedAllows(context: StepContext, arn: string): Promise<string | undefined> {
  if (AWS_MANAGED.test(arn)) return describeAllowed(await defaultDocument(context, arn));
  const versions = await readPolicyVersions(context, arn);
  const current = versions.find((version) => version.isDefault);
  const allows = describeAllowed(current?.document);
  if (allows) return allows;
  const dormant = versions.find((version) => !version.isDefault && describeAllowed(version.document));
  return dormant && `${describeAllowed(dormant.document)} in its version ${dormant.id}, which is not the default yet`;
}

/** What a held policy allows beyond this run's grants; `undefined` when it is one of them or grants nothing. */
async function allowedBeyond(
  context: StepContext,
  held: HeldPolicy,
  owner: { user: true } | { group: string },
  granted: ReadonlySet<string>,
): Promise<string | undefined> {
  const { clients, aws } = context;
  if (held.kind === 'attached') return granted.has(held.arn) ? undefined : managedAllows(context, held.arn);
  const answer =
    'user' in owner
      ? await aws.read('iam:GetUserPolicy', () =>
          clients.iam.send(new GetUserPolicyCommand({ UserName: USER_NAME, PolicyName: held.name })),
        )
      : await aws.read('iam:GetGroupPolicy', () =>
          clients.iam.send(new GetGroupPolicyCommand({ GroupName: owner.group, PolicyName: held.name })),
        );
  return describeAllowed(decodePolicyDocument(answer.PolicyDocument));
}

/**
 * When the audit runs: before the run's changes, when a version this tool wrote into a policy it
 * created is one the run deletes (steps/policy.ts), and the default version is one the run
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

/** The roles of the account whose trust policy lets the user assume them, each as an extra grant. */
async function trustingRoles(
  context: StepContext,
  account: Account,
  user: UserState,
  awsIam: (command: string) => string,
): Promise<ExtraGrant[]> {
  const roles = await context.aws.read('iam:ListRoles', () =>
    all(paginateListRoles(client(context), {}), (page) => page.Roles),
  );
  // CreateUser makes it at the path "/" (steps/user.ts).
  const arn = user.arn ?? `arn:${account.partition}:iam::${account.accountId}:user/${USER_NAME}`;
  const trusted = { ...user, arnOnceCreated: arn };
  return roles.flatMap((role): ExtraGrant[] => {
    const name = role.RoleName ?? '';
    const reach = trustReach(decodePolicyDocument(role.AssumeRolePolicyDocument), trusted, USER_NAME);
    if (!reach) return [];
    const update = awsIam(`update-assume-role-policy --role-name ${name} --policy-document file://TRUST-POLICY.json`);
    return [
      {
        what: `the role ${name}, whose trust policy ${reach.reason},`,
        allows: `${USER_NAME} to assume it, and with it whatever the role may do`,
        remedy:
          reach.by === 'name'
            ? `take ${USER_NAME} out of its trust policy with ${update} (${awsIam(`get-role --role-name ${name}`)} shows it)`
            : `name the principals it trusts instead of "*", or add to it the statement ${JSON.stringify(denyStatement(arn))}, which IAM accepts even before ${USER_NAME} exists, with ${update}`,
      },
    ];
  });
}

/** Every grant beyond this run's policies, without reporting anything. */
export async function findExtraGrants(
  context: StepContext,
  { account, user, policies, group }: AuditSubject,
  moment: AuditMoment,
): Promise<ExtraGrant[]> {
  const { options } = context;
  const grantedArns = new Set(policies.map((state) => state.arn));
  const awsIam = (command: string) => `\`aws iam ${command}${options.profile ? ` --profile ${options.profile}` : ''}\``;
  const removeWith = (command: string) => `remove it with ${awsIam(command)}`;
  const extras: ExtraGrant[] = [];
  const policyWord = (held: HeldPolicy) => (held.kind === 'attached' ? 'the policy' : 'the inline policy');

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
  if (user.exists) {
    for (const held of await userPolicies(context)) {
      const allows = await allowedBeyond(context, held, { user: true }, grantedArns);
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
    const groups = await context.aws.read('iam:ListGroupsForUser', () =>
      all(paginateListGroupsForUser(client(context), { UserName: USER_NAME }), (page) => page.Groups),
    );
    // The --group group is audited below, whether the user is in it yet or not.
    for (const name of groups.map((member) => member.GroupName ?? '').filter((name) => name !== group?.name)) {
      for (const held of await groupPolicies(context, name)) {
        const allows = await allowedBeyond(context, held, { group: name }, grantedArns);
        if (!allows) continue;
        extras.push({
          what: `${policyWord(held)} ${held.name} of the group ${name}, which ${USER_NAME} is in,`,
          allows,
          remedy: removeWith(`remove-user-from-group --group-name ${name} --user-name ${USER_NAME}`),
        });
      }
    }
  }
  if (group?.exists) {
    for (const held of await groupPolicies(context, group.name)) {
      const allows = await allowedBeyond(context, held, { group: group.name }, grantedArns);
      if (!allows) continue;
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
  }
  extras.push(...(await trustingRoles(context, account, user, awsIam)));
  return extras;
}

/** One line per extra grant; the count in words, for the sentence after them. */
export function reportExtraGrants({ report }: StepContext, extras: readonly ExtraGrant[]): string {
  for (const extra of extras)
    report.step('extra grant', 'refused', `${extra.what} allows ${extra.allows}: ${extra.remedy}`);
  return extras.length === 1 ? 'one grant' : `${extras.length} grants`;
}

export async function auditPermissions(context: StepContext, subject: AuditSubject): Promise<void> {
  const { report } = context;
  const { user, policies, group } = subject;
  if (user.permissionsBoundary) {
    report.step(
      'boundary',
      'checked',
      `${user.permissionsBoundary} bounds ${USER_NAME}: a permissions boundary only narrows what its policies grant`,
    );
  }
  const extras = await findExtraGrants(context, subject, 'before the changes');
  if (extras.length === 0) {
    if (user.exists || group?.exists)
      report.step(
        'permissions',
        'checked',
        `${USER_NAME} can do nothing beyond ${policies.map((policy) => policy.name).join(' and ')}`,
      );
    return;
  }
  const count = reportExtraGrants(context, extras);
  throw new ProvisionError(
    `${USER_NAME} could do more than send mail: ${count} that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove ${extras.length === 1 ? 'it' : 'them'} with the command${extras.length === 1 ? '' : 's'} shown, then run again.`,
  );
}
