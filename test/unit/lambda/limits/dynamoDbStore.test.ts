// The count in a DynamoDB table (dynalite on loopback, a real implementation of its conditions):
// one conditional write per key, and a row for a key that only counts holds nothing but its count.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGION } from '../../../../lambda/config.ts';
import { dynamoDbStore } from '../../../../lambda/limits/dynamoDbStore.ts';
import type { LimitStore, Reservation } from '../../../../lambda/limits/store.ts';
import { LIMIT_TABLE_KEY, LIMIT_TABLE_TTL_ATTRIBUTE } from '../../../../lambda/limits/tableSchema.ts';
import { type DynamoDbStandIn, startDynamoDbStandIn } from '../../../../testkit/dynamoDb/standIn.ts';
import { PLACEHOLDER_KEY } from '../../../../testkit/placeholders.ts';

const TABLE = 'AlexaSkillMailLimit';
const EVENING = Date.UTC(2026, 10, 30, 18, 20);
const signal = new AbortController().signal;

let dynamoDb: DynamoDbStandIn;
let store: LimitStore;
beforeAll(async () => {
  dynamoDb = await startDynamoDbStandIn();
  await dynamoDb.createLimitTable(TABLE);
  // The SDK reads its endpoint override from the environment, as it does in Lambda.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoDb.url;
  store = dynamoDbStore({ table: TABLE, region: DEFAULT_REGION, credentials: PLACEHOLDER_KEY });
});
afterAll(() => dynamoDb.close());

const counted = (key: string, at = EVENING): Reservation => ({ key, at, day: '2026-11-30', previousDay: '2026-11-29' });

describe('a key that only counts (a recipient, the account)', () => {
  it('is refused at the cap, and its row holds the day’s count and the TTL, nothing of a mail', async () => {
    const key = 'recipient-0123456789abcdef0123456789abcdef';
    expect(await store.reserve(counted(key), 2, signal)).toEqual({ kind: 'allowed' });
    expect(await store.reserve(counted(key, EVENING + 1), 2, signal)).toEqual({ kind: 'allowed' });
    expect(await store.reserve(counted(key, EVENING + 2), 2, signal)).toEqual({ kind: 'daily-limit' });

    expect(await dynamoDb.limitRow(TABLE, key)).toEqual({
      [LIMIT_TABLE_KEY]: { S: key },
      'mails-2026-11-30': { N: '2' },
      [LIMIT_TABLE_TTL_ATTRIBUTE]: { N: String(Date.UTC(2026, 11, 1, 0, 1) / 1000) },
    });
  });

  it('is given back while the day’s count holds it, and never below zero', async () => {
    const key = 'account-given-back';
    await store.reserve(counted(key), 1, signal);

    expect(await store.release(counted(key), signal)).toBe('released');
    expect(await store.release(counted(key), signal)).toBe('superseded');
    expect((await dynamoDb.limitRow(TABLE, key))?.['mails-2026-11-30']).toEqual({ N: '0' });
  });
});
