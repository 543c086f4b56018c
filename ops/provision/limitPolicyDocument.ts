// The AlexaSkillMailLimit policy document: the item calls the skill makes on its limit table
// (lambda/limits/tableSchema.ts), on that one table only. Built here and only here, so the step
// that creates it, the audit that recognises it and the tests that evaluate it see the same JSON.

import { LIMIT_TABLE_ACTIONS } from '../../lambda/limits/tableSchema.ts';
import { type PolicyDocument, samePolicyDocument } from './policyDocument.ts';

interface LimitTableLocation {
  readonly partition?: string;
  readonly region: string;
  readonly accountId: string;
  readonly table: string;
}

const STATEMENT_ID = 'CountMailsInTheSkillLimitTableOnly';

export function limitTableArn({ partition = 'aws', region, accountId, table }: LimitTableLocation): string {
  return `arn:${partition}:dynamodb:${region}:${accountId}:table/${table}`;
}

/** Least privilege: the calls the skill makes, on the table's own ARN (no index, no stream, no other table). */
export function buildMailLimitPolicy(location: LimitTableLocation): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: STATEMENT_ID, Effect: 'Allow', Action: [...LIMIT_TABLE_ACTIONS], Resource: limitTableArn(location) },
    ],
  };
}

const TABLE_ARN = /^arn:([\w-]+):dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const POLICY_ARN = /^arn:([\w-]+):iam::(\d{12}):policy\//;

/** The table a document names, when it is exactly the one this tool writes for a table of the policy's own account. */
export function limitTableOf(policyArn: string, document: unknown): LimitTableLocation | undefined {
  const [, partition, accountId] = POLICY_ARN.exec(policyArn) ?? [];
  const statement = (document as { Statement?: { Resource?: unknown }[] } | null)?.Statement?.[0];
  const resource = typeof statement?.Resource === 'string' ? statement.Resource : '';
  const [, tablePartition, region, tableAccount, table] = TABLE_ARN.exec(resource) ?? [];
  if (!partition || !accountId || !region || !table || tablePartition !== partition || tableAccount !== accountId)
    return undefined;
  const location = { partition, region, accountId, table };
  return samePolicyDocument(document, buildMailLimitPolicy(location)) ? location : undefined;
}
