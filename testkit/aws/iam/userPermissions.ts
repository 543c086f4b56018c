// IAM actions on what a user is allowed: the managed policies attached to it, its inline
// policies and its permissions boundary.

import { AwsError, type QueryActions } from '../protocol.ts';
import { attachedXml } from './answers.ts';
import { inlinePolicyActions } from './inlinePolicies.ts';
import { permissionsBoundaryActions } from './permissionsBoundaries.ts';
import type { FakeIam } from './state.ts';

export const USER_PERMISSION_ACTIONS: QueryActions<FakeIam> = {
  AttachUserPolicy: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    user.attachedPolicies.add(iam.attachablePolicy(params.required('PolicyArn')).arn);
    return {};
  },

  DetachUserPolicy: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    const arn = params.required('PolicyArn');
    if (!user.attachedPolicies.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
    return {};
  },

  ListAttachedUserPolicies: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    return { AttachedPolicies: attachedXml(iam, user.attachedPolicies), IsTruncated: false };
  },

  ...inlinePolicyActions('User', (iam, name) => iam.user(name).inlinePolicies),

  ...permissionsBoundaryActions('User', (iam, name) => iam.user(name)),
};
