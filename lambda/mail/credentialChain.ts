// The SDK's default credential chain (a Lambda role's keys from the environment, a profile, SSO,
// instance metadata), loaded the first time an AWS client of the skill (SES, and DynamoDB for the
// limits) asks it for credentials: with a key configured it never asks, and the chain's code, with
// the STS and SSO clients it carries, never loads.

import type { defaultProvider as DefaultProvider } from '@aws-sdk/credential-provider-node';
import { loadOnce } from '../loadOnce.ts';

export const defaultProvider: typeof DefaultProvider = (init) => {
  const chain = loadOnce(async () => (await import('@aws-sdk/credential-provider-node')).defaultProvider(init));
  return async (options) => (await chain())(options);
};
