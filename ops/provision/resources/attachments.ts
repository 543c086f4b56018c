// This run's policies on the user: attached directly, or with --group through a group under this
// tool's path (--adopt: one it did not make). Teardown takes them off, and the group once empty.

import * as IAM from '@aws-sdk/client-iam';
import type { Sendable } from '../awsCalls.ts';
import { adopted, type Found, iam, type PlanItem, step } from '../change.ts';
import { all, type StepContext } from '../context.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { GROUP_PATH, USER_NAME } from '../names.ts';
import type { PolicyFound } from './policies.ts';
import type { UserState } from './user.ts';

/** `managed`: the group is under this tool's path, where only this tool creates groups. */
export interface GroupState extends Found {
  readonly name: string;
  readonly members: readonly string[];
  readonly attached: readonly IAM.AttachedPolicy[];
  /** Its inline policies, by name. */
  readonly inline: readonly string[];
}

export async function readGroup({ clients, aws }: StepContext, name: string): Promise<GroupState> {
  const group = await aws.iam.find(new IAM.GetGroupCommand({ GroupName: name }));
  if (!group?.Group) return { name, exists: false, managed: false, members: [], attached: [], inline: [] };
  const client = { client: clients.iam };
  return {
    name,
    exists: true,
    managed: group.Group.Path === GROUP_PATH,
    members: (group.Users ?? []).map((member) => member.UserName ?? ''),
    attached: await aws.read('iam:ListAttachedGroupPolicies', () =>
      all(IAM.paginateListAttachedGroupPolicies(client, { GroupName: name }), (page) => page.AttachedPolicies),
    ),
    inline: await aws.read('iam:ListGroupPolicies', () =>
      all(IAM.paginateListGroupPolicies(client, { GroupName: name }), (page) => page.PolicyNames),
    ),
  };
}

const GROUP = step('group');
const MEMBER = step('group member');
const ATTACHMENT = step('attachment');

/** For each policy, one line: attached to `to` already, or attached by this run (to the user, a group or the role). */
export function attachEach(
  policies: readonly GrantedPolicy[],
  attached: readonly IAM.AttachedPolicy[],
  to: { readonly step: string; readonly name: string; readonly attach: (PolicyArn: string) => Sendable },
): PlanItem[] {
  const lines = step(to.step);
  return policies.map(({ name, arn }) => {
    const done = `${name} is attached to ${to.name}`;
    if (attached.some((policy) => policy.PolicyArn === arn)) return lines.exists(done);
    return lines.create(`attach ${name} to ${to.name}`, iam(to.attach(arn)), done);
  });
}

const detachFromUser = (PolicyArn: string) => iam(new IAM.DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn }));

export function planAttachments(user: UserState, policies: readonly GrantedPolicy[], group: GroupState | undefined) {
  const UserName = USER_NAME;
  if (!group) {
    const attach = (PolicyArn: string) => new IAM.AttachUserPolicyCommand({ UserName, PolicyArn });
    return attachEach(policies, user.attached, { step: 'attachment', name: UserName, attach });
  }
  const { name: GroupName } = group;
  const member = `${UserName} is in ${GroupName}`;
  const attach = (PolicyArn: string) => new IAM.AttachGroupPolicyCommand({ GroupName, PolicyArn });
  // One route only: a direct attachment from an earlier run without --group goes.
  const direct = policies.filter((policy) => user.attached.some((held) => held.PolicyArn === policy.arn));
  return [
    group.exists
      ? GROUP.exists(`${GroupName}${adopted(group.managed)}`)
      : GROUP.create(
          `${GroupName} (path ${GROUP_PATH})`,
          iam(new IAM.CreateGroupCommand({ GroupName, Path: GROUP_PATH })),
        ),
    ...attachEach(policies, group.attached, { step: 'group policy', name: GroupName, attach }),
    group.members.includes(UserName)
      ? MEMBER.exists(member)
      : MEMBER.create(
          `add ${UserName} to ${GroupName}`,
          iam(new IAM.AddUserToGroupCommand({ GroupName, UserName })),
          member,
        ),
    ...direct.map(({ name, arn }) =>
      ATTACHMENT.delete(`the direct attachment of ${name} to ${UserName} (the group grants it)`, detachFromUser(arn)),
    ),
  ];
}

/**
 * Teardown, out of each group under this tool's path: the membership, this tool's policies (which
 * go from the group even when others are in it: this tool attached them, and deletes them), and
 * the group once nothing else is in it.
 */
export function planLeavingGroups(groups: readonly GroupState[], ours: ReadonlySet<string>): PlanItem[] {
  const UserName = USER_NAME;
  return groups.flatMap(({ name: GroupName, members, attached }): PlanItem[] => {
    const otherMembers = members.filter((member) => member !== UserName);
    const others = otherMembers.length > 0 ? ` (its other members, ${otherMembers.join(', ')}, lose it too)` : '';
    const oursHere = attached.map((policy) => policy.PolicyArn ?? '').filter((arn) => ours.has(arn));
    const keep = otherMembers.length > 0 || attached.some((policy) => !ours.has(policy.PolicyArn ?? ''));
    const name = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
    return [
      MEMBER.delete(`${UserName} from ${GroupName}`, iam(new IAM.RemoveUserFromGroupCommand({ GroupName, UserName }))),
      ...oursHere.map((PolicyArn) =>
        step('group policy').delete(
          `${name(PolicyArn)} from ${GroupName}${others}`,
          iam(new IAM.DetachGroupPolicyCommand({ GroupName, PolicyArn })),
        ),
      ),
      keep
        ? GROUP.skipped(`${GroupName} has other members or policies: left in place`)
        : GROUP.delete(GroupName, iam(new IAM.DeleteGroupCommand({ GroupName }))),
    ];
  });
}

/** Teardown: this tool's policies off the user; one of these names it did not create stays attached. */
export function planDetachingFromUser(user: UserState, policies: readonly PolicyFound[]): PlanItem[] {
  return user.attached.flatMap((attached): PlanItem[] => {
    const policy = policies.find((candidate) => candidate.arn === attached.PolicyArn);
    if (!policy) return [];
    if (!policy.managed)
      return [
        ATTACHMENT.skipped(
          `${policy.name} was created outside this tool: its attachment to ${USER_NAME} is left in place`,
        ),
      ];
    return [ATTACHMENT.delete(`${policy.name} from ${USER_NAME}`, detachFromUser(policy.arn))];
  });
}
