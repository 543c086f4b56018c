// Credentials of a role in the owner's account, from STS AssumeRole asked with the default chain's
// (an Alexa-hosted skill's execution role): what the SES client signs with when SES_ROLE_ARN is set.
// roleCredentials.ts imports it on the first send, so STS loads only on the path that sends.

import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AssumedRoleConfig } from '../config.ts';
import { SES_CONNECTION_TIMEOUT_MS, STS_TIMEOUT_MS } from '../deadlines.ts';
import { defaultProvider } from './credentialChain.ts';

/** Asked from one role by another (role chaining), STS refuses anything longer. */
export const ROLE_SESSION_SECONDS = 3_600;

/**
 * Why no credentials came, as mail/errors.ts classifies it: `code` is STS's error code (or the
 * socket's), never its message, which names the role and the caller.
 */
export class RoleNotAssumedError extends Error {
  override readonly name = 'RoleNotAssumed';
  constructor(
    readonly code: string,
    readonly status: number | undefined,
  ) {
    super(`STS AssumeRole failed: ${code}`);
  }
}

function codeOf(error: unknown): { code: string; status: number | undefined } {
  const e = (error && typeof error === 'object' ? error : {}) as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : undefined;
  return { code: name ?? (typeof e.code === 'string' ? e.code : 'Error'), status };
}

/**
 * A provider for the SES client's `credentials`. The client keeps what it returns and asks again
 * only when the session is about to expire (the SDK refreshes five minutes before), so one
 * AssumeRole serves every mail of a warm container for most of an hour. No endpoint is set: STS
 * is asked in the SES region (its regional endpoint), and AWS_ENDPOINT_URL_STS or
 * AWS_ENDPOINT_URL point it at a local STS.
 */
export function assumedRoleCredentials(role: AssumedRoleConfig, region: string): AwsCredentialIdentityProvider {
  const sts = new STSClient({
    region,
    credentialDefaultProvider: defaultProvider,
    // One call, bounded below: a retry would outlast the SES attempt this call is part of.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: SES_CONNECTION_TIMEOUT_MS },
  });
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      const { Credentials: issued } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: role.arn,
          RoleSessionName: role.sessionName,
          DurationSeconds: ROLE_SESSION_SECONDS,
          ...(role.externalId ? { ExternalId: role.externalId } : {}),
        }),
        { abortSignal: AbortSignal.timeout(STS_TIMEOUT_MS) },
      );
      if (!issued?.AccessKeyId || !issued.SecretAccessKey)
        throw Object.assign(new Error('no credentials in the answer'), { name: 'NoCredentials' });
      return {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        ...(issued.SessionToken ? { sessionToken: issued.SessionToken } : {}),
        ...(issued.Expiration ? { expiration: issued.Expiration } : {}),
      };
    } catch (error) {
      const { code, status } = codeOf(error);
      throw new RoleNotAssumedError(code, status);
    }
  };
}
