// The count in a DynamoDB table, shared by every container: one conditional UpdateItem per send
// judges and records the reservation at once, and a GetItem, only when it is refused, reads why.
// One row per user, holding a count per UTC day and the last mail reserved, with a TTL.

import type { MailConfig } from '../config.ts';
import type { DynamoDBClient } from './dynamoDbSdk.ts';
import { judge, type LimitStore, type Reservation, type UserRecord } from './store.ts';
import { LIMIT_TABLE_KEY, LIMIT_TABLE_TTL_ATTRIBUTE } from './tableSchema.ts';
import { DUPLICATE_WINDOW_MS, nextUtcMidnight } from './window.ts';

type DynamoDbSdk = typeof import('./dynamoDbSdk.ts');

interface DynamoDbStoreConfig extends Pick<MailConfig, 'region' | 'credentials'> {
  readonly table: string;
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
function reserveInput(table: string, reservation: Reservation, cap: number) {
  const notRepeated = '(attribute_not_exists(#lastMail) OR #lastMail <> :fingerprint OR #lastAt <= :windowStart)';
  return {
    TableName: table,
    Key: { [LIMIT_TABLE_KEY]: { S: reservation.userKey } },
    UpdateExpression:
      'ADD #today :one SET #lastMail = :fingerprint, #lastAt = :at, #expiresAt = :expiresAt REMOVE #previousDay',
    ConditionExpression: cap > 0 ? `(attribute_not_exists(#today) OR #today < :cap) AND ${notRepeated}` : notRepeated,
    ExpressionAttributeNames: {
      ...NAMES,
      '#today': mailsOn(reservation.day),
      '#previousDay': mailsOn(reservation.previousDay),
      '#expiresAt': LIMIT_TABLE_TTL_ATTRIBUTE,
    },
    ExpressionAttributeValues: {
      ':one': { N: '1' },
      ':fingerprint': { S: reservation.fingerprint },
      ':at': { N: String(reservation.at) },
      ':windowStart': { N: String(reservation.at - DUPLICATE_WINDOW_MS) },
      ':expiresAt': { N: expiresAt(reservation) },
      ...(cap > 0 ? { ':cap': { N: String(cap) } } : {}),
    },
  };
}

type Item = Record<string, { S?: string; N?: string }> | undefined;

function recordOf(item: Item, day: string): UserRecord {
  const lastAt = item?.lastAt?.N;
  return {
    mailsToday: Number(item?.[mailsOn(day)]?.N ?? 0),
    lastMail: item?.lastMail?.S,
    lastAt: lastAt === undefined ? undefined : Number(lastAt),
  };
}

export function dynamoDbStore(config: DynamoDbStoreConfig): LimitStore {
  // Loaded and built on the first send that asks the table, then kept for the container's life:
  // no other request pays for the DynamoDB client, and later sends reuse its connection.
  let client: Promise<{ sdk: DynamoDbSdk; client: DynamoDBClient }> | undefined;
  const dynamoDb = () => {
    if (!client) {
      const loading = import('./dynamoDbSdk.ts').then((sdk) => ({ sdk, client: sdk.createDynamoDbClient(config) }));
      // A failed load must not be remembered for the life of the container: the next send tries again.
      loading.catch(() => {
        if (client === loading) client = undefined;
      });
      client = loading;
    }
    return client;
  };

  return {
    name: 'dynamodb',
    async reserve(reservation, cap, signal) {
      const { sdk, client } = await dynamoDb();
      // Twice at most: a refusal whose reason is gone by the time it is read (a reservation given
      // back in between) is asked again once; a row that keeps changing fails open (limiter.ts).
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await client.send(new sdk.UpdateItemCommand(reserveInput(config.table, reservation, cap)), {
            abortSignal: signal,
          });
          return { kind: 'allowed' };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        const { Item } = await client.send(
          new sdk.GetItemCommand({
            TableName: config.table,
            Key: { [LIMIT_TABLE_KEY]: { S: reservation.userKey } },
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
      const { sdk, client } = await dynamoDb();
      try {
        await client.send(
          new sdk.UpdateItemCommand({
            TableName: config.table,
            Key: { [LIMIT_TABLE_KEY]: { S: reservation.userKey } },
            UpdateExpression: 'ADD #day :minusOne REMOVE #lastMail, #lastAt',
            ConditionExpression: '#lastMail = :fingerprint AND #lastAt = :at',
            ExpressionAttributeNames: { ...NAMES, '#day': mailsOn(reservation.day) },
            ExpressionAttributeValues: {
              ':minusOne': { N: '-1' },
              ':fingerprint': { S: reservation.fingerprint },
              ':at': { N: String(reservation.at) },
            },
          }),
          { abortSignal: signal },
        );
        return 'released';
      } catch (error) {
        if (isConditionFailure(error)) return 'superseded';
        throw error;
      }
    },
  };
}
