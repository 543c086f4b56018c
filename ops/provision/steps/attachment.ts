// The policy on the user: attached directly, or (with --group NAME) through a group that
// this tool creates under its own path, with the user as a member.

import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { GROUP_PATH, POLICY_NAME, USER_NAME } from '../names.ts';
import type { StepContext } from './context.ts';
import type { UserState } from './user.ts';

async function attachedToUser({ clients, aws }: StepContext, user: UserState, arn: string): Promise<boolean> {
  if (!user.exists) return false;
  const attached = await aws.read('iam:ListAttachedUserPolicies', () =>
    clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: USER_NAME })),
  );
  return (attached.AttachedPolicies ?? []).some((policy) => policy.PolicyArn === arn);
}

export async function ensureAttached(context: StepContext, user: UserState, arn: string): Promise<void> {
  if (context.options.group) {
    await ensureAttachedThroughGroup(context, user, arn, context.options.group);
    return;
  }
  const { clients, aws, report } = context;
  if (await attachedToUser(context, user, arn)) {
    report.step('attachment', 'exists', `${POLICY_NAME} is attached to ${USER_NAME}`);
  } else if (aws.dryRun) {
    report.step('attachment', 'would create', `attach ${POLICY_NAME} to ${USER_NAME}`);
  } else {
    await aws.change('iam:AttachUserPolicy', () =>
      clients.iam.send(new AttachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
    );
    report.step('attachment', 'created', `${POLICY_NAME} is attached to ${USER_NAME}`);
  }
}

async function ensureAttachedThroughGroup(
  context: StepContext,
  user: UserState,
  arn: string,
  groupName: string,
): Promise<void> {
  const { clients, aws, report } = context;
  const group = await aws.find('iam:GetGroup', () => clients.iam.send(new GetGroupCommand({ GroupName: groupName })));
  if (group?.Group) {
    report.step('group', 'exists', groupName);
  } else if (aws.dryRun) {
    report.step('group', 'would create', `${groupName} (path ${GROUP_PATH})`);
  } else {
    await aws.change('iam:CreateGroup', () =>
      clients.iam.send(new CreateGroupCommand({ GroupName: groupName, Path: GROUP_PATH })),
    );
    report.step('group', 'created', `${groupName} (path ${GROUP_PATH})`);
  }

  const groupPolicies = group?.Group
    ? ((
        await aws.read('iam:ListAttachedGroupPolicies', () =>
          clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName })),
        )
      ).AttachedPolicies ?? [])
    : [];
  if (groupPolicies.some((policy) => policy.PolicyArn === arn)) {
    report.step('group policy', 'exists', `${POLICY_NAME} is attached to ${groupName}`);
  } else if (aws.dryRun) {
    report.step('group policy', 'would create', `attach ${POLICY_NAME} to ${groupName}`);
  } else {
    await aws.change('iam:AttachGroupPolicy', () =>
      clients.iam.send(new AttachGroupPolicyCommand({ GroupName: groupName, PolicyArn: arn })),
    );
    report.step('group policy', 'created', `${POLICY_NAME} is attached to ${groupName}`);
  }

  if ((group?.Users ?? []).some((member) => member.UserName === USER_NAME)) {
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
  if (await attachedToUser(context, user, arn)) {
    if (aws.dryRun) {
      report.step(
        'attachment',
        'would delete',
        `the direct attachment of ${POLICY_NAME} to ${USER_NAME} (the group grants it)`,
      );
    } else {
      await aws.change('iam:DetachUserPolicy', () =>
        clients.iam.send(new DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
      );
      report.step(
        'attachment',
        'deleted',
        `the direct attachment of ${POLICY_NAME} to ${USER_NAME} (the group grants it)`,
      );
    }
  }
}
