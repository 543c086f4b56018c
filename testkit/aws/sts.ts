// The in-memory STS of the fake account: GetCallerIdentity for whoever signed the request.

import { AwsError, type QueryActions } from './protocol.ts';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS keeps no state: every answer is about the caller. */
export const STS_ACTIONS: QueryActions<undefined> = {
  GetCallerIdentity: (_state, _params, { caller }) => ({
    Arn: caller.arn,
    UserId: caller.userId,
    Account: caller.account,
  }),
};

export const unknownStsAction = (action: string) =>
  new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
