// The in-memory SES (v1 API) control plane of the fake account: identities and their
// verification status per region, the sending quota (sandbox by default), and the
// verification mails "sent". Sending is the SES stand-in's, in testkit/ses/.

import { AwsError, type QueryActions, type QueryParams, XmlMap, type XmlValue } from './protocol.ts';

export const SES_NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

export type VerificationStatus = 'Pending' | 'Success' | 'Failed' | 'TemporaryFailure' | 'NotStarted';

interface SendQuota {
  max24HourSend: number;
  maxSendRate: number;
  sentLast24Hours: number;
}

/** A new account's quota: the SES sandbox. */
const SANDBOX_QUOTA: SendQuota = { max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 0 };

// SES's own check is looser than RFC 5322; this refuses what it refuses in practice.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export class FakeSes {
  private readonly identitiesByRegion = new Map<string, Map<string, VerificationStatus>>();
  private readonly quotaByRegion = new Map<string, SendQuota>();
  /** Every verification mail SES would have sent: region and address. */
  readonly verificationMails: { region: string; address: string }[] = [];

  identities(region: string): Map<string, VerificationStatus> {
    let identities = this.identitiesByRegion.get(region);
    if (!identities) {
      identities = new Map();
      this.identitiesByRegion.set(region, identities);
    }
    return identities;
  }

  /** What clicking the link in the verification mail (or verifying a domain's DNS) does. */
  verify(region: string, identity: string): void {
    this.identities(region).set(identity, 'Success');
  }

  quota(region: string): SendQuota {
    let quota = this.quotaByRegion.get(region);
    if (!quota) {
      quota = { ...SANDBOX_QUOTA };
      this.quotaByRegion.set(region, quota);
    }
    return quota;
  }

  /** Production access, as granted by an AWS support case. */
  leaveSandbox(region: string): void {
    Object.assign(this.quota(region), { max24HourSend: 50_000, maxSendRate: 14 });
  }

  /** Identities and their status, by region. */
  snapshot(): Record<string, Record<string, string>> {
    return Object.fromEntries(
      [...this.identitiesByRegion].map(([region, identities]) => [region, Object.fromEntries(identities)]),
    );
  }
}

export const SES_ACTIONS: QueryActions<FakeSes> = {
  // Identities: addresses (and domains) the account may send as, per region.
  VerifyEmailIdentity: (ses, params, { region }) => verifyEmail(ses, params, region),
  VerifyEmailAddress: (ses, params, { region }) => verifyEmail(ses, params, region),

  GetIdentityVerificationAttributes: (ses, params, { region }) => {
    const identities = ses.identities(region);
    const entries = params
      .list('Identities')
      .filter((identity) => identities.has(identity))
      .map((identity): [string, XmlValue] => [identity, { VerificationStatus: identities.get(identity) }]);
    return { VerificationAttributes: new XmlMap(entries) };
  },

  ListIdentities: (ses, _params, { region }) => ({ Identities: [...ses.identities(region).keys()] }),

  DeleteIdentity: (ses, params, { region }) => {
    ses.identities(region).delete(params.required('Identity'));
    return {};
  },

  // The account's sending limits.
  GetSendQuota: (ses, _params, { region }) => {
    const quota = ses.quota(region);
    return {
      Max24HourSend: quota.max24HourSend.toFixed(1),
      MaxSendRate: quota.maxSendRate.toFixed(1),
      SentLast24Hours: quota.sentLast24Hours.toFixed(1),
    };
  },
};

function verifyEmail(ses: FakeSes, params: QueryParams, region: string): Record<string, XmlValue> {
  const address = params.required('EmailAddress');
  if (!EMAIL.test(address)) throw new AwsError('InvalidParameterValue', `Invalid email address<${address}>.`, 400);
  const identities = ses.identities(region);
  if (identities.get(address) !== 'Success') identities.set(address, 'Pending');
  ses.verificationMails.push({ region, address });
  return {};
}
