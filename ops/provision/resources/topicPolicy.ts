// What the bounce topic's access policy may hold: SNS's default statement and this tool's; any other
// could let someone read every bounce and complaint, so it refuses the run.

export interface TopicStatement {
  readonly Sid?: unknown;
  readonly [member: string]: unknown;
}

/**
 * The actions SNS's default statement grants the owning account. Topics made before SNS dropped
 * SNS:Receive from it still carry that action: the default statement of an older topic is no less
 * the default for it.
 */
const DEFAULT_ACTIONS = new Set([
  'SNS:GetTopicAttributes',
  'SNS:SetTopicAttributes',
  'SNS:AddPermission',
  'SNS:RemovePermission',
  'SNS:DeleteTopic',
  'SNS:Subscribe',
  'SNS:ListSubscriptionsByTopic',
  'SNS:Publish',
  'SNS:Receive',
]);

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** SNS's own statement: the topic's owning account (AWS:SourceOwner) may use the topic, nobody else. */
function isDefaultStatement(statement: TopicStatement, topicArn: string, accountId: string): boolean {
  const principal = statement.Principal as { AWS?: unknown } | undefined;
  const condition = statement.Condition as { StringEquals?: Record<string, unknown> } | undefined;
  const keys = Object.keys(statement).sort().join();
  return (
    statement.Sid === '__default_statement_ID' &&
    keys === 'Action,Condition,Effect,Principal,Resource,Sid' &&
    statement.Effect === 'Allow' &&
    list(principal?.AWS).join() === '*' &&
    list(statement.Resource).join() === topicArn &&
    Object.keys(condition ?? {}).join() === 'StringEquals' &&
    Object.keys(condition?.StringEquals ?? {}).join() === 'AWS:SourceOwner' &&
    list(condition?.StringEquals?.['AWS:SourceOwner']).join() === accountId &&
    list(statement.Action).every((action) => DEFAULT_ACTIONS.has(String(action)))
  );
}

/**
 * The statements of the topic's policy that are neither SNS's default nor this tool's SES statement
 * (found by its Sid: the plan puts that one right, whatever it says now).
 */
export function foreignTopicStatements(
  policy: string | undefined,
  ours: TopicStatement,
  { topicArn, accountId }: { topicArn: string; accountId: string },
): TopicStatement[] {
  if (!policy) return [];
  let statements: unknown;
  try {
    statements = (JSON.parse(policy) as { Statement?: unknown }).Statement;
  } catch {
    return [{ Sid: '(the policy is not JSON)' }];
  }
  return (list(statements) as TopicStatement[]).filter(
    (statement) => !isDefaultStatement(statement, topicArn, accountId) && statement.Sid !== ours.Sid,
  );
}

/** `"OpenToAll": Allow {"AWS":"*"} SNS:Subscribe, SNS:Receive`: enough to find the statement and see what it grants. */
export function describeTopicStatement(statement: TopicStatement, index: number): string {
  const name = typeof statement.Sid === 'string' && statement.Sid ? `"${statement.Sid}"` : `statement ${index + 1}`;
  const actions = list(statement.Action ?? statement.NotAction).map(String);
  const not = statement.NotAction ? 'all but ' : '';
  const who = JSON.stringify(statement.Principal ?? statement.NotPrincipal ?? '(no principal)');
  return `${name}: ${String(statement.Effect ?? '?')} ${who} ${not}${actions.join(', ') || '(no action)'}`;
}
