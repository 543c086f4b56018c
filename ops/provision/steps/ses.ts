// The SES side: the sender address verified (or its domain), recipients verified on
// request, and the account of the region: in the sandbox or not, its quota, and whether it may
// send at all. SES identities belong to one region, the region the skill sends from.

import {
  GetAccountSendingEnabledCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  VerifyEmailIdentityCommand,
} from '@aws-sdk/client-ses';
import { maskAddress } from '../../../lambda/log.ts';
import type { SendingStatus } from '../deliverabilityReport.ts';
import { domainOf } from '../policyDocument.ts';
import type { StepContext } from './context.ts';

interface SenderStatus {
  /** SES verified the address itself, or its domain. */
  readonly verified: boolean;
  /** The domain is a verified identity: the policy must name it too. */
  readonly domainVerified: boolean;
}

async function verificationStatus(
  { clients, aws }: StepContext,
  identities: string[],
): Promise<Record<string, string | undefined>> {
  const answer = await aws.read('ses:GetIdentityVerificationAttributes', () =>
    clients.ses.send(new GetIdentityVerificationAttributesCommand({ Identities: identities })),
  );
  return Object.fromEntries(
    identities.map((identity) => [identity, answer.VerificationAttributes?.[identity]?.VerificationStatus]),
  );
}

/** Asks SES to verify an address unless it (or, for the sender, its domain) already is or is pending. */
async function ensureAddressVerified(
  context: StepContext,
  step: string,
  address: string,
  status: string | undefined,
): Promise<boolean> {
  const { clients, aws, report } = context;
  const masked = maskAddress(address);
  if (status === 'Success') {
    report.step(step, 'exists', `${masked} is verified in SES (${context.options.region})`);
    return true;
  }
  if (status === 'Pending') {
    report.step(step, 'exists', `${masked}: verification pending; click the link in the mail SES sent to that address`);
    return false;
  }
  if (aws.dryRun) {
    report.step(step, 'would create', `ask SES (${context.options.region}) to send a verification mail to ${masked}`);
    return false;
  }
  await aws.change('ses:VerifyEmailIdentity', () =>
    clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: address })),
  );
  report.step(step, 'created', `SES (${context.options.region}) sent a verification mail to ${masked}: click its link`);
  return false;
}

/** What SES says of the sender and its domain: read before any change, since the policy document depends on it. */
export interface SenderReading {
  readonly addressStatus: string | undefined;
  /** The domain is a verified identity: the policy must name it too. */
  readonly domainVerified: boolean;
}

export async function readSender(context: StepContext, fromAddress: string): Promise<SenderReading> {
  const domain = domainOf(fromAddress);
  const status = await verificationStatus(context, [fromAddress, domain]);
  return { addressStatus: status[fromAddress], domainVerified: status[domain] === 'Success' };
}

export async function ensureSenderVerified(
  context: StepContext,
  fromAddress: string,
  reading: SenderReading,
): Promise<SenderStatus> {
  const { domainVerified } = reading;
  if (reading.addressStatus !== 'Success' && domainVerified) {
    context.report.step(
      'sender',
      'exists',
      `${maskAddress(fromAddress)} is verified through its domain ${domainOf(fromAddress)} in SES (${context.options.region})`,
    );
    return { verified: true, domainVerified };
  }
  const verified = await ensureAddressVerified(context, 'sender', fromAddress, reading.addressStatus);
  return { verified, domainVerified };
}

export async function ensureRecipientsVerified(context: StepContext, recipients: readonly string[]): Promise<void> {
  if (recipients.length === 0) return;
  const status = await verificationStatus(context, [...recipients]);
  for (const recipient of recipients) await ensureAddressVerified(context, 'recipient', recipient, status[recipient]);
}

/**
 * A quota of 200 mails a day at 1 a second is the sandbox (SES v1 has no other sign of it): SES
 * then delivers only to verified recipients. What was sent in the last 24 hours counts against the quota.
 */
export async function checkSending({ clients, aws, report, options }: StepContext): Promise<SendingStatus> {
  const quota = await aws.read('ses:GetSendQuota', () => clients.ses.send(new GetSendQuotaCommand({})));
  const enabled = await aws.read('ses:GetAccountSendingEnabled', () =>
    clients.ses.send(new GetAccountSendingEnabledCommand({})),
  );
  const status: SendingStatus = {
    sandbox: quota.Max24HourSend === 200 && quota.MaxSendRate === 1,
    sendingEnabled: enabled.Enabled !== false,
    max24HourSend: quota.Max24HourSend ?? 0,
    maxSendRate: quota.MaxSendRate ?? 0,
    sentLast24Hours: quota.SentLast24Hours ?? 0,
  };
  const figures = `${status.max24HourSend} mails a day, ${status.maxSendRate} a second, ${status.sentLast24Hours} sent in the last 24 hours`;
  report.step(
    'SES sending',
    'checked',
    status.sandbox
      ? `the account is in the SES sandbox (${figures}): each recipient must be verified too (--verify-recipient ADDRESS), or request production access in the SES console`
      : `production access (${figures})`,
  );
  if (!status.sendingEnabled)
    report.step(
      'SES sending',
      'warning',
      `AWS has paused sending for this account in ${options.region}, so the skill cannot send: the SES console's reputation page says why and how to ask for it back`,
    );
  return status;
}
