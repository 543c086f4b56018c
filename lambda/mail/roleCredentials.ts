// The assumed role's credentials as an AWS client holds them from the start: the STS client
// (assumedRole.ts) loads on the first call, so a skill that sends with a key never loads it.

import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AssumedRoleConfig } from '../config.ts';

export function roleCredentialsOnDemand(role: AssumedRoleConfig, region: string): AwsCredentialIdentityProvider {
  let provider: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (options) => {
    if (!provider) {
      const loading = import('./assumedRole.ts').then((module) => module.assumedRoleCredentials(role, region));
      // A failed load must not be remembered for the life of the container: the next send tries again.
      loading.catch(() => {
        if (provider === loading) provider = undefined;
      });
      provider = loading;
    }
    return (await provider)(options);
  };
}
