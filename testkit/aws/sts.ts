// The in-memory STS of the tests: GetCallerIdentity for whoever signed the request.

import { AwsError, type XmlValue } from './protocol.ts';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface Caller {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export function handleSts(action: string, caller: Caller): Record<string, XmlValue> {
  if (action === 'GetCallerIdentity') return { Arn: caller.arn, UserId: caller.userId, Account: caller.account };
  throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
}
