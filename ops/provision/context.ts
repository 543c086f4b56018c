// What every read and every change is handed: the options, the AWS clients, the guarded caller
// and the reporter. Nothing else builds clients or prints.

import type { AwsCaller } from './awsCalls.ts';
import type { AwsClients } from './awsClients.ts';
import type { ProvisionOptions } from './options.ts';
import type { Reporter } from './print.ts';

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

/** Every item of every page of a paginated listing. */
export async function all<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => Item[] | undefined,
): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

/** The --profile to repeat in an `aws …` command the output suggests. */
export function profileFlag(options: { readonly profile?: string | undefined }): string {
  return options.profile ? ` --profile ${options.profile}` : '';
}
