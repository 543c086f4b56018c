// Step 1: whose account is this? STS GetCallerIdentity needs no permission, so it is also
// the first proof that administrator credentials were found at all.

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ProvisionError } from '../errors.ts';
import type { Account, StepContext } from './context.ts';

export async function findAccount({ clients, aws, report }: StepContext): Promise<Account> {
  const identity = await aws.read('sts:GetCallerIdentity', () => clients.sts.send(new GetCallerIdentityCommand({})));
  if (!identity.Account || !identity.Arn)
    throw new ProvisionError('STS did not say which account these credentials belong to.');
  const partition = identity.Arn.split(':')[1] || 'aws';
  report.step('account', 'checked', `${identity.Account}, signed in as ${identity.Arn}`);
  return { accountId: identity.Account, partition };
}
