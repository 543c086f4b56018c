// The guard on an identity this tool hands out (a user or a role alike): explicit Deny statements
// that cap it to exactly what this run grants, whatever any other policy says, and the
// permissions boundary that allows this run's grants and carries the same Denies (docs/security.md).

import { LIMIT_TABLE_ACTIONS } from '../../lambda/limits/tableSchema.ts';
import { limitTableArn, limitTableOf } from './limitPolicyDocument.ts';
import { isMailAccessDocument, MAIL_ACTIONS, type PolicyDocument, statementsOf } from './policyDocument.ts';

const ONLY_GRANTED_ACTIONS_SID = 'DenyEverythingButWhatThisToolGrants';
const ONLY_THE_SENDER_SID = 'DenySendingAsAnyoneButTheSkillSender';
const ONLY_THE_LIMIT_TABLE_SID = 'DenyTheLimitTableActionsOnAnyOtherResource';
const GUARD_SIDS: ReadonlySet<unknown> = new Set([
  ONLY_GRANTED_ACTIONS_SID,
  ONLY_THE_SENDER_SID,
  ONLY_THE_LIMIT_TABLE_SID,
]);

interface GuardInput {
  readonly partition?: string;
  readonly region: string;
  readonly accountId: string;
  /** The sender address (SES_FROM_ADDRESS). */
  readonly fromAddress: string;
  /** --any-sender: the key may send as any address, so no Deny on the From address. */
  readonly anySender?: boolean;
  /** The limit table (--limit-table): its two actions join the granted ones, on that table only. */
  readonly limitTable?: string;
}

/**
 * Deny statements only: a Deny of every action but the granted ones, of sending with any From
 * address but the sender (StringNotEquals, exact as the Allow's StringEquals; a send without the
 * key is denied too), and of the table actions on any resource but the limit table.
 */
export function buildGuardPolicy(input: GuardInput): PolicyDocument {
  const granted: string[] = [...MAIL_ACTIONS, ...(input.limitTable ? LIMIT_TABLE_ACTIONS : [])];
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: ONLY_GRANTED_ACTIONS_SID, Effect: 'Deny', NotAction: granted, Resource: '*' },
      ...(input.anySender
        ? []
        : [
            {
              Sid: ONLY_THE_SENDER_SID,
              Effect: 'Deny' as const,
              Action: [...MAIL_ACTIONS],
              Resource: '*',
              Condition: { StringNotEquals: { 'ses:FromAddress': input.fromAddress } },
            },
          ]),
      ...(input.limitTable
        ? [
            {
              Sid: ONLY_THE_LIMIT_TABLE_SID,
              Effect: 'Deny' as const,
              Action: [...LIMIT_TABLE_ACTIONS],
              NotResource: limitTableArn({ ...input, table: input.limitTable }),
            },
          ]
        : []),
    ],
  };
}

/** The permissions boundary: the Allow statements of what this run grants, then the guard's Denies. */
export function buildBoundaryPolicy(granted: readonly PolicyDocument[], guard: PolicyDocument): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [...granted.flatMap((document) => document.Statement), ...guard.Statement],
  };
}

function isGuardStatement(statement: Record<string, unknown>): boolean {
  return statement.Effect === 'Deny' && GUARD_SIDS.has(statement.Sid);
}

/** Whether a document is a guard this tool writes, for some sender or table: an earlier run's. */
export function isGuardDocument(document: unknown): boolean {
  const statements = statementsOf(document);
  return (document as { Version?: unknown }).Version === '2012-10-17' && !!statements?.every(isGuardStatement);
}

/** Whether a document is a boundary this tool writes: its Allows each one this tool grants, then its guard. */
export function isBoundaryDocument(
  document: unknown,
  account: { readonly partition: string; readonly accountId: string },
): boolean {
  const statements = statementsOf(document);
  if ((document as { Version?: unknown }).Version !== '2012-10-17' || !statements) return false;
  const policyArn = `arn:${account.partition}:iam::${account.accountId}:policy/boundary`;
  return statements.every((statement) => {
    if (isGuardStatement(statement)) return true;
    const alone = { Version: '2012-10-17', Statement: [statement] };
    return isMailAccessDocument(alone, account) || limitTableOf(policyArn, alone) !== undefined;
  });
}
