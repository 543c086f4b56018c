// Before any change: everything AlexaSkillMailSender is (or, through --group, will be) allowed,
// from its attached and inline policies, its groups' attached and inline policies, and its
// permissions boundary. Anything beyond the policies this run grants stops the run, each extra
// grant named with the command that removes it: the key must never be able to do more than send mail.
//
// "Beyond" is decided without a policy simulator, by what each document is: a policy this run grants
// (managedPolicies.ts) is accepted; any other document that has an Allow statement is an extra grant,
// whatever it allows; a document of Deny statements only grants nothing. A boundary only ever
// narrows what the policies grant, so it is reported and never counted as a grant.

import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { ProvisionError } from '../errors.ts';
import { earlierGrant, type GrantedPolicy } from '../managedPolicies.ts';
import { USER_NAME } from '../names.ts';
import { decodePolicyDocument, describeAllowed } from '../policyDocument.ts';
import type { StepContext } from './context.ts';
import type { GroupState } from './ownership.ts';
import type { UserState } from './user.ts';

interface ExtraGrant {
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

async function managedDocument(context: StepContext, arn: string): Promise<unknown> {
  const { clients, aws } = context;
  const policy = await aws.read('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  const version = await aws.read('iam:GetPolicyVersion', () =>
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId })),
  );
  return decodePolicyDocument(version.PolicyVersion?.Document);
}

async function userPolicies(context: StepContext): Promise<HeldPolicy[]> {
  const attached = await context.aws.read('iam:ListAttachedUserPolicies', () =>
    all(paginateListAttachedUserPolicies(client(context), { UserName: USER_NAME }), (page) => page.AttachedPolicies),
  );
  const inline = await context.aws.read('iam:ListUserPolicies', () =>
    all(paginateListUserPolicies(client(context), { UserName: USER_NAME }), (page) => page.PolicyNames),
  );
  return [
    ...attached.map(
      (policy): HeldPolicy => ({ kind: 'attached', arn: policy.PolicyArn ?? '', name: policy.PolicyName ?? '' }),
    ),
    ...inline.map((name): HeldPolicy => ({ kind: 'inline', name })),
  ];
}

async function groupPolicies(context: StepContext, group: string): Promise<HeldPolicy[]> {
  const attached = await context.aws.read('iam:ListAttachedGroupPolicies', () =>
    all(paginateListAttachedGroupPolicies(client(context), { GroupName: group }), (page) => page.AttachedPolicies),
  );
  const inline = await context.aws.read('iam:ListGroupPolicies', () =>
    all(paginateListGroupPolicies(client(context), { GroupName: group }), (page) => page.PolicyNames),
  );
  return [
    ...attached.map(
      (policy): HeldPolicy => ({ kind: 'attached', arn: policy.PolicyArn ?? '', name: policy.PolicyName ?? '' }),
    ),
    ...inline.map((name): HeldPolicy => ({ kind: 'inline', name })),
  ];
}

/** What a held policy allows beyond this run's grants; `undefined` when it is one of them or grants nothing. */
async function allowedBeyond(
  context: StepContext,
  held: HeldPolicy,
  owner: { user: true } | { group: string },
  granted: ReadonlySet<string>,
): Promise<string | undefined> {
  const { clients, aws } = context;
  if (held.kind === 'attached') {
    if (granted.has(held.arn)) return undefined;
    const document = await managedDocument(context, held.arn);
    // A policy this tool grants with a flag (--limit-table), from an earlier run, exactly as it writes it: kept.
    const earlier = earlierGrant(held.arn, document);
    if (earlier) {
      context.report.step('permissions', 'checked', `${earlier.name} from an earlier run stays: ${earlier.allows}`);
      return undefined;
    }
    return describeAllowed(document);
  }
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

export async function auditPermissions(
  context: StepContext,
  user: UserState,
  granted: readonly GrantedPolicy[],
  group: GroupState | undefined,
): Promise<void> {
  const { options, report } = context;
  const grantedArns = new Set(granted.map((policy) => policy.arn));
  const removeWith = (command: string) =>
    `remove it with \`aws iam ${command}${options.profile ? ` --profile ${options.profile}` : ''}\``;
  const extras: ExtraGrant[] = [];
  const policyWord = (held: HeldPolicy) => (held.kind === 'attached' ? 'the policy' : 'the inline policy');

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

  if (user.permissionsBoundary) {
    report.step(
      'boundary',
      'checked',
      `${user.permissionsBoundary} bounds ${USER_NAME}: a permissions boundary only narrows what its policies grant`,
    );
  }
  if (extras.length === 0) {
    if (user.exists || group?.exists)
      report.step(
        'permissions',
        'checked',
        `${USER_NAME} can do nothing beyond ${granted.map((policy) => policy.name).join(' and ')}`,
      );
    return;
  }
  for (const extra of extras)
    report.step('extra grant', 'refused', `${extra.what} allows ${extra.allows}: ${extra.remedy}`);
  throw new ProvisionError(
    `${USER_NAME} could do more than send mail: ${extras.length === 1 ? 'one grant' : `${extras.length} grants`} that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove ${extras.length === 1 ? 'it' : 'them'} with the command${extras.length === 1 ? '' : 's'} shown, then run again.`,
  );
}
