// What the fake account's SES (v1 API, control plane) holds, per region: identities with their
// verification status, a domain's verification token and Easy DKIM tokens, the sending quota
// (sandbox by default) and whether sending is enabled, and the configuration sets with their
// event destinations; with the arrangement helpers tests use to play the part of DNS and AWS
// support. Sending is the SES stand-in's (standIn.ts, beside it); the actions live here too, by resource.

import { randomBytes } from 'node:crypto';
import { AwsError } from '../protocol.ts';

export type VerificationStatus = 'Pending' | 'Success' | 'Failed' | 'TemporaryFailure' | 'NotStarted';

interface SendQuota {
  max24HourSend: number;
  maxSendRate: number;
  sentLast24Hours: number;
}

interface Dkim {
  enabled: boolean;
  status: VerificationStatus;
  readonly tokens: readonly string[];
}

export interface EventDestination {
  readonly name: string;
  readonly enabled: boolean;
  readonly matchingEventTypes: readonly string[];
  readonly snsTopicArn?: string;
}

interface ConfigurationSet {
  readonly name: string;
  readonly destinations: Map<string, EventDestination>;
}

/** One region's SES: SES keeps nothing across regions. */
interface SesRegion {
  readonly identities: Map<string, VerificationStatus>;
  /** A domain's TXT verification token (`_amazonses.DOMAIN`), kept across repeated VerifyDomainIdentity calls. */
  readonly verificationTokens: Map<string, string>;
  readonly dkim: Map<string, Dkim>;
  readonly quota: SendQuota;
  sendingEnabled: boolean;
  readonly configurationSets: Map<string, ConfigurationSet>;
  /** Sending-authorization policies: identity → policy name → document (JSON text). */
  readonly identityPolicies: Map<string, Map<string, string>>;
}

/** A new account's quota: the SES sandbox. */
const SANDBOX_QUOTA: SendQuota = { max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 0 };

// SES's own rule for a configuration set name.
const CONFIGURATION_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A DKIM token: 32 lower-case base32 characters, the shape of SES's. */
function dkimToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(32), (byte) => alphabet[byte % 32]).join('');
}

interface FakeSesOptions {
  /** Whether an SNS topic exists in the same account: SES refuses an event destination naming one that does not. */
  readonly topicExists?: (arn: string) => boolean;
}

export class FakeSes {
  private readonly regions = new Map<string, SesRegion>();
  /** Every verification mail SES would have sent: region and address. */
  readonly verificationMails: { region: string; address: string }[] = [];

  constructor(private readonly options: FakeSesOptions = {}) {}

  region(name: string): SesRegion {
    let region = this.regions.get(name);
    if (!region) {
      region = {
        identities: new Map(),
        verificationTokens: new Map(),
        dkim: new Map(),
        quota: { ...SANDBOX_QUOTA },
        sendingEnabled: true,
        configurationSets: new Map(),
        identityPolicies: new Map(),
      };
      this.regions.set(name, region);
    }
    return region;
  }

  identities(region: string): Map<string, VerificationStatus> {
    return this.region(region).identities;
  }

  /** What clicking the link in the verification mail (or verifying a domain's DNS) does. */
  verify(region: string, identity: string): void {
    this.identities(region).set(identity, 'Success');
  }

  /**
   * What SES concludes once it looks up a domain's DKIM records: found ('Success', which also
   * verifies the domain, as Easy DKIM does), or not found in time ('Failed').
   */
  settleDkim(region: string, domain: string, status: 'Success' | 'Failed'): void {
    const dkim = this.region(region).dkim.get(domain);
    if (!dkim) throw new Error(`${domain} has no DKIM tokens in ${region}: call VerifyDomainDkim first.`);
    dkim.status = status;
    if (status === 'Success') this.verify(region, domain);
  }

  /** Sets (and returns) the domain's DKIM tokens, once: repeated calls answer the same tokens, as SES does. */
  enableDkim(region: string, domain: string): Dkim {
    const state = this.region(region);
    let dkim = state.dkim.get(domain);
    if (!dkim) {
      dkim = { enabled: true, status: 'Pending', tokens: [dkimToken(), dkimToken(), dkimToken()] };
      state.dkim.set(domain, dkim);
    }
    dkim.enabled = true;
    // Asking again after SES gave up restarts its search for the records.
    if (dkim.status === 'Failed') dkim.status = 'Pending';
    return dkim;
  }

  quota(region: string): SendQuota {
    return this.region(region).quota;
  }

  /** Production access, as granted by an AWS support case. */
  leaveSandbox(region: string): void {
    Object.assign(this.quota(region), { max24HourSend: 50_000, maxSendRate: 14 });
  }

  /** What SES does to an account whose bounce or complaint rate is too high. */
  pauseSending(region: string): void {
    this.region(region).sendingEnabled = false;
  }

  configurationSet(region: string, name: string): ConfigurationSet {
    const set = this.region(region).configurationSets.get(name);
    if (!set) throw new AwsError('ConfigurationSetDoesNotExist', `Configuration set <${name}> does not exist.`);
    return set;
  }

  addConfigurationSet(region: string, name: string): ConfigurationSet {
    if (!CONFIGURATION_SET_NAME.test(name))
      throw new AwsError(
        'InvalidConfigurationSet',
        `Configuration set name <${name}> is invalid: use up to 64 letters, numbers, hyphens and underscores.`,
      );
    const sets = this.region(region).configurationSets;
    if (sets.has(name))
      throw new AwsError('ConfigurationSetAlreadyExists', `Configuration set <${name}> already exists.`);
    const set = { name, destinations: new Map<string, EventDestination>() };
    sets.set(name, set);
    return set;
  }

  checkDestination(destination: EventDestination): void {
    const arn = destination.snsTopicArn;
    if (arn !== undefined && !(this.options.topicExists?.(arn) ?? true))
      throw new AwsError('InvalidSNSDestination', `SNS topic <${arn}> not found.`);
  }

  /** Identities and their status, by region. */
  snapshot(): Record<string, Record<string, string>> {
    return Object.fromEntries(
      [...this.regions]
        .filter(([, region]) => region.identities.size > 0)
        .map(([name, region]) => [name, Object.fromEntries(region.identities)]),
    );
  }

  /** Configuration sets and their event destinations (name → event types and topic), by region. */
  configurationSetsSnapshot(): Record<string, Record<string, Record<string, string>>> {
    return Object.fromEntries(
      [...this.regions]
        .filter(([, region]) => region.configurationSets.size > 0)
        .map(([name, region]) => [
          name,
          Object.fromEntries(
            [...region.configurationSets.values()].map((set) => [
              set.name,
              Object.fromEntries(
                [...set.destinations.values()].map((destination) => [
                  destination.name,
                  `${destination.matchingEventTypes.join(',')} → ${destination.snsTopicArn ?? '(not SNS)'}`,
                ]),
              ),
            ]),
          ),
        ]),
    );
  }
}
