// The in-memory DynamoDB control plane of the fake account: tables with their key schema,
// billing mode, tags, Time to Live and resource policy, as provisioning creates, checks and deletes them. Items
// are not kept here: the skill's reads and writes go to dynalite (testkit/dynamoDb/).

import { randomUUID } from 'node:crypto';
import type { JsonActions, JsonInput } from './jsonProtocol.ts';
import { AwsError, type RequestContext } from './protocol.ts';

export const DYNAMODB_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

type TableStatus = 'CREATING' | 'ACTIVE';
type TimeToLiveStatus = 'ENABLED' | 'ENABLING' | 'DISABLED';

interface Tag {
  readonly Key: string;
  readonly Value: string;
}

interface FakeTable {
  readonly name: string;
  readonly arn: string;
  readonly id: string;
  readonly created: Date;
  status: TableStatus;
  readonly keySchema: unknown;
  readonly attributeDefinitions: unknown;
  readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly tags: Map<string, string>;
  timeToLive: { status: TimeToLiveStatus; attribute?: string };
  /** The table's resource-based policy, as PutResourcePolicy stored it, with its revision. */
  resourcePolicy?: { document: string; revisionId: string };
}

export class FakeDynamoDb {
  /** By region, then by table name: a table name is unique per account and region. */
  private readonly tablesByRegion = new Map<string, Map<string, FakeTable>>();

  constructor(private readonly accountId: string) {}

  tables(region: string): Map<string, FakeTable> {
    let tables = this.tablesByRegion.get(region);
    if (!tables) {
      tables = new Map();
      this.tablesByRegion.set(region, tables);
    }
    return tables;
  }

  table(region: string, name: string): FakeTable {
    const table = this.tables(region).get(name);
    if (!table)
      throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    return table;
  }

  tableByArn(arn: string, region: string): FakeTable {
    const name = /:table\/([^/]+)$/.exec(arn)?.[1];
    if (!name) throw new AwsError('ValidationException', `Invalid TableArn: ${arn}`);
    return this.table(region, name);
  }

  /** What an administrator might have made by hand: an ACTIVE on-demand table, untagged unless told. */
  addTable(region: string, name: string, options: { tags?: readonly Tag[]; keyName?: string } = {}): FakeTable {
    const key = options.keyName ?? 'pk';
    return this.create(region, {
      name,
      keySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      attributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      tags: options.tags ?? [],
      status: 'ACTIVE',
    });
  }

  create(
    region: string,
    spec: {
      name: string;
      keySchema: unknown;
      attributeDefinitions: unknown;
      billingMode: FakeTable['billingMode'];
      tags: readonly Tag[];
      status: TableStatus;
    },
  ): FakeTable {
    const tables = this.tables(region);
    if (tables.has(spec.name)) throw new AwsError('ResourceInUseException', `Table already exists: ${spec.name}`);
    const table: FakeTable = {
      name: spec.name,
      arn: `arn:aws:dynamodb:${region}:${this.accountId}:table/${spec.name}`,
      id: randomUUID(),
      created: new Date(),
      status: spec.status,
      keySchema: spec.keySchema,
      attributeDefinitions: spec.attributeDefinitions,
      billingMode: spec.billingMode,
      tags: new Map(spec.tags.map((tag) => [tag.Key, tag.Value])),
      timeToLive: { status: 'DISABLED' },
    };
    tables.set(spec.name, table);
    return table;
  }

  /** Tables and their state, by region. */
  snapshot(): Record<
    string,
    Record<string, { status: string; billingMode: string; timeToLive: string; tags: Record<string, string> }>
  > {
    return Object.fromEntries(
      [...this.tablesByRegion].map(([region, tables]) => [
        region,
        Object.fromEntries(
          [...tables.values()].map((table) => [
            table.name,
            {
              status: table.status,
              billingMode: table.billingMode,
              timeToLive: `${table.timeToLive.status}${table.timeToLive.attribute ? ` ${table.timeToLive.attribute}` : ''}`,
              tags: Object.fromEntries(table.tags),
            },
          ]),
        ),
      ]),
    );
  }
}

function describe(table: FakeTable): Record<string, unknown> {
  return {
    TableName: table.name,
    TableArn: table.arn,
    TableId: table.id,
    TableStatus: table.status,
    CreationDateTime: table.created.getTime() / 1000,
    KeySchema: table.keySchema,
    AttributeDefinitions: table.attributeDefinitions,
    BillingModeSummary: { BillingMode: table.billingMode },
    ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
    ItemCount: 0,
    TableSizeBytes: 0,
  };
}

function tableIn(dynamoDb: FakeDynamoDb, input: JsonInput, { region }: RequestContext): FakeTable {
  return dynamoDb.table(region, input.required<string>('TableName'));
}

/** A table that can be changed: AWS refuses changes while it is still being created. */
function activeTableIn(dynamoDb: FakeDynamoDb, input: JsonInput, context: RequestContext): FakeTable {
  const table = tableIn(dynamoDb, input, context);
  if (table.status !== 'ACTIVE')
    throw new AwsError(
      'ResourceInUseException',
      `Attempt to change a resource which is still in use: Table is being created: ${table.name}`,
    );
  return table;
}

export const DYNAMODB_ACTIONS: JsonActions<FakeDynamoDb> = {
  // A new table is CREATING when CreateTable answers, as in AWS; it is ACTIVE by the time anyone
  // describes it, so a caller that waits for ACTIVE is exercised without waiting.
  CreateTable: (dynamoDb, input, { region }) => {
    const billingMode = input.optional<string>('BillingMode') ?? 'PROVISIONED';
    if (billingMode !== 'PAY_PER_REQUEST' && billingMode !== 'PROVISIONED')
      throw new AwsError('ValidationException', `Invalid BillingMode: ${billingMode}`);
    const table = dynamoDb.create(region, {
      name: input.required<string>('TableName'),
      keySchema: input.required('KeySchema'),
      attributeDefinitions: input.required('AttributeDefinitions'),
      billingMode,
      tags: input.optional<Tag[]>('Tags') ?? [],
      status: 'CREATING',
    });
    return { TableDescription: describe(table) };
  },

  DescribeTable: (dynamoDb, input, context) => {
    const table = tableIn(dynamoDb, input, context);
    table.status = 'ACTIVE';
    return { Table: describe(table) };
  },

  DeleteTable: (dynamoDb, input, context) => {
    const table = activeTableIn(dynamoDb, input, context);
    dynamoDb.tables(context.region).delete(table.name);
    return { TableDescription: { ...describe(table), TableStatus: 'DELETING' } };
  },

  UpdateTimeToLive: (dynamoDb, input, context) => {
    const table = activeTableIn(dynamoDb, input, context);
    const spec = input.required<{ Enabled?: boolean; AttributeName?: string }>('TimeToLiveSpecification');
    const enabled = table.timeToLive.status !== 'DISABLED';
    if (spec.Enabled && enabled) throw new AwsError('ValidationException', 'TimeToLive is already enabled');
    if (!spec.Enabled && !enabled) throw new AwsError('ValidationException', 'TimeToLive is already disabled');
    table.timeToLive = spec.Enabled
      ? { status: 'ENABLING', ...(spec.AttributeName ? { attribute: spec.AttributeName } : {}) }
      : { status: 'DISABLED' };
    return { TimeToLiveSpecification: spec };
  },

  // AWS takes up to an hour to finish enabling; the fake has finished once anyone looks.
  DescribeTimeToLive: (dynamoDb, input, context) => {
    const table = tableIn(dynamoDb, input, context);
    if (table.timeToLive.status === 'ENABLING') table.timeToLive.status = 'ENABLED';
    const { status, attribute } = table.timeToLive;
    return { TimeToLiveDescription: { TimeToLiveStatus: status, ...(attribute ? { AttributeName: attribute } : {}) } };
  },

  // A table without a policy answers PolicyNotFoundException, as AWS does.
  GetResourcePolicy: (dynamoDb, input, { region }) => {
    const arn = input.required<string>('ResourceArn');
    const policy = dynamoDb.tableByArn(arn, region).resourcePolicy;
    if (!policy)
      throw new AwsError(
        'PolicyNotFoundException',
        `Resource-based policy not found for the provided ResourceArn: ${arn}`,
      );
    return { Policy: policy.document, RevisionId: policy.revisionId };
  },

  PutResourcePolicy: (dynamoDb, input, { region }) => {
    const table = dynamoDb.tableByArn(input.required<string>('ResourceArn'), region);
    const document = input.required<string>('Policy');
    try {
      JSON.parse(document);
    } catch {
      throw new AwsError('ValidationException', 'Invalid policy document: not JSON');
    }
    table.resourcePolicy = { document, revisionId: String(Date.now()) };
    return { RevisionId: table.resourcePolicy.revisionId };
  },

  DeleteResourcePolicy: (dynamoDb, input, { region }) => {
    const arn = input.required<string>('ResourceArn');
    const table = dynamoDb.tableByArn(arn, region);
    if (!table.resourcePolicy)
      throw new AwsError(
        'PolicyNotFoundException',
        `Resource-based policy not found for the provided ResourceArn: ${arn}`,
      );
    delete table.resourcePolicy;
    return {};
  },

  ListTagsOfResource: (dynamoDb, input, { region }) => {
    const table = dynamoDb.tableByArn(input.required<string>('ResourceArn'), region);
    return { Tags: [...table.tags].map(([Key, Value]) => ({ Key, Value })) };
  },
};
