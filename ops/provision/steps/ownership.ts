// Before any change: who made the user, the policies and the --group group that carry this tool's
// names. What this tool did not create is never changed: provisioning stops, unless --adopt, which
// uses such a user or group as it is and such a policy only when its document is exactly this tool's.

import { GetGroupCommand, GetPolicyCommand, GetPolicyVersionCommand, ListPolicyTagsCommand } from '@aws-sdk/client-iam';
import { ProvisionError } from '../errors.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { GROUP_PATH, isManaged, USER_NAME } from '../names.ts';
import { decodePolicyDocument, samePolicyDocument } from '../policyDocument.ts';
import type { StepContext } from './context.ts';
import type { UserState } from './user.ts';

export interface PolicyState {
  readonly policy: GrantedPolicy;
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it. */
  readonly managed: boolean;
  readonly defaultVersionId?: string;
  /** The default version's document, decoded. */
  readonly document?: unknown;
}

export interface GroupState {
  readonly name: string;
  readonly exists: boolean;
  /** Under this tool's path: this tool created it. */
  readonly managed: boolean;
  readonly members: readonly string[];
}

export async function readPolicyState({ clients, aws }: StepContext, policy: GrantedPolicy): Promise<PolicyState> {
  const found = await aws.find('iam:GetPolicy', () =>
    clients.iam.send(new GetPolicyCommand({ PolicyArn: policy.arn })),
  );
  if (!found?.Policy) return { policy, exists: false, managed: false };
  const tags =
    (await aws.read('iam:ListPolicyTags', () => clients.iam.send(new ListPolicyTagsCommand({ PolicyArn: policy.arn }))))
      .Tags ?? [];
  const defaultVersionId = found.Policy.DefaultVersionId ?? 'v1';
  const version = await aws.read('iam:GetPolicyVersion', () =>
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.arn, VersionId: defaultVersionId })),
  );
  return {
    policy,
    exists: true,
    managed: isManaged(tags),
    defaultVersionId,
    document: decodePolicyDocument(version.PolicyVersion?.Document),
  };
}

export async function readGroupState({ clients, aws }: StepContext, name: string): Promise<GroupState> {
  const group = await aws.find('iam:GetGroup', () => clients.iam.send(new GetGroupCommand({ GroupName: name })));
  if (!group?.Group) return { name, exists: false, managed: false, members: [] };
  return {
    name,
    exists: true,
    managed: group.Group.Path === GROUP_PATH,
    members: (group.Users ?? []).map((member) => member.UserName ?? ''),
  };
}

/** Whether a policy this tool did not create may be used: only as it is, and only when it says exactly what this tool's would. */
export function isUsableForeignPolicy(state: PolicyState): boolean {
  return samePolicyDocument(state.document, state.policy.document);
}

/**
 * Stops, naming each, when a user, policy or group with this tool's names was made by someone
 * else and --adopt was not given, or when such a policy's document is not exactly this tool's.
 */
export function checkOwnership(
  { options, report }: StepContext,
  found: { user: UserState; policies: readonly PolicyState[]; group?: GroupState | undefined },
): void {
  const foreign: string[] = [];
  const rewritten: string[] = [];
  if (found.user.exists && !found.user.managed) {
    foreign.push(`the user ${USER_NAME}`);
    if (!options.adopt)
      report.step('user', 'refused', `${USER_NAME} exists but this tool did not create it (no managed-by tag)`);
  }
  for (const state of found.policies.filter((candidate) => candidate.exists && !candidate.managed)) {
    const name = state.policy.name;
    foreign.push(`the policy ${name}`);
    if (!isUsableForeignPolicy(state)) {
      rewritten.push(name);
      report.step(
        'policy',
        'refused',
        `${name} exists but this tool did not create it, and its document is not this tool's: it is never rewritten`,
      );
    } else if (!options.adopt) {
      report.step('policy', 'refused', `${name} exists but this tool did not create it (no managed-by tag)`);
    }
  }
  if (found.group?.exists && !found.group.managed) {
    foreign.push(`the group ${found.group.name}`);
    if (!options.adopt)
      report.step(
        'group',
        'refused',
        `${found.group.name} exists but this tool did not create it (not under ${GROUP_PATH})`,
      );
  }

  if (rewritten.length > 0) {
    const deletions = found.policies
      .filter((state) => rewritten.includes(state.policy.name))
      .map((state) => `\`aws iam delete-policy --policy-arn ${state.policy.arn}\``);
    throw new ProvisionError(
      `${rewritten.join(' and ')} was made outside this tool with another document, and this tool never rewrites a policy it did not create (whoever uses it would lose or gain permissions), so nothing was changed: delete it once nothing needs it (${deletions.join(' and ')}, after detaching it and deleting its other versions), then run again; --adopt cannot help, since it only uses such a policy when its document is exactly this tool's.`,
    );
  }
  if (foreign.length > 0 && !options.adopt) {
    throw new ProvisionError(
      `Nothing was changed: this tool did not create ${foreign.join(', ')}, which already ${foreign.length > 1 ? 'exist' : 'exists'} in the account; run again with --adopt to use what exists as it is (the user's permissions are still checked, and --teardown will leave it in place), or delete what this tool did not create and run again.`,
    );
  }
}
