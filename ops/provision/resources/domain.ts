// --domain: the sender's domain verified with Easy DKIM (SES v1), and its DNS records printed to
// publish; a later run without --domain keeps the domain an earlier one set up.

import * as SES from '@aws-sdk/client-ses';
import { maskAddress } from '../../../lambda/log.ts';
import { type PlanItem, step } from '../change.ts';
import type { StepContext } from '../context.ts';
import type { DomainReport, IdentityStatus } from '../deliverabilityReport.ts';
import { domainRecords, recordsTable, zoneSnippet } from '../dnsRecords.ts';

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

export async function readDomain({ aws }: StepContext, domain: string, fromAddress: string): Promise<DomainReading> {
  const verification = await aws.ses.read(
    new SES.GetIdentityVerificationAttributesCommand({ Identities: [domain, fromAddress] }),
  );
  const dkim = await aws.ses.read(new SES.GetIdentityDkimAttributesCommand({ Identities: [domain] }));
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

/** The records to publish, and the two blocks that show them until DKIM works (--json always carries them). */
function recordsOf(domain: DomainOutcome, region: string, token: string | undefined, dkimTokens: readonly string[]) {
  const verificationToken = domain.verificationStatus === 'Success' ? undefined : token;
  const records = domainRecords({ domain: domain.domain, region, dkimTokens, verificationToken });
  const shown = dkimTokens.length > 0 && domain.dkimStatus !== 'Success';
  return {
    records: dkimTokens.length > 0 ? records : [],
    blocks: shown
      ? [{ block: recordsTable(domain.domain, records) }, { block: zoneSnippet(domain.domain, records) }]
      : [],
  };
}

const DOMAIN = step('domain');

/**
 * The domain's verification started, or started again after SES gave up (Failed: no records found
 * within 72 hours); its DNS records; and the sender line. `outcome` is what the summary reports:
 * as read, or as SES answered the run's request.
 */
export function planDomain(reading: DomainReading, fromAddress: string, region: string) {
  const { domain, verificationStatus, dkimStatus, addressVerified } = reading;
  const started = verificationStatus !== 'none' && reading.dkimTokens.length > 0;
  const failed = verificationStatus === 'Failed' || dkimStatus === 'Failed';
  const verified = verificationStatus === 'Success';
  const outcome: DomainOutcome = {
    domain,
    verificationStatus,
    dkimStatus,
    records: [],
    verified: verified || addressVerified,
    addressVerified,
  };
  const items: PlanItem[] = [];
  const verify = async ({ aws }: StepContext) => {
    const identity = await aws.ses.change(new SES.VerifyDomainIdentityCommand({ Domain: domain }));
    const dkim = await aws.ses.change(new SES.VerifyDomainDkimCommand({ Domain: domain }));
    Object.assign(outcome, { verificationStatus: verified ? 'Success' : 'Pending', dkimStatus: 'Pending' });
    return { identity, dkim };
  };
  const again = 'SES found no DNS records within 72 hours';
  if (!started) {
    items.push(
      DOMAIN.create(
        `verify ${domain} with Easy DKIM in SES (${region}), for the DNS records below`,
        async (context) => {
          const { identity, dkim } = await verify(context);
          const token = identity.VerificationToken ?? reading.verificationToken;
          const shown = recordsOf(outcome, region, token, dkim.DkimTokens ?? []);
          Object.assign(outcome, { records: shown.records });
          return {
            detail: `${domain}: SES verifies it once the DNS records below are published (Easy DKIM)`,
            after: shown.blocks,
          };
        },
      ),
    );
  } else if (failed) {
    items.push(
      DOMAIN.update(`${again}: ask it to look again, for the same records`, async (context) => {
        await verify(context);
        return `${domain}: ${again}; it looks again now, for the same records below`;
      }),
    );
  } else {
    const kept = reading.kept ? ' (kept without --domain: the policy of an earlier --domain run names it)' : '';
    const publish = dkimStatus === 'Success' ? '' : ': publish the DNS records below';
    items.push(
      DOMAIN.exists(
        `${domain}${kept}: verification ${STATUS_WORDS[verificationStatus]}, DKIM ${STATUS_WORDS[dkimStatus]}${publish}`,
      ),
    );
  }
  // A first request learns the tokens, and so the records, from SES's answer; asked again, SES keeps them.
  if (started) {
    const shown = recordsOf(outcome, region, reading.verificationToken, reading.dkimTokens);
    Object.assign(outcome, { records: shown.records });
    if (!reading.dkimEnabled)
      items.push(
        step('DKIM signing').warning(
          `SES holds DKIM records for ${domain} but does not sign with them: turn DKIM signing on for ${domain} in the SES console`,
        ),
      );
    items.push(...shown.blocks);
  }
  const sender = maskAddress(fromAddress);
  const meanwhile = addressVerified ? ' (meanwhile as the address, which SES verified on its own)' : '';
  items.push(
    verified
      ? step('sender').exists(`${sender} sends as the domain identity ${domain}`)
      : step('sender').checked(
          `${sender} will send as the domain identity ${domain} once SES has verified it${meanwhile}`,
        ),
  );
  return { items, outcome };
}
