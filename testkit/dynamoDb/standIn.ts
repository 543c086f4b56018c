// The DynamoDB stand-in: dynalite on loopback for tests and tools, in memory (memory-level, so the native
// LevelDB binding it also depends on is never used), with the limit table created as
// provisioning creates it. Its items, conditions and updates are DynamoDB's; what dynalite
// lacks (UpdateTimeToLive) is the fake AWS control plane's (testkit/aws/dynamoDb.ts).

// The console page's type check reaches this file through the simulator (--hosted), without the
// project's include of this folder: the declaration is named here too.
/// <reference path="./dynalite.d.ts" />

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DEFAULT_REGION } from '../../lambda/config.ts';
import { LIMIT_TABLE_KEY, limitTableDefinition } from '../../lambda/limits/tableSchema.ts';
import { listenOnLoopback } from '../loopback.ts';
import { PLACEHOLDER_KEY } from '../placeholders.ts';

export interface DynamoDbStandIn {
  /** The endpoint for AWS_ENDPOINT_URL_DYNAMODB. */
  readonly url: string;
  /** Creates a table shaped as provisioning makes the limit table, and waits until it is ACTIVE. */
  createLimitTable(name: string): Promise<void>;
  /** Creates a table shaped as an Alexa-hosted skill's persistence table: the string key `id` alone. */
  createPersistenceTable(name: string): Promise<void>;
  /** Every item of a table, as DynamoDB holds them. */
  items(table: string): Promise<Record<string, unknown>[]>;
  /** A limit-table row as DynamoDB holds it, by user hash; undefined when there is none. */
  limitRow(table: string, userHash: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export async function startDynamoDbStandIn(): Promise<DynamoDbStandIn> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listener = await listenOnLoopback(server);
  // dynalite checks no signature; any key signs.
  const client = new DynamoDBClient({
    region: DEFAULT_REGION,
    endpoint: listener.url,
    credentials: PLACEHOLDER_KEY,
    maxAttempts: 1,
  });
  const createTable = async (input: CreateTableCommandInput) => {
    await client.send(new CreateTableCommand(input));
    // dynalite makes it ACTIVE on its next turn: ask until it says so.
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    url: listener.url,
    async createLimitTable(name) {
      const { BillingMode, KeySchema, AttributeDefinitions } = limitTableDefinition(name);
      await createTable({
        TableName: name,
        BillingMode,
        KeySchema: [...KeySchema],
        AttributeDefinitions: [...AttributeDefinitions],
      });
    },
    createPersistenceTable: (name) =>
      createTable({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      }),
    async items(table) {
      const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      return Items ?? [];
    },
    async limitRow(table, userHash) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { [LIMIT_TABLE_KEY]: { S: userHash } }, ConsistentRead: true }),
      );
      return Item;
    },
    async close() {
      client.destroy();
      await listener.close();
    },
  };
}
