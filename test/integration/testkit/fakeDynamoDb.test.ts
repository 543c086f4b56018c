// The fake AWS's DynamoDB control plane answers the real DynamoDB client the way DynamoDB does:
// JSON in and out, a table CREATING then ACTIVE, Time to Live turned on and off, tags, the
// errors and their names, and every request's SigV4 signature checked as for IAM and SES.

import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, LOCAL_ACCOUNT_ID, LOCAL_ADMIN_KEY, startFakeAws } from '../../../testkit/aws/server.ts';

let fake: FakeAws;
const client = (credentials = LOCAL_ADMIN_KEY) =>
  new DynamoDBClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 });

beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(() => fake.close());

const TABLE = {
  TableName: 'Counts',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'userKey', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'userKey', AttributeType: 'S' }],
  Tags: [{ Key: 'managed-by', Value: 'alexa-ses-mailer' }],
} as const;

describe('the fake DynamoDB control plane', () => {
  it('creates a table CREATING, describes it ACTIVE, with its key, billing mode and tags, in its region only', async () => {
    const dynamoDb = client();
    const created = await dynamoDb.send(
      new CreateTableCommand({
        ...TABLE,
        KeySchema: [...TABLE.KeySchema],
        AttributeDefinitions: [...TABLE.AttributeDefinitions],
        Tags: [...TABLE.Tags],
      }),
    );
    expect(created.TableDescription).toMatchObject({
      TableName: 'Counts',
      TableStatus: 'CREATING',
      TableArn: `arn:aws:dynamodb:eu-west-1:${LOCAL_ACCOUNT_ID}:table/Counts`,
    });
    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: 'Counts' }));
    expect(Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: TABLE.KeySchema,
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    });
    const { Tags } = await dynamoDb.send(new ListTagsOfResourceCommand({ ResourceArn: Table?.TableArn }));
    expect(Tags).toEqual([{ Key: 'managed-by', Value: 'alexa-ses-mailer' }]);
    expect(fake.snapshot().dynamoDbTables).toEqual({
      'eu-west-1': {
        Counts: {
          status: 'ACTIVE',
          billingMode: 'PAY_PER_REQUEST',
          timeToLive: 'DISABLED',
          tags: { 'managed-by': 'alexa-ses-mailer' },
        },
      },
    });
  });

  it('answers the errors DynamoDB answers, under their names', async () => {
    const dynamoDb = client();
    await expect(dynamoDb.send(new DescribeTableCommand({ TableName: 'Missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: Missing not found',
    });
    await expect(
      dynamoDb.send(
        new CreateTableCommand({
          ...TABLE,
          KeySchema: [...TABLE.KeySchema],
          AttributeDefinitions: [...TABLE.AttributeDefinitions],
          Tags: [],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceInUseException', message: 'Table already exists: Counts' });
  });

  it('turns Time to Live on, once, and reports it ENABLED once it has been asked', async () => {
    const dynamoDb = client();
    const turnOn = new UpdateTimeToLiveCommand({
      TableName: 'Counts',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    });
    expect((await dynamoDb.send(turnOn)).TimeToLiveSpecification).toEqual({
      Enabled: true,
      AttributeName: 'expiresAt',
    });
    expect(fake.snapshot().dynamoDbTables['eu-west-1']?.Counts?.timeToLive).toBe('ENABLING expiresAt');
    expect((await dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: 'Counts' }))).TimeToLiveDescription).toEqual(
      {
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAt',
      },
    );
    await expect(dynamoDb.send(turnOn)).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'TimeToLive is already enabled',
    });
  });

  it('refuses a request signed with an unknown key, or with the wrong secret, as DynamoDB names it', async () => {
    await expect(
      client({ accessKeyId: 'NEVER-ISSUED', secretAccessKey: 'x' }).send(
        new DescribeTableCommand({ TableName: 'Counts' }),
      ),
    ).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(
      client({ ...LOCAL_ADMIN_KEY, secretAccessKey: 'not-the-secret' }).send(
        new DescribeTableCommand({ TableName: 'Counts' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });

  it("denies a user's key, naming the action and the table", async () => {
    fake.iam.addUser('Someone');
    const key = fake.iam.addAccessKey('Someone');
    await expect(client(key).send(new DeleteTableCommand({ TableName: 'Counts' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `is not authorized to perform: dynamodb:DeleteTable on resource: arn:aws:dynamodb:eu-west-1:${LOCAL_ACCOUNT_ID}:table/Counts`,
      ),
    });
  });

  it('deletes a table, and counts each changing call as mutating', async () => {
    const { TableDescription } = await client().send(new DeleteTableCommand({ TableName: 'Counts' }));
    expect(TableDescription?.TableStatus).toBe('DELETING');
    expect(fake.snapshot().dynamoDbTables['eu-west-1']).toEqual({});
    expect(fake.mutatingCalls().map((call) => `${call.service}:${call.action}`)).toEqual([
      'dynamodb:CreateTable',
      'dynamodb:CreateTable',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:DeleteTable',
      'dynamodb:DeleteTable',
    ]);
  });
});
