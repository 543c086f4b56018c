// This run's policies on the user: attached directly, or (with --group NAME) through a group that
// this tool creates under its own path (or, with --adopt, one it did not), with the user as a
// member. Teardown takes the user out of the groups under this tool's path and this tool's
// policies off the user and those groups, and deletes such a group once nothing else is in it.

import {
  AddUserToGroupCommand,
  type AttachedPolicy,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  paginateListAttachedGroupPolicies,
  paginateListGroupPolicies,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { type Change, change, finding, type PlanItem } from '../change.ts';
import { all, type StepContext } from '../context.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { GROUP_PATH, USER_NAME } from '../names.ts';
import type { PolicyFound } from './policies.ts';
import type { UserState } from './user.ts';

export interface GroupState {
  readonly name: string;
  readonly exists: boolean;
  /** Under this tool's path: this tool created it. */
  readonly managed: boolean;
  readonly members: readonly string[];
  readonly attached: readonly AttachedPolicy[];
  /** Its inline policies, by name. */
  readonly inline: readonly string[];
}

export async function readGroup({ clients, aws }: StepContext, name: string): Promise<GroupState> {
  const group = await aws.iam.find(new GetGroupCommand({ GroupName: name }));
  if (!group?.Group) return { name, exists: false, managed: false, members: [], attached: [], inline: [] };
  const client = { client: clients.iam };
  return {
    name,
    exists: true,
    managed: group.Group.Path === GROUP_PATH,
    members: (group.Users ?? []).map((member) => member.UserName ?? ''),
    attached: await aws.read('iam:ListAttachedGroupPolicies', () =>
      all(paginateListAttachedGroupPolicies(client, { GroupName: name }), (page) => page.AttachedPolicies),
    ),
    inline: await aws.read('iam:ListGroupPolicies', () =>
      all(paginateListGroupPolicies(client, { GroupName: name }), (page) => page.PolicyNames),
    ),
  };
}

type Call = (context: StepContext, arn: string) => Promise<unknown>;

/** For each policy: attached to `to` already, or attached by this run; one line per policy. */
function attachEach(
  policies: readonly GrantedPolicy[],
  attached: readonly AttachedPolicy[],
  step: string,
  to: string,
  attach: Call,
): PlanItem[] {
  return policies.map(({ name, arn }) =>
    attached.some((policy) => policy.PolicyArn === arn)
      ? finding(step, 'exists', `${name} is attached to ${to}`)
      : change(step, 'create', `attach ${name} to ${to}`, async (context) => {
          await attach(context, arn);
          return `${name} is attached to ${to}`;
        }),
  );
}

const attachToUser: Call = ({ aws }, arn) =>
  aws.iam.change(new AttachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn }));
const detachFromUser: Call = ({ aws }, arn) =>
  aws.iam.change(new DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn }));

export function planAttachments(
  user: UserState,
  policies: readonly GrantedPolicy[],
  group: GroupState | undefined,
): PlanItem[] {
  if (!group) return attachEach(policies, user.attached, 'attachment', USER_NAME, attachToUser);
  const { name } = group;
  const createGroup: Change = change('group', 'create', `${name} (path ${GROUP_PATH})`, async ({ aws }) => {
    await aws.iam.change(new CreateGroupCommand({ GroupName: name, Path: GROUP_PATH }));
    return undefined;
  });
  const addMember: Change = change('group member', 'create', `add ${USER_NAME} to ${name}`, async ({ aws }) => {
    await aws.iam.change(new AddUserToGroupCommand({ GroupName: name, UserName: USER_NAME }));
    return `${USER_NAME} is in ${name}`;
  });
  // One route only: a direct attachment from an earlier run without --group goes.
  const direct = policies.filter((policy) => user.attached.some((held) => held.PolicyArn === policy.arn));
  return [
    group.exists
      ? finding('group', 'exists', group.managed ? name : `${name} (created outside this tool, adopted)`)
      : createGroup,
    ...attachEach(policies, group.attached, 'group policy', name, ({ aws }, arn) =>
      aws.iam.change(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: arn })),
    ),
    group.members.includes(USER_NAME) ? finding('group member', 'exists', `${USER_NAME} is in ${name}`) : addMember,
    ...direct.map(
      (policy): Change =>
        change(
          'attachment',
          'delete',
          `the direct attachment of ${policy.name} to ${USER_NAME} (the group grants it)`,
          async (context) => void (await detachFromUser(context, policy.arn)),
        ),
    ),
  ];
}

function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * Teardown, out of each group under this tool's path: the membership, this tool's policies (which
 * go from the group even when others are in it: this tool attached them, and deletes them), and
 * the group once nothing else is in it.
 */
export function planLeavingGroups(groups: readonly GroupState[], ours: ReadonlySet<string>): PlanItem[] {
  return groups.flatMap((group): PlanItem[] => {
    const { name } = group;
    const otherMembers = group.members.filter((member) => member !== USER_NAME);
    const others = otherMembers.length > 0 ? ` (its other members, ${otherMembers.join(', ')}, lose it too)` : '';
    const oursHere = group.attached.map((policy) => policy.PolicyArn ?? '').filter((arn) => ours.has(arn));
    const keep = otherMembers.length > 0 || group.attached.some((policy) => !ours.has(policy.PolicyArn ?? ''));
    return [
      change(
        'group member',
        'delete',
        `${USER_NAME} from ${name}`,
        async ({ aws }) =>
          void (await aws.iam.change(new RemoveUserFromGroupCommand({ GroupName: name, UserName: USER_NAME }))),
      ),
      ...oursHere.map(
        (arn): Change =>
          change(
            'group policy',
            'delete',
            `${policyName(arn)} from ${name}${others}`,
            async ({ aws }) =>
              void (await aws.iam.change(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn: arn }))),
          ),
      ),
      keep
        ? finding('group', 'skipped', `${name} has other members or policies: left in place`)
        : change(
            'group',
            'delete',
            name,
            async ({ aws }) => void (await aws.iam.change(new DeleteGroupCommand({ GroupName: name }))),
          ),
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
        finding(
          'attachment',
          'skipped',
          `${policy.name} was created outside this tool: its attachment to ${USER_NAME} is left in place`,
        ),
      ];
    return [
      change(
        'attachment',
        'delete',
        `${policy.name} from ${USER_NAME}`,
        async (context) => void (await detachFromUser(context, policy.arn)),
      ),
    ];
  });
}
