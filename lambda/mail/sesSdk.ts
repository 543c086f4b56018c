// The part of the AWS SDK the mailer uses, and the one way it builds its client. ses.ts imports
// this module dynamically, so the build puts it (with all it pulls in) into a chunk loaded only on
// the path that sends; naming what it takes lets esbuild leave the rest of the SES client out.

import { SESClient } from '@aws-sdk/client-ses';
import type { MailConfig } from '../config.ts';
import { SES_CONNECTION_TIMEOUT_MS } from '../deadlines.ts';
import { defaultProvider } from './credentialChain.ts';
import { roleCredentialsOnDemand } from './roleCredentials.ts';

export { SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
export type { SESClient };

/** No endpoint is set: the SDK's AWS_ENDPOINT_URL_SES and AWS_ENDPOINT_URL point the same bundle at a local SES. */
export function createSesClient(config: MailConfig): SESClient {
  return new SESClient({
    region: config.region,
    // With a configured key the chain is never asked, and never loaded (credentialChain.ts); with a
    // role, STS is asked with the chain's credentials (assumedRole.ts).
    ...(config.credentials
      ? { credentials: config.credentials }
      : config.role
        ? { credentials: roleCredentialsOnDemand(config.role, config.region) }
        : { credentialDefaultProvider: defaultProvider }),
    // Retries are the mailer's (ses.ts): the SDK would also retry timeouts, which can duplicate a mail.
    maxAttempts: 1,
    // A host that does not accept the connection fails fast; the whole attempt is bounded by the
    // mailer's abort signal (ses.ts), which also covers an answer that stalls after its headers.
    requestHandler: { connectionTimeout: SES_CONNECTION_TIMEOUT_MS },
  });
}
