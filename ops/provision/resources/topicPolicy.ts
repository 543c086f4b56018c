// What the bounce topic's access policy may hold: SNS's default statement and this tool's; any other
// could let someone read every bounce and complaint, so it refuses the run.

import * as SNS from '@aws-sdk/client-sns';
import { type PlanItem, Refusal, step } from '../change.ts';
import { type Account, profileFlag, type StepContext } from '../context.ts';
import type { ProvisionOptions } from '../options.ts';
import { samePolicyDocument } from '../policyDocument.ts';

interface TopicStatement {
  readonly Sid?: unknown;
  readonly [member: string]: unknown;
}

/** The topic as the plan knows it: its ARN, its policy (absent: no topic yet), and the set whose events it takes. */
interface Topic {
  readonly topicName: string;
  readonly topicArn: string;
  readonly policy?: string | undefined;
  readonly exists: boolean;
  readonly setName: string;
  readonly setArn: string;
  readonly account: Account;
}

const TOPIC_STATEMENT_ID = 'AllowSesToPublishThisConfigurationSetsEvents';
const TOPIC_POLICY = step('topic policy');

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
function foreignStatements(policy: string | undefined, topicArn: string, accountId: string): TopicStatement[] {
  if (!policy) return [];
  let statements: unknown;
  try {
    statements = (JSON.parse(policy) as { Statement?: unknown }).Statement;
  } catch {
    return [{ Sid: '(the policy is not JSON)' }];
  }
  return (list(statements) as TopicStatement[]).filter(
    (statement) => !isDefaultStatement(statement, topicArn, accountId) && statement.Sid !== TOPIC_STATEMENT_ID,
  );
}

/** `"OpenToAll": Allow {"AWS":"*"} SNS:Subscribe, SNS:Receive`: enough to find the statement and see what it grants. */
function describeStatement(statement: TopicStatement, index: number): string {
  const name = typeof statement.Sid === 'string' && statement.Sid ? `"${statement.Sid}"` : `statement ${index + 1}`;
  const actions = list(statement.Action ?? statement.NotAction).map(String);
  const not = statement.NotAction ? 'all but ' : '';
  const who = JSON.stringify(statement.Principal ?? statement.NotPrincipal ?? '(no principal)');
  return `${name}: ${String(statement.Effect ?? '?')} ${who} ${not}${actions.join(', ') || '(no action)'}`;
}

/** The statement SES needs on the topic: publish, for this set of this account only. */
function publishStatement({ topicArn, account, setArn }: Topic): TopicStatement {
  const Condition = { StringEquals: { 'AWS:SourceAccount': account.accountId, 'AWS:SourceArn': setArn } };
  const Principal = { Service: 'ses.amazonaws.com' };
  return { Sid: TOPIC_STATEMENT_ID, Effect: 'Allow', Principal, Action: 'SNS:Publish', Resource: topicArn, Condition };
}

/** The topic's access policy with our statement added (or put right), the rest as it was; `undefined` when it already holds it. */
function withPublishStatement(current: string | undefined, statement: TopicStatement): string | undefined {
  let policy: { Statement?: unknown } & Record<string, unknown> = { Version: '2012-10-17', Statement: [] };
  try {
    if (current) policy = JSON.parse(current);
  } catch {
    // An unreadable policy is replaced by one that holds our statement only.
  }
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : []) as TopicStatement[];
  const ours = statements.find((candidate) => candidate.Sid === TOPIC_STATEMENT_ID);
  if (ours && samePolicyDocument(ours, statement)) return undefined;
  const others = statements.filter((candidate) => candidate.Sid !== TOPIC_STATEMENT_ID);
  return JSON.stringify({ ...policy, Statement: [...others, statement] });
}

/**
 * Any statement besides SNS's default and ours stops the run, checked on every run since one can be
 * added at any time; then ours is added, or put right. A new topic has SNS's default policy, which
 * ours joins.
 */
export function planTopicPolicy(topic: Topic, options: ProvisionOptions): PlanItem {
  const { topicName, topicArn: TopicArn, setName } = topic;
  const foreign = topic.exists ? foreignStatements(topic.policy, TopicArn, topic.account.accountId) : [];
  if (foreign.length > 0) {
    const flags = ` --region ${options.region}${profileFlag(options)}`;
    const many = foreign.length > 1;
    throw new Refusal(
      foreign.map((statement, index) =>
        TOPIC_POLICY.refused(
          `${topicName} also grants ${describeStatement(statement, index)}, which this tool did not add`,
        ),
      ),
      `Nothing was changed: the access policy of the SNS topic ${topicName} holds ${many ? `${foreign.length} statements` : 'a statement'} besides SNS's default and this tool's (listed above), and whoever ${many ? 'they grant' : 'it grants'} could read every bounce and complaint, recipients' addresses included; remove ${many ? 'them' : 'it'} (\`aws sns get-topic-attributes --topic-arn ${TopicArn}${flags}\` shows the policy, \`aws sns set-topic-attributes --topic-arn ${TopicArn} --attribute-name Policy --attribute-value file://policy.json${flags}\` replaces it), then run again.`,
    );
  }
  const statement = publishStatement(topic);
  const publish = `SES may publish the events of ${setName}`;
  if (topic.exists && !withPublishStatement(topic.policy, statement))
    return TOPIC_POLICY.exists(`${publish} to ${topicName}`);
  const setPolicy = async ({ aws }: StepContext) => {
    const current = topic.exists
      ? topic.policy
      : (await aws.sns.read(new SNS.GetTopicAttributesCommand({ TopicArn }))).Attributes?.Policy;
    const AttributeValue = withPublishStatement(current, statement);
    await aws.sns.change(new SNS.SetTopicAttributesCommand({ TopicArn, AttributeName: 'Policy', AttributeValue }));
  };
  const detail = `let SES publish the events of ${setName}, and no other set's`;
  return (topic.exists ? TOPIC_POLICY.update : TOPIC_POLICY.create)(
    detail,
    setPolicy,
    `${publish}, and no other set's`,
  );
}
