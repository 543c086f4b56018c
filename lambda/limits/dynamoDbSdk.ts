// The part of the AWS SDK the DynamoDB limit store uses, and the one way it builds its client.
// dynamoDbStore.ts imports this module dynamically, so the build puts it into chunks loaded only
// when a send asks the table, as it does for the SES client (lambda/mail/sesSdk.ts).

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MailConfig } from '../config.ts';
import { LIMIT_CONNECTION_TIMEOUT_MS } from '../deadlines.ts';

export { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
export type { DynamoDBClient };

/**
 * In the SES region, with the SES key when one is configured (provisioning attaches the table's
 * policy to the same user), else the default chain. No endpoint is set: the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL point the same bundle at a local DynamoDB.
 */
export function createDynamoDbClient(mail: Pick<MailConfig, 'region' | 'credentials'>): DynamoDBClient {
  return new DynamoDBClient({
    region: mail.region,
    ...(mail.credentials ? { credentials: mail.credentials } : {}),
    // Never retried: a retry of an update whose answer was lost would find its own reservation
    // and hear "just sent". A failure fails open instead (limiter.ts).
    maxAttempts: 1,
    requestHandler: { connectionTimeout: LIMIT_CONNECTION_TIMEOUT_MS },
  });
}
