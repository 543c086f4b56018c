// This run's policies on the user: attached directly, or (with --group NAME) through a group that
// this tool creates under its own path (or, with --adopt, one it did not), with the user as a member.

import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  DetachUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { GROUP_PATH, USER_NAME } from '../names.ts';
import type { StepContext } from './context.ts';
import type { GroupState } from './ownership.ts';
import type { UserState } from './user.ts';

async function attachedToUser({ clients, aws }: StepContext, user: UserState): Promise<Set<string>> {
  if (!user.exists) return new Set();
  const attached = await aws.read('iam:ListAttachedUserPolicies', () =>
    clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: USER_NAME })),
  );
  return new Set((attached.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? ''));
}

export async function ensureAttached(
  context: StepContext,
  user: UserState,
  policies: readonly GrantedPolicy[],
  group: GroupState | undefined,
): Promise<void> {
  if (group) {
    await ensureAttachedThroughGroup(context, user, policies, group);
    return;
  }
  const { clients, aws } = context;
  const attached = await attachedToUser(context, user);
  await attachEach(context, policies, attached, { step: 'attachment', to: USER_NAME }, (arn) =>
    aws.change('iam:AttachUserPolicy', () =>
      clients.iam.send(new AttachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
    ),
  );
}

/** Attaches each policy not in `attached` to the user or group `to`, one step line per policy. */
async function attachEach(
  { aws, report }: StepContext,
  policies: readonly GrantedPolicy[],
  attached: ReadonlySet<string>,
  { step, to }: { readonly step: string; readonly to: string },
  attach: (arn: string) => Promise<unknown>,
): Promise<void> {
  for (const { name, arn } of policies) {
    if (attached.has(arn)) {
      report.step(step, 'exists', `${name} is attached to ${to}`);
    } else if (aws.dryRun) {
      report.step(step, 'would create', `attach ${name} to ${to}`);
    } else {
      await attach(arn);
      report.step(step, 'created', `${name} is attached to ${to}`);
    }
  }
}

async function ensureAttachedThroughGroup(
  context: StepContext,
  user: UserState,
  policies: readonly GrantedPolicy[],
  group: GroupState,
): Promise<void> {
  const { clients, aws, report } = context;
  const groupName = group.name;
  if (group.exists) {
    report.step('group', 'exists', group.managed ? groupName : `${groupName} (created outside this tool, adopted)`);
  } else if (aws.dryRun) {
    report.step('group', 'would create', `${groupName} (path ${GROUP_PATH})`);
  } else {
    await aws.change('iam:CreateGroup', () =>
      clients.iam.send(new CreateGroupCommand({ GroupName: groupName, Path: GROUP_PATH })),
    );
    report.step('group', 'created', `${groupName} (path ${GROUP_PATH})`);
  }

  const groupPolicies = group.exists
    ? new Set(
        (
          (
            await aws.read('iam:ListAttachedGroupPolicies', () =>
              clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName })),
            )
          ).AttachedPolicies ?? []
        ).map((policy) => policy.PolicyArn ?? ''),
      )
    : new Set<string>();
  await attachEach(context, policies, groupPolicies, { step: 'group policy', to: groupName }, (arn) =>
    aws.change('iam:AttachGroupPolicy', () =>
      clients.iam.send(new AttachGroupPolicyCommand({ GroupName: groupName, PolicyArn: arn })),
    ),
  );

  if (group.members.includes(USER_NAME)) {
    report.step('group member', 'exists', `${USER_NAME} is in ${groupName}`);
  } else if (aws.dryRun) {
    report.step('group member', 'would create', `add ${USER_NAME} to ${groupName}`);
  } else {
    await aws.change('iam:AddUserToGroup', () =>
      clients.iam.send(new AddUserToGroupCommand({ GroupName: groupName, UserName: USER_NAME })),
    );
    report.step('group member', 'created', `${USER_NAME} is in ${groupName}`);
  }

  // One route only: a direct attachment from an earlier run without --group goes.
  const direct = await attachedToUser(context, user);
  for (const { name, arn } of policies.filter((policy) => direct.has(policy.arn))) {
    const detail = `the direct attachment of ${name} to ${USER_NAME} (the group grants it)`;
    if (aws.dryRun) {
      report.step('attachment', 'would delete', detail);
    } else {
      await aws.change('iam:DetachUserPolicy', () =>
        clients.iam.send(new DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
      );
      report.step('attachment', 'deleted', detail);
    }
  }
}
