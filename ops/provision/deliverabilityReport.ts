// What a provisioning run found of deliverability (docs/deliverability.md), as the summary and
// --json carry it: the SES account of the region, the --domain identity with the DNS records to
// publish, and the configuration set with its bounce and complaint topic.

import type { DnsRecord } from './dnsRecords.ts';

export interface SendingStatus {
  /** A quota of 200 mails a day at 1 a second: SES delivers only to verified recipients. */
  readonly sandbox: boolean;
  /** False once AWS paused the account's sending (a bounce or complaint rate that stayed too high). */
  readonly sendingEnabled: boolean;
  readonly max24HourSend: number;
  readonly maxSendRate: number;
  readonly sentLast24Hours: number;
}

/** SES's words for an identity's verification and DKIM status, or 'none' before the first real run. */
export type IdentityStatus = 'Pending' | 'Success' | 'Failed' | 'TemporaryFailure' | 'NotStarted' | 'none';

export interface DomainReport {
  readonly domain: string;
  readonly verificationStatus: IdentityStatus;
  readonly dkimStatus: IdentityStatus;
  /** Empty in a dry run that would start the verification: SES hands out the tokens then. */
  readonly records: readonly DnsRecord[];
}

export interface ConfigurationSetReport {
  readonly name: string;
  readonly topicArn: string;
  /** The topic's e-mail subscriptions, addresses masked: 'confirmed' or 'pending confirmation'. */
  readonly subscriptions: readonly { readonly endpoint: string; readonly status: string }[];
}
