// Every action the fake IAM answers, gathered from the tables of each resource. A new action
// is a row in its resource's table; a new resource is a new table, spread in here.

import type { QueryActions } from '../protocol.ts';
import { ACCESS_KEY_ACTIONS } from './accessKeys.ts';
import { GROUP_ACTIONS } from './groups.ts';
import { POLICY_ACTIONS } from './policies.ts';
import { ROLE_ACTIONS } from './roles.ts';
import type { FakeIam } from './state.ts';
import { USER_PERMISSION_ACTIONS } from './userPermissions.ts';
import { USER_ACTIONS } from './users.ts';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export const IAM_ACTIONS: QueryActions<FakeIam> = {
  ...USER_ACTIONS,
  ...ACCESS_KEY_ACTIONS,
  ...USER_PERMISSION_ACTIONS,
  ...POLICY_ACTIONS,
  ...GROUP_ACTIONS,
  ...ROLE_ACTIONS,
};
