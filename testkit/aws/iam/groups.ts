// IAM actions on groups: the group, its members, the managed policies attached to it and its inline policies.

import { AwsError, type QueryActions } from '../protocol.ts';
import { attachedXml, groupXml, userXml } from './answers.ts';
import { inlinePolicyActions } from './inlinePolicies.ts';
import { checkName, type FakeIam } from './state.ts';

export const GROUP_ACTIONS: QueryActions<FakeIam> = {
  CreateGroup: (iam, params) => {
    const name = checkName(params.required('GroupName'), 'groupName');
    if (iam.groups.has(name)) throw new AwsError('EntityAlreadyExists', `Group with name ${name} already exists.`, 409);
    return { Group: groupXml(iam, iam.addGroup(name, params.optional('Path') ?? '/')) };
  },

  GetGroup: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    return {
      Group: groupXml(iam, group),
      Users: [...group.members]
        .map((name) => iam.users.get(name))
        .filter((user) => user !== undefined)
        .map((user) => userXml(iam, user)),
      IsTruncated: false,
    };
  },

  DeleteGroup: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    if (group.members.size > 0)
      throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
    if (group.attachedPolicies.size > 0 || group.inlinePolicies.size > 0)
      throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
    iam.groups.delete(group.name);
    return {};
  },

  AddUserToGroup: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    group.members.add(iam.user(params.required('UserName')).name);
    return {};
  },

  RemoveUserFromGroup: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    const user = iam.user(params.required('UserName'));
    if (!group.members.delete(user.name))
      throw new AwsError('NoSuchEntity', `The user with name ${user.name} cannot be found.`, 404);
    return {};
  },

  ListGroupsForUser: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    return {
      Groups: [...iam.groups.values()]
        .filter((group) => group.members.has(user.name))
        .map((group) => groupXml(iam, group)),
      IsTruncated: false,
    };
  },

  AttachGroupPolicy: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    group.attachedPolicies.add(iam.attachablePolicy(params.required('PolicyArn')).arn);
    return {};
  },

  DetachGroupPolicy: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    const arn = params.required('PolicyArn');
    if (!group.attachedPolicies.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
    return {};
  },

  ListAttachedGroupPolicies: (iam, params) => {
    const group = iam.group(params.required('GroupName'));
    return { AttachedPolicies: attachedXml(iam, group.attachedPolicies), IsTruncated: false };
  },

  ...inlinePolicyActions('Group', (iam, name) => iam.group(name).inlinePolicies),
};
