// The SES side: the sender address verified (or its domain), recipients verified on request, and
// the account of the region: in the sandbox or not, its quota, and whether it may send at all.
// SES identities belong to one region, the region the skill sends from.

import {
  GetAccountSendingEnabledCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  VerifyEmailIdentityCommand,
} from '@aws-sdk/client-ses';
import { maskAddress } from '../../../lambda/log.ts';
import { change, finding, type PlanItem } from '../change.ts';
import type { StepContext } from '../context.ts';
import type { SendingStatus } from '../deliverabilityReport.ts';
import { domainOf } from '../policyDocument.ts';

/** What SES says of the sender and its domain: read before any change, since the policy document depends on it. */
export interface SenderReading {
  readonly addressStatus: string | undefined;
  /** The domain is a verified identity: the policy must name it too. */
  readonly domainVerified: boolean;
}

async function verificationStatus(
  { aws }: StepContext,
  identities: string[],
): Promise<Record<string, string | undefined>> {
  if (identities.length === 0) return {};
  const answer = await aws.ses.read(new GetIdentityVerificationAttributesCommand({ Identities: identities }));
  return Object.fromEntries(
    identities.map((identity) => [identity, answer.VerificationAttributes?.[identity]?.VerificationStatus]),
  );
}

export async function readSender(context: StepContext, fromAddress: string): Promise<SenderReading> {
  const domain = domainOf(fromAddress);
  const status = await verificationStatus(context, [fromAddress, domain]);
  return { addressStatus: status[fromAddress], domainVerified: status[domain] === 'Success' };
}

export function readRecipients(
  context: StepContext,
  recipients: readonly string[],
): Promise<Record<string, string | undefined>> {
  return verificationStatus(context, [...recipients]);
}

/** A quota of 200 mails a day at 1 a second is the sandbox (SES v1 has no other sign of it). */
export async function readSending({ aws }: StepContext): Promise<SendingStatus> {
  const quota = await aws.ses.read(new GetSendQuotaCommand({}));
  const enabled = await aws.ses.read(new GetAccountSendingEnabledCommand({}));
  return {
    sandbox: quota.Max24HourSend === 200 && quota.MaxSendRate === 1,
    sendingEnabled: enabled.Enabled !== false,
    max24HourSend: quota.Max24HourSend ?? 0,
    maxSendRate: quota.MaxSendRate ?? 0,
    sentLast24Hours: quota.SentLast24Hours ?? 0,
  };
}

/** Asks SES to verify an address unless it already is or is pending. */
export function planAddress(step: string, address: string, status: string | undefined, region: string): PlanItem {
  const masked = maskAddress(address);
  if (status === 'Success') return finding(step, 'exists', `${masked} is verified in SES (${region})`);
  if (status === 'Pending')
    return finding(
      step,
      'exists',
      `${masked}: verification pending; click the link in the mail SES sent to that address`,
    );
  return change(step, 'create', `ask SES (${region}) to send a verification mail to ${masked}`, async ({ aws }) => {
    await aws.ses.change(new VerifyEmailIdentityCommand({ EmailAddress: address }));
    return `SES (${region}) sent a verification mail to ${masked}: click its link`;
  });
}

export function planSender(fromAddress: string, reading: SenderReading, region: string): PlanItem {
  if (reading.addressStatus !== 'Success' && reading.domainVerified)
    return finding(
      'sender',
      'exists',
      `${maskAddress(fromAddress)} is verified through its domain ${domainOf(fromAddress)} in SES (${region})`,
    );
  return planAddress('sender', fromAddress, reading.addressStatus, region);
}

/** What was sent in the last 24 hours counts against the quota; in the sandbox SES delivers only to verified recipients. */
export function planSending(status: SendingStatus, region: string): PlanItem[] {
  const figures = `${status.max24HourSend} mails a day, ${status.maxSendRate} a second, ${status.sentLast24Hours} sent in the last 24 hours`;
  return [
    finding(
      'SES sending',
      'checked',
      status.sandbox
        ? `the account is in the SES sandbox (${figures}): each recipient must be verified too (--verify-recipient ADDRESS), or request production access in the SES console`
        : `production access (${figures})`,
    ),
    ...(status.sendingEnabled
      ? []
      : [
          finding(
            'SES sending',
            'warning',
            `AWS has paused sending for this account in ${region}, so the skill cannot send: the SES console's reputation page says why and how to ask for it back`,
          ),
        ]),
  ];
}
