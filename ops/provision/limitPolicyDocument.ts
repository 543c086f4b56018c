// The AlexaSkillMailLimit policy document: the item calls the skill makes on its limit table
// (lambda/limits/tableSchema.ts), on that one table only, naming only the skill's attributes.
// Built here and only here, so the step that creates it, the audit that recognises it and the
// tests that evaluate it see the same JSON.
//
// dynamodb:LeadingKeys cannot narrow it further: the rows' keys are user hashes, which the
// skill's log lines carry, address hashes and the account's one key, and no IAM variable names the
// user a request is for. A leaked key can therefore write any row's count, and so refuse a user, an
// address or (with the account-wide cap on) everyone mail for a day; nothing else in the table.

import { LIMIT_TABLE_ACTIONS, LIMIT_TABLE_KEY, LIMIT_TABLE_TTL_ATTRIBUTE } from '../../lambda/limits/tableSchema.ts';
import { type PolicyDocument, samePolicyDocument } from './policyDocument.ts';

/**
 * The attributes the skill's calls name (lambda/limits/dynamoDbStore.ts), as IAM StringLike
 * patterns: the key, one count per UTC day (mails-2026-11-30), the last mail and when, the expiry.
 * The unit test runs the skill's own calls against the policy with these.
 */
const LIMIT_TABLE_ATTRIBUTES = [
  LIMIT_TABLE_KEY,
  'mails-????-??-??',
  'lastMail',
  'lastAt',
  LIMIT_TABLE_TTL_ATTRIBUTE,
] as const;

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

/**
 * Least privilege: the calls the skill makes, on the table's own ARN (no index, no stream, no
 * other table), naming no attribute but the skill's (ForAllValues: every attribute a request
 * names must match one), reading only the attributes it names (Select: a GetItem without a
 * projection reads them all) and answering no values from an update (ReturnValues NONE).
 */
export function buildMailLimitPolicy(location: LimitTableLocation): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: STATEMENT_ID,
        Effect: 'Allow',
        Action: [...LIMIT_TABLE_ACTIONS],
        Resource: limitTableArn(location),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:Attributes': [...LIMIT_TABLE_ATTRIBUTES] },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ],
  };
}

/** The document as this tool wrote it before the attribute condition: an earlier run's, which a later run replaces. */
function unconditionedMailLimitPolicy(location: LimitTableLocation): PolicyDocument {
  const [statement] = buildMailLimitPolicy(location).Statement;
  const { Condition: _condition, ...withoutCondition } = statement ?? {};
  return { Version: '2012-10-17', Statement: [withoutCondition as NonNullable<typeof statement>] };
}

const TABLE_ARN = /^arn:([\w-]+):dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const POLICY_ARN = /^arn:([\w-]+):iam::(\d{12}):policy\//;

/** The table a document names, when it is exactly one this tool writes (or wrote) for a table of the policy's own account. */
export function limitTableOf(policyArn: string, document: unknown): LimitTableLocation | undefined {
  const [, partition, accountId] = POLICY_ARN.exec(policyArn) ?? [];
  const statement = (document as { Statement?: { Resource?: unknown }[] } | null)?.Statement?.[0];
  const resource = typeof statement?.Resource === 'string' ? statement.Resource : '';
  const [, tablePartition, region, tableAccount, table] = TABLE_ARN.exec(resource) ?? [];
  if (!partition || !accountId || !region || !table || tablePartition !== partition || tableAccount !== accountId)
    return undefined;
  const location = { partition, region, accountId, table };
  const written = [buildMailLimitPolicy(location), unconditionedMailLimitPolicy(location)];
  return written.some((candidate) => samePolicyDocument(document, candidate)) ? location : undefined;
}
