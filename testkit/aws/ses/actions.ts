// Every action the fake SES (v1 API, control plane) answers, gathered from the tables of each
// resource. A new action is a row in its resource's table; a new resource is a new table, spread in here.

import type { QueryActions } from '../protocol.ts';
import { ACCOUNT_ACTIONS } from './account.ts';
import { CONFIGURATION_SET_ACTIONS } from './configurationSets.ts';
import { IDENTITY_ACTIONS } from './identities.ts';
import { IDENTITY_POLICY_ACTIONS } from './identityPolicies.ts';
import type { FakeSes } from './state.ts';

export const SES_NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

export const SES_ACTIONS: QueryActions<FakeSes> = {
  ...IDENTITY_ACTIONS,
  ...ACCOUNT_ACTIONS,
  ...CONFIGURATION_SET_ACTIONS,
  ...IDENTITY_POLICY_ACTIONS,
};
