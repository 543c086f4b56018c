// Whose account is this? STS GetCallerIdentity needs no permission, so it is also the first proof
// that administrator credentials were found at all.

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type Finding, finding } from '../change.ts';
import type { Account, StepContext } from '../context.ts';
import { ProvisionError } from '../errors.ts';

export interface AccountState extends Account {
  /** Who signed in: the administrator's ARN. */
  readonly callerArn: string;
}

export async function readAccount({ aws }: StepContext): Promise<AccountState> {
  const identity = await aws.sts.read(new GetCallerIdentityCommand({}));
  if (!identity.Account || !identity.Arn)
    throw new ProvisionError('STS did not say which account these credentials belong to.');
  return { accountId: identity.Account, partition: identity.Arn.split(':')[1] || 'aws', callerArn: identity.Arn };
}

export function planAccount(account: AccountState): Finding {
  return finding('account', 'checked', `${account.accountId}, signed in as ${account.callerArn}`);
}
