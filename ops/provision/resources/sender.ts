// The SES side: the sender address (or its domain) verified, recipients verified on request, and
// the region's account: sandbox, quota, and whether it may send at all.

import * as SES from '@aws-sdk/client-ses';
import { maskAddress } from '../../../lambda/log.ts';
import { type PlanItem, ses, step } from '../change.ts';
import type { StepContext } from '../context.ts';
import type { SendingStatus } from '../deliverabilityReport.ts';
import { isFreeMailDomain } from '../freeMailDomains.ts';
import { domainOf } from '../policyDocument.ts';

/** What SES says of the sender and its domain: read before any change, since the policy document depends on it. */
export interface SenderReading {
  readonly addressStatus: string | undefined;
  /** The domain is a verified identity: the policy must name it too. */
  readonly domainVerified: boolean;
}

/** Each identity's verification status, as SES answers it (`undefined`: SES does not know it). */
export async function readVerification(
  { aws }: StepContext,
  identities: readonly string[],
): Promise<Record<string, string | undefined>> {
  if (identities.length === 0) return {};
  const answer = await aws.ses.read(new SES.GetIdentityVerificationAttributesCommand({ Identities: [...identities] }));
  const status = (identity: string) => answer.VerificationAttributes?.[identity]?.VerificationStatus;
  return Object.fromEntries(identities.map((identity) => [identity, status(identity)]));
}

export async function readSender(context: StepContext, fromAddress: string): Promise<SenderReading> {
  const domain = domainOf(fromAddress);
  const status = await readVerification(context, [fromAddress, domain]);
  return { addressStatus: status[fromAddress], domainVerified: status[domain] === 'Success' };
}

/** A quota of 200 mails a day at 1 a second is the sandbox (SES v1 has no other sign of it). */
export async function readSending({ aws }: StepContext): Promise<SendingStatus> {
  const quota = await aws.ses.read(new SES.GetSendQuotaCommand({}));
  const enabled = await aws.ses.read(new SES.GetAccountSendingEnabledCommand({}));
  return {
    sandbox: quota.Max24HourSend === 200 && quota.MaxSendRate === 1,
    sendingEnabled: enabled.Enabled !== false,
    max24HourSend: quota.Max24HourSend ?? 0,
    maxSendRate: quota.MaxSendRate ?? 0,
    sentLast24Hours: quota.SentLast24Hours ?? 0,
  };
}

/** Asks SES to verify an address unless it already is or is pending. */
export function planAddress(name: string, address: string, status: string | undefined, region: string): PlanItem {
  const masked = maskAddress(address);
  const lines = step(name);
  if (status === 'Success') return lines.exists(`${masked} is verified in SES (${region})`);
  if (status === 'Pending')
    return lines.exists(`${masked}: verification pending; click the link in the mail SES sent to that address`);
  return lines.create(
    `ask SES (${region}) to send a verification mail to ${masked}`,
    ses(new SES.VerifyEmailIdentityCommand({ EmailAddress: address })),
    `SES (${region}) sent a verification mail to ${masked}: click its link`,
  );
}

export function planSender(fromAddress: string, reading: SenderReading, region: string): PlanItem {
  if (reading.addressStatus === 'Success' || !reading.domainVerified)
    return planAddress('sender', fromAddress, reading.addressStatus, region);
  const domain = domainOf(fromAddress);
  return step('sender').exists(
    `${maskAddress(fromAddress)} is verified through its domain ${domain} in SES (${region})`,
  );
}

/**
 * A sender at a mailbox provider's domain: SES signs with amazonses.com and sends from its own
 * MAIL FROM domain, so neither DKIM nor SPF aligns with the From domain, and the provider's DMARC
 * policy tells receiving servers what to do with such mail (reject it, or file it as spam).
 */
export function freeMailWarning(fromAddress: string): PlanItem[] {
  const domain = domainOf(fromAddress);
  if (!isFreeMailDomain(domain)) return [];
  return [
    step('sender domain').warning(
      `${domain} is a mailbox provider's domain: SES signs the mail as amazonses.com, not as ${domain}, so it fails ${domain}'s DMARC check, and receiving servers may reject it or file it as spam; send from a domain you own with --domain DOMAIN (docs/deliverability.md)`,
    ),
  ];
}

/**
 * The closing advice for an account in the sandbox, where SES delivers only to verified addresses:
 * the skill mails the Alexa account's own address, which is very often the sender itself (the owner
 * mails themselves), and then nothing more is needed.
 */
export function sandboxAdvice(fromAddress: string, verifyRecipients: readonly string[], domain?: string): string {
  const verified = domain
    ? `If your Alexa account's address is at ${domain}, nothing more is needed: the domain's verification covers it.`
    : `If ${maskAddress(fromAddress)} is also your Alexa account's address (the skill mails you from your own address), nothing more is needed: the sender's verification covers it.`;
  const named = verifyRecipients.map(maskAddress).join(', ');
  const otherwise = named
    ? `Otherwise, the skill can mail ${named} once verified; for another address run again with --verify-recipient ADDRESS too`
    : 'Otherwise run again with --verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS';
  return `While the account is in the SES sandbox, SES delivers only to verified addresses. ${verified} ${otherwise}, or request production access in the SES console.`;
}

/** What was sent in the last 24 hours counts against the quota; in the sandbox SES delivers only to verified recipients. */
export function planSending(status: SendingStatus, region: string): PlanItem[] {
  const lines = step('SES sending');
  const figures = `${status.max24HourSend} mails a day, ${status.maxSendRate} a second, ${status.sentLast24Hours} sent in the last 24 hours`;
  return [
    lines.checked(
      status.sandbox
        ? `the account is in the SES sandbox (${figures}): SES delivers only to verified addresses, such as the sender (another with --verify-recipient ADDRESS), until you request production access in the SES console`
        : `production access (${figures})`,
    ),
    ...(status.sendingEnabled
      ? []
      : [
          lines.warning(
            `AWS has paused sending for this account in ${region}, so the skill cannot send: the SES console's reputation page says why and how to ask for it back`,
          ),
        ]),
  ];
}
