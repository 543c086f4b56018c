// The count in a DynamoDB table, shared by every container: one conditional UpdateItem per send
// judges and records the reservation at once, and a GetItem, only when it is refused, reads why.
// One row per key (a user, a recipient, the account), holding a count per UTC day, for a user the
// last mail reserved, and a TTL.
// lazyDynamoDbStore.ts imports this module dynamically, so the build puts it, with the DynamoDB client,
// into a chunk loaded only when a send asks the table, as it does the SES client (lambda/mail/sesSdk.ts).

import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { MailConfig } from '../config.ts';
import { LIMIT_CONNECTION_TIMEOUT_MS } from '../deadlines.ts';
import { defaultProvider } from '../mail/credentialChain.ts';
import { roleCredentialsOnDemand } from '../mail/roleCredentials.ts';
import { judge, type KeyRecord, type LimitStore, type Reservation } from './store.ts';
import { LIMIT_TABLE_KEY, LIMIT_TABLE_TTL_ATTRIBUTE } from './tableSchema.ts';
import { DUPLICATE_WINDOW_MS, nextUtcMidnight } from './window.ts';

export interface DynamoDbStoreConfig extends Pick<MailConfig, 'region' | 'credentials' | 'role'> {
  readonly table: string;
  /** The partition key and what precedes the row's key in it; default: the limit table's own, bare. */
  readonly key?: { readonly attribute: string; readonly prefix: string };
}

/**
 * In the SES region, with the SES key when one is configured (provisioning attaches the table's
 * policy to the same user), else the default chain. No endpoint is set: the SDK's
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL point the same bundle at a local DynamoDB.
 */
function createDynamoDbClient(config: DynamoDbStoreConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    // With a configured key the chain is never asked, and never loaded (credentialChain.ts); a role
    // sending the mail counts it too (provisioning attaches the table's policy to it).
    ...(config.credentials
      ? { credentials: config.credentials }
      : config.role
        ? { credentials: roleCredentialsOnDemand(config.role, config.region) }
        : { credentialDefaultProvider: defaultProvider }),
    // Never retried: a retry of an update whose answer was lost would find its own reservation
    // and hear "just sent". A failure fails open instead (limiter.ts).
    maxAttempts: 1,
    requestHandler: { connectionTimeout: LIMIT_CONNECTION_TIMEOUT_MS },
  });
}

function rowKey(config: DynamoDbStoreConfig, reservation: Reservation) {
  const { attribute, prefix } = config.key ?? { attribute: LIMIT_TABLE_KEY, prefix: '' };
  return { [attribute]: { S: `${prefix}${reservation.key}` } };
}

/** A count per day in one row: a new day's attribute starts from nothing, with no read first. */
const mailsOn = (day: string) => `mails-${day}`;

const NAMES = { '#lastMail': 'lastMail', '#lastAt': 'lastAt' } as const;

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/** The row stops mattering when its day ends and its last mail is out of the duplicate window. */
function expiresAt(reservation: Reservation): string {
  return String(Math.ceil((nextUtcMidnight(reservation.at) + DUPLICATE_WINDOW_MS) / 1000));
}

/** judge() (store.ts) as a condition: the update happens only where judge() would allow it. */
function reserveInput(config: DynamoDbStoreConfig, reservation: Reservation, cap: number) {
  const { fingerprint } = reservation;
  const underCap = cap > 0 ? '(attribute_not_exists(#today) OR #today < :cap)' : undefined;
  const notRepeated =
    fingerprint === undefined
      ? undefined
      : '(attribute_not_exists(#lastMail) OR #lastMail <> :fingerprint OR #lastAt <= :windowStart)';
  const condition = [underCap, notRepeated].filter((part) => part !== undefined).join(' AND ');
  return {
    TableName: config.table,
    Key: rowKey(config, reservation),
    UpdateExpression: `ADD #today :one SET ${fingerprint === undefined ? '' : '#lastMail = :fingerprint, #lastAt = :at, '}#expiresAt = :expiresAt REMOVE #previousDay`,
    ...(condition ? { ConditionExpression: condition } : {}),
    ExpressionAttributeNames: {
      ...(fingerprint === undefined ? {} : NAMES),
      '#today': mailsOn(reservation.day),
      '#previousDay': mailsOn(reservation.previousDay),
      '#expiresAt': LIMIT_TABLE_TTL_ATTRIBUTE,
    },
    ExpressionAttributeValues: {
      ':one': { N: '1' },
      ':expiresAt': { N: expiresAt(reservation) },
      ...(fingerprint === undefined
        ? {}
        : {
            ':fingerprint': { S: fingerprint },
            ':at': { N: String(reservation.at) },
            ':windowStart': { N: String(reservation.at - DUPLICATE_WINDOW_MS) },
          }),
      ...(cap > 0 ? { ':cap': { N: String(cap) } } : {}),
    },
  };
}

/** A user's reservation only while it is still their last; any other while the day's count holds it. */
function releaseInput(config: DynamoDbStoreConfig, reservation: Reservation) {
  const { fingerprint } = reservation;
  return {
    TableName: config.table,
    Key: rowKey(config, reservation),
    ...(fingerprint === undefined
      ? {
          UpdateExpression: 'ADD #day :minusOne',
          ConditionExpression: '#day > :zero',
          ExpressionAttributeNames: { '#day': mailsOn(reservation.day) },
          ExpressionAttributeValues: { ':minusOne': { N: '-1' }, ':zero': { N: '0' } },
        }
      : {
          UpdateExpression: 'ADD #day :minusOne REMOVE #lastMail, #lastAt',
          ConditionExpression: '#lastMail = :fingerprint AND #lastAt = :at',
          ExpressionAttributeNames: { ...NAMES, '#day': mailsOn(reservation.day) },
          ExpressionAttributeValues: {
            ':minusOne': { N: '-1' },
            ':fingerprint': { S: fingerprint },
            ':at': { N: String(reservation.at) },
          },
        }),
  };
}

type Item = Record<string, { S?: string; N?: string }> | undefined;

function recordOf(item: Item, day: string): KeyRecord {
  const lastAt = item?.lastAt?.N;
  return {
    mailsToday: Number(item?.[mailsOn(day)]?.N ?? 0),
    lastMail: item?.lastMail?.S,
    lastAt: lastAt === undefined ? undefined : Number(lastAt),
  };
}

/** Built once per container, on the first send that asks the table; later sends reuse its connection. */
export function dynamoDbStore(config: DynamoDbStoreConfig): LimitStore {
  const client = createDynamoDbClient(config);
  return {
    name: 'dynamodb',
    async reserve(reservation, cap, signal) {
      // Twice at most: a refusal whose reason is gone by the time it is read (a reservation given
      // back in between) is asked again once; a row that keeps changing fails open (limiter.ts).
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await client.send(new UpdateItemCommand(reserveInput(config, reservation, cap)), {
            abortSignal: signal,
          });
          return { kind: 'allowed' };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        // Without the repeat guard the cap is the only condition: no read needed to say which refused.
        if (reservation.fingerprint === undefined) return { kind: 'daily-limit' };
        const { Item } = await client.send(
          new GetItemCommand({
            TableName: config.table,
            Key: rowKey(config, reservation),
            ConsistentRead: true,
            ProjectionExpression: '#today, #lastMail, #lastAt',
            ExpressionAttributeNames: { ...NAMES, '#today': mailsOn(reservation.day) },
          }),
          { abortSignal: signal },
        );
        const judgement = judge(recordOf(Item, reservation.day), reservation, cap);
        if (judgement.kind !== 'allowed') return judgement;
      }
      throw Object.assign(new Error('The limit row changed under every attempt.'), { name: 'LimitRowChanging' });
    },
    async release(reservation, signal) {
      try {
        await client.send(new UpdateItemCommand(releaseInput(config, reservation)), { abortSignal: signal });
        return 'released';
      } catch (error) {
        if (isConditionFailure(error)) return 'superseded';
        throw error;
      }
    },
  };
}
