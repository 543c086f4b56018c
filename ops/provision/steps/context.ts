// What every provisioning step is handed: the options, the AWS clients, the guarded
// caller and the reporter. Steps never build clients or print on their own.

import type { AwsCaller } from '../awsCalls.ts';
import type { AwsClients } from '../awsClients.ts';
import type { ProvisionOptions } from '../options.ts';
import type { Reporter } from '../report.ts';

export interface StepContext {
  readonly options: ProvisionOptions;
  readonly clients: AwsClients;
  readonly aws: AwsCaller;
  readonly report: Reporter;
  /** Waits before IAM is read again (it is eventually consistent); the tests hand in one that returns at once. */
  readonly wait: (milliseconds: number) => Promise<void>;
}

/** The account the administrator's credentials belong to. */
export interface Account {
  readonly accountId: string;
  readonly partition: string;
}
