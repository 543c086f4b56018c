// Which DynamoDB table the abuse limits count in: the limit table provisioning made (MAIL_LIMIT_TABLE),
// else an Alexa-hosted skill's own persistence table, else none (each container counts in memory).

import type { LimitConfig, MailConfig } from '../config.ts';
import type { DynamoDbStoreConfig } from './dynamoDbStore.ts';

/**
 * The hosted table's key is `id`, and ask-sdk's persistence adapter writes its rows there under the
 * user's or device's ID (amzn1.ask.…): a row of ours starts with what no such ID does.
 */
export const PERSISTENCE_TABLE_KEY = { attribute: 'id', prefix: 'alexa-ses-mailer#limit#' } as const;

export function limitTableOf(
  limits: LimitConfig,
  mail: Pick<MailConfig, 'region' | 'credentials' | 'role'> | undefined,
): DynamoDbStoreConfig | undefined {
  if (!mail) return undefined;
  if (limits.table)
    return {
      table: limits.table,
      region: mail.region,
      ...(mail.credentials ? { credentials: mail.credentials } : {}),
      ...(mail.role ? { role: mail.role } : {}),
    };
  // The hosted skill's own table, in its own region, with its execution role's credentials (the
  // default chain): the owner's role has no right to it.
  if (limits.persistenceTable)
    return { table: limits.persistenceTable.name, region: limits.persistenceTable.region, key: PERSISTENCE_TABLE_KEY };
  return undefined;
}
