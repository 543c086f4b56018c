// IAM actions on users themselves: the user, its tags and its console login profile.

import { AwsError, type QueryActions } from '../protocol.ts';
import { tagsXml, userXml } from './answers.ts';
import { checkName, type FakeIam, toTag } from './state.ts';

export const USER_ACTIONS: QueryActions<FakeIam> = {
  GetUser: (iam, params) => ({ User: userXml(iam, iam.user(params.required('UserName'))) }),

  CreateUser: (iam, params) => {
    const name = checkName(params.required('UserName'), 'userName');
    if (iam.users.has(name)) throw new AwsError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
    return { User: userXml(iam, iam.addUser(name, { tags: params.structures('Tags').map(toTag) })) };
  },

  DeleteUser: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    const conflict = (what: string) => new AwsError('DeleteConflict', `Cannot delete entity, must ${what} first.`, 409);
    if (user.accessKeys.length > 0) throw conflict('delete access keys');
    if (user.loginProfile) throw conflict('delete login profile');
    if (user.attachedPolicies.size > 0) throw conflict('detach all policies');
    if (user.inlinePolicies.size > 0) throw conflict('delete policies');
    if ([...iam.groups.values()].some((group) => group.members.has(user.name)))
      throw conflict('remove users from group');
    iam.users.delete(user.name);
    return {};
  },

  ListUserTags: (iam, params) => ({ Tags: tagsXml(iam.user(params.required('UserName')).tags), IsTruncated: false }),

  TagUser: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    for (const tag of params.structures('Tags').map(toTag)) user.tags.set(tag.Key, tag.Value);
    if (user.tags.size > 50) throw new AwsError('LimitExceeded', 'Cannot exceed quota for TagsPerUser: 50', 409);
    return {};
  },

  UntagUser: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    for (const key of params.list('TagKeys')) user.tags.delete(key);
    return {};
  },

  GetLoginProfile: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    if (!user.loginProfile)
      throw new AwsError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`, 404);
    return { LoginProfile: { UserName: user.name, CreateDate: user.createDate, PasswordResetRequired: false } };
  },

  DeleteLoginProfile: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    if (!user.loginProfile)
      throw new AwsError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`, 404);
    user.loginProfile = false;
    return {};
  },
};
