// --domain: the sender's domain verified with Easy DKIM (SES v1, like the rest of this tool:
// VerifyDomainIdentity for the TXT token, VerifyDomainDkim for the three DKIM tokens), and the
// DNS records printed to publish. A later run reads the status instead of asking again, and
// asks again only when SES gave up (Failed: no records found within 72 hours). A later run
// without --domain keeps the domain an earlier one set up: the one its policy names.

import {
  GetIdentityDkimAttributesCommand,
  GetIdentityVerificationAttributesCommand,
  VerifyDomainDkimCommand,
  VerifyDomainIdentityCommand,
} from '@aws-sdk/client-ses';
import { maskAddress } from '../../../lambda/log.ts';
import type { DomainReport, IdentityStatus } from '../deliverabilityReport.ts';
import { domainRecords, recordsTable, zoneSnippet } from '../dnsRecords.ts';
import type { StepContext } from './context.ts';

/** What SES says of the domain and of the sender address, read before any change. */
export interface DomainReading {
  readonly domain: string;
  readonly verificationStatus: IdentityStatus;
  readonly verificationToken?: string | undefined;
  readonly dkimStatus: IdentityStatus;
  readonly dkimEnabled: boolean;
  readonly dkimTokens: readonly string[];
  /** SES verified the address as an identity of its own: SES then sends as it, so the policy keeps it. */
  readonly addressVerified: boolean;
  /** Not given as --domain: the one an earlier run set up (keptDomain). */
  readonly kept?: boolean;
}

export interface DomainOutcome extends DomainReport {
  /** SES may send from the address: the domain is verified (by its TXT or its DKIM records), or the address itself. */
  readonly verified: boolean;
  readonly addressVerified: boolean;
}

const STATUS_WORDS: Readonly<Record<IdentityStatus, string>> = {
  Pending: 'pending',
  Success: 'success',
  Failed: 'failed',
  TemporaryFailure: 'temporary failure',
  NotStarted: 'not started',
  none: 'not started',
};

function identityStatus(value: string | undefined): IdentityStatus {
  return value && value in STATUS_WORDS ? (value as IdentityStatus) : 'none';
}

export async function readDomain(
  { clients, aws }: StepContext,
  domain: string,
  fromAddress: string,
): Promise<DomainReading> {
  const verification = await aws.read('ses:GetIdentityVerificationAttributes', () =>
    clients.ses.send(new GetIdentityVerificationAttributesCommand({ Identities: [domain, fromAddress] })),
  );
  const dkim = await aws.read('ses:GetIdentityDkimAttributes', () =>
    clients.ses.send(new GetIdentityDkimAttributesCommand({ Identities: [domain] })),
  );
  const ownDomain = verification.VerificationAttributes?.[domain];
  const ownDkim = dkim.DkimAttributes?.[domain];
  return {
    domain,
    verificationStatus: identityStatus(ownDomain?.VerificationStatus),
    verificationToken: ownDomain?.VerificationToken,
    dkimStatus: identityStatus(ownDkim?.DkimVerificationStatus),
    dkimEnabled: ownDkim?.DkimEnabled === true,
    dkimTokens: ownDkim?.DkimTokens ?? [],
    addressVerified: verification.VerificationAttributes?.[fromAddress]?.VerificationStatus === 'Success',
  };
}

/**
 * Without --domain: the domain an earlier --domain run set up, if any. It is the domain identity
 * this tool's AlexaSkillMailAccess names for the sender (the address at that domain or below it),
 * when SES holds it with Easy DKIM tokens, as --domain leaves it. Nothing else is guessed from
 * SES: a domain someone verified for other reasons is not taken for the sender's.
 */
export async function keptDomain(
  context: StepContext,
  policyDocument: unknown,
  fromAddress: string,
): Promise<DomainReading | undefined> {
  const statement = (policyDocument as { Statement?: { Resource?: unknown }[] } | undefined)?.Statement?.[0];
  const resources = Array.isArray(statement?.Resource) ? statement.Resource : [];
  const fromDomain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  const named = resources
    .map((resource) => /:identity\/([^@/]+)$/.exec(String(resource))?.[1]?.toLowerCase())
    .find((domain) => domain && (fromDomain === domain || fromDomain.endsWith(`.${domain}`)));
  if (!named) return undefined;
  const reading = await readDomain(context, named, fromAddress);
  return reading.dkimTokens.length > 0 ? { ...reading, kept: true } : undefined;
}

/** Asks SES to start (or, after a failure, restart) the TXT and DKIM verification; answers the tokens. */
async function requestVerification(
  { clients, aws }: StepContext,
  reading: DomainReading,
): Promise<{ verificationToken: string | undefined; dkimTokens: readonly string[] }> {
  const { domain } = reading;
  const identity = await aws.change('ses:VerifyDomainIdentity', () =>
    clients.ses.send(new VerifyDomainIdentityCommand({ Domain: domain })),
  );
  const dkim = await aws.change('ses:VerifyDomainDkim', () =>
    clients.ses.send(new VerifyDomainDkimCommand({ Domain: domain })),
  );
  return { verificationToken: identity.VerificationToken, dkimTokens: dkim.DkimTokens ?? [] };
}

export async function ensureDomain(
  context: StepContext,
  reading: DomainReading,
  fromAddress: string,
): Promise<DomainOutcome> {
  const { aws, report, options } = context;
  const { domain } = reading;
  const started = reading.verificationStatus !== 'none' && reading.dkimTokens.length > 0;
  const failed = reading.verificationStatus === 'Failed' || reading.dkimStatus === 'Failed';
  let { verificationStatus, dkimStatus, verificationToken } = reading;
  let dkimTokens = reading.dkimTokens;

  if (!started || failed) {
    const asking = started
      ? 'SES found no DNS records within 72 hours: ask it to look again, for the same records'
      : `verify ${domain} with Easy DKIM in SES (${options.region}), for the DNS records below`;
    if (aws.dryRun) {
      report.step('domain', started ? 'would update' : 'would create', asking);
    } else {
      const tokens = await requestVerification(context, reading);
      verificationToken = tokens.verificationToken ?? verificationToken;
      dkimTokens = tokens.dkimTokens;
      verificationStatus = reading.verificationStatus === 'Success' ? 'Success' : 'Pending';
      dkimStatus = 'Pending';
      report.step(
        'domain',
        started ? 'updated' : 'created',
        started
          ? `${domain}: SES found no DNS records within 72 hours; it looks again now, for the same records below`
          : `${domain}: SES verifies it once the DNS records below are published (Easy DKIM)`,
      );
    }
  } else {
    const kept = reading.kept ? ' (kept without --domain: the policy of an earlier --domain run names it)' : '';
    report.step(
      'domain',
      'exists',
      `${domain}${kept}: verification ${STATUS_WORDS[verificationStatus]}, DKIM ${STATUS_WORDS[dkimStatus]}${
        dkimStatus === 'Success' ? '' : ': publish the DNS records below'
      }`,
    );
  }
  if (started && !reading.dkimEnabled)
    report.step(
      'DKIM signing',
      'warning',
      `SES holds DKIM records for ${domain} but does not sign with them: turn DKIM signing on for ${domain} in the SES console`,
    );

  const domainVerified = verificationStatus === 'Success';
  const verified = domainVerified || reading.addressVerified;
  const records = domainRecords({
    domain,
    region: options.region,
    dkimTokens,
    verificationToken: domainVerified ? undefined : verificationToken,
  });
  // Printed until DKIM works: a run after that shows the status only (--json always carries the records).
  if (dkimTokens.length > 0 && dkimStatus !== 'Success') {
    report.block(recordsTable(domain, records));
    report.block(zoneSnippet(domain, records));
  }
  report.step(
    'sender',
    domainVerified ? 'exists' : 'checked',
    domainVerified
      ? `${maskAddress(fromAddress)} sends as the domain identity ${domain}`
      : `${maskAddress(fromAddress)} will send as the domain identity ${domain} once SES has verified it${
          reading.addressVerified ? ' (meanwhile as the address, which SES verified on its own)' : ''
        }`,
  );
  return {
    domain,
    verificationStatus,
    dkimStatus,
    records: dkimTokens.length > 0 ? records : [],
    verified,
    addressVerified: reading.addressVerified,
  };
}
