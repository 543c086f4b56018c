// --configuration-set NAME: the SES configuration set the skill sends through, an SNS topic for its
// bounces and complaints (tagged as this tool's, with a statement that lets SES publish this set's
// events to it), the event destination joining them, and --notify's e-mail subscription; the name
// recorded in the key file for the deploy build. --teardown removes what this tool created of it.

import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  DeleteConfigurationSetCommand,
  DeleteConfigurationSetEventDestinationCommand,
  DescribeConfigurationSetCommand,
  type EventDestination,
  UpdateConfigurationSetEventDestinationCommand,
} from '@aws-sdk/client-ses';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { ENV } from '../../../lambda/config.ts';
import { maskAddress } from '../../../lambda/log.ts';
import { readCredentialsFile, recordConfigurationSet } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import type { ConfigurationSetReport } from '../deliverabilityReport.ts';
import { isManaged, MANAGED_TAG } from '../names.ts';
import { configurationSetArn, samePolicyDocument } from '../policyDocument.ts';
import type { StepStatus } from '../report.ts';
import type { Account, StepContext } from './context.ts';

/** The event destination this tool adds to a set: found again, and removed, by this name. */
const EVENT_DESTINATION_NAME = 'alexa-ses-mailer-bounces-complaints';
const EVENT_TYPES = ['bounce', 'complaint'] as const;
/** Tagged on the topic: whether this tool created the set too, so that teardown removes only what it made. */
const SET_ORIGIN_TAG = 'alexa-ses-mailer:configuration-set';
const TOPIC_STATEMENT_ID = 'AllowSesToPublishThisConfigurationSetsEvents';
const PENDING = 'PendingConfirmation';

function topicName(set: string): string {
  return `${set}-bounces-complaints`;
}

/** The event destination as every line names it, on creation and on teardown alike. */
function eventDestinationDetail(set: string): string {
  return `${EVENT_DESTINATION_NAME} of ${set}: its Bounce and Complaint events → the SNS topic ${topicName(set)}`;
}

function topicArn(context: StepContext, account: Account, set: string): string {
  return `arn:${account.partition}:sns:${context.options.region}:${account.accountId}:${topicName(set)}`;
}

/** The configuration set this run uses: --configuration-set, else the one the key file records (the deployed skill names it). */
export async function configurationSetInUse(
  options: StepContext['options'],
): Promise<{ name: string; from: 'option' | 'key file' } | undefined> {
  if (options.configurationSet) return { name: options.configurationSet, from: 'option' };
  try {
    const recorded = (await readCredentialsFile(options.outFile))[ENV.configurationSet];
    return recorded ? { name: recorded, from: 'key file' } : undefined;
  } catch {
    return undefined;
  }
}

interface Statement {
  readonly Sid?: unknown;
  readonly [member: string]: unknown;
}

/** The statement SES needs on the topic: publish, for this set of this account only. */
function publishStatement(arn: string, account: Account, setArn: string): Statement {
  return {
    Sid: TOPIC_STATEMENT_ID,
    Effect: 'Allow',
    Principal: { Service: 'ses.amazonaws.com' },
    Action: 'SNS:Publish',
    Resource: arn,
    Condition: { StringEquals: { 'AWS:SourceAccount': account.accountId, 'AWS:SourceArn': setArn } },
  };
}

/** The topic's access policy with our statement added (or put right), the rest as it was; `undefined` when it already holds it. */
function withPublishStatement(current: string | undefined, statement: Statement): string | undefined {
  let policy: { Statement?: unknown } & Record<string, unknown> = { Version: '2012-10-17', Statement: [] };
  try {
    if (current) policy = JSON.parse(current);
  } catch {
    // An unreadable policy is replaced by one that holds our statement only.
  }
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : []) as Statement[];
  const ours = statements.find((candidate) => candidate.Sid === TOPIC_STATEMENT_ID);
  if (ours && samePolicyDocument(ours, statement)) return undefined;
  const others = statements.filter((candidate) => candidate.Sid !== TOPIC_STATEMENT_ID);
  return JSON.stringify({ ...policy, Statement: [...others, statement] });
}

function isOurDestination(destination: EventDestination | undefined, arn: string): boolean {
  if (!destination) return false;
  const types = [...(destination.MatchingEventTypes ?? [])].sort();
  return (
    destination.Enabled === true &&
    types.join() === [...EVENT_TYPES].sort().join() &&
    destination.SNSDestination?.TopicARN === arn
  );
}

/** The set with its event destinations, or `undefined` when there is no such set. */
function describeSet({ clients, aws }: StepContext, name: string) {
  return aws.find('ses:DescribeConfigurationSet', () =>
    clients.ses.send(
      new DescribeConfigurationSetCommand({
        ConfigurationSetName: name,
        ConfigurationSetAttributeNames: ['eventDestinations'],
      }),
    ),
  );
}

export async function ensureConfigurationSet(
  context: StepContext,
  account: Account,
  set: { name: string; from: 'option' | 'key file' },
): Promise<ConfigurationSetReport> {
  const { clients, aws, report, options } = context;
  const { name } = set;
  const arn = topicArn(context, account, name);
  const setArn = configurationSetArn(
    { partition: account.partition, region: options.region, accountId: account.accountId },
    name,
  );
  const existingSet = await describeSet(context, name);
  const topic = await aws.find('sns:GetTopicAttributes', () =>
    clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
  );
  const recorded =
    set.from === 'key file' ? ` (recorded in ${shownPath(options.outFile)}: the deployed skill names it)` : '';

  // The topic first: SES refuses an event destination whose topic does not exist.
  if (topic) {
    report.step('SNS topic', 'exists', topicName(name));
  } else if (aws.dryRun) {
    report.step('SNS topic', 'would create', `${topicName(name)}, for the set's bounces and complaints`);
  } else {
    await aws.change('sns:CreateTopic', () =>
      clients.sns.send(
        new CreateTopicCommand({
          Name: topicName(name),
          Tags: [MANAGED_TAG, { Key: SET_ORIGIN_TAG, Value: existingSet ? 'found' : 'created' }],
        }),
      ),
    );
    report.step('SNS topic', 'created', `${topicName(name)}, for the set's bounces and complaints`);
  }
  // A new topic has SNS's default policy (its owner may use it), which our statement joins.
  const topicPolicy = topic
    ? topic.Attributes?.Policy
    : aws.dryRun
      ? undefined
      : (
          await aws.read('sns:GetTopicAttributes', () =>
            clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
          )
        ).Attributes?.Policy;

  const policy = withPublishStatement(topicPolicy, publishStatement(arn, account, setArn));
  if (!policy) {
    report.step('topic policy', 'exists', `SES may publish the events of ${name} to ${topicName(name)}`);
  } else if (aws.dryRun) {
    report.step(
      'topic policy',
      topic ? 'would update' : 'would create',
      `let SES publish the events of ${name}, and no other set's`,
    );
  } else {
    await aws.change('sns:SetTopicAttributes', () =>
      clients.sns.send(
        new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: policy }),
      ),
    );
    report.step(
      'topic policy',
      topic ? 'updated' : 'created',
      `SES may publish the events of ${name}, and no other set's`,
    );
  }

  if (existingSet) {
    report.step('configuration set', 'exists', `${name}${recorded}`);
  } else if (aws.dryRun) {
    report.step('configuration set', 'would create', `${name}${recorded}`);
  } else {
    await aws.change('ses:CreateConfigurationSet', () =>
      clients.ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: name } })),
    );
    report.step('configuration set', 'created', `${name}${recorded}`);
  }

  const current = existingSet?.EventDestinations?.find((destination) => destination.Name === EVENT_DESTINATION_NAME);
  const wanted = {
    Name: EVENT_DESTINATION_NAME,
    Enabled: true,
    MatchingEventTypes: [...EVENT_TYPES],
    SNSDestination: { TopicARN: arn },
  };
  const destination = eventDestinationDetail(name);
  if (isOurDestination(current, arn)) {
    report.step('event destination', 'exists', destination);
  } else if (aws.dryRun) {
    report.step('event destination', current ? 'would update' : 'would create', destination);
  } else if (current) {
    await aws.change('ses:UpdateConfigurationSetEventDestination', () =>
      clients.ses.send(
        new UpdateConfigurationSetEventDestinationCommand({ ConfigurationSetName: name, EventDestination: wanted }),
      ),
    );
    report.step('event destination', 'updated', destination);
  } else {
    await aws.change('ses:CreateConfigurationSetEventDestination', () =>
      clients.ses.send(
        new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName: name, EventDestination: wanted }),
      ),
    );
    report.step('event destination', 'created', destination);
  }

  const subscriptions = await ensureSubscription(context, arn, Boolean(topic) || !aws.dryRun);
  return { name, topicArn: arn, subscriptions };
}

/** --notify's subscription, and a warning while nobody would hear of a bounce. */
async function ensureSubscription(
  { clients, aws, report, options }: StepContext,
  arn: string,
  topicExists: boolean,
): Promise<ConfigurationSetReport['subscriptions']> {
  const listed = topicExists
    ? ((
        await aws.read('sns:ListSubscriptionsByTopic', () =>
          clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn })),
        )
      ).Subscriptions ?? [])
    : [];
  const subscriptions = listed
    .filter((subscription) => subscription.Protocol === 'email' || subscription.Protocol === 'email-json')
    .map((subscription) => ({
      endpoint: subscription.Endpoint ?? '',
      status: subscription.SubscriptionArn === PENDING ? 'pending confirmation' : 'confirmed',
    }));
  const notify = options.notify;
  if (notify) {
    const masked = maskAddress(notify);
    const found = subscriptions.find((subscription) => subscription.endpoint.toLowerCase() === notify.toLowerCase());
    if (found?.status === 'confirmed') {
      report.step('notify', 'exists', `${masked} is subscribed and confirmed: bounces and complaints reach it`);
    } else if (found) {
      report.step(
        'notify',
        'exists',
        `${masked}: subscription pending; click "Confirm subscription" in the mail from AWS Notifications`,
      );
    } else if (aws.dryRun) {
      report.step('notify', 'would create', `subscribe ${masked}; AWS will mail it a link to confirm`);
    } else {
      await aws.change('sns:Subscribe', () =>
        clients.sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: notify })),
      );
      subscriptions.push({ endpoint: notify, status: 'pending confirmation' });
      report.step(
        'notify',
        'created',
        `AWS mailed ${masked} a confirmation link: until someone clicks "Confirm subscription", no bounce or complaint reaches them`,
      );
    }
  }
  if (!subscriptions.some((subscription) => subscription.status === 'confirmed') && !notify) {
    report.step(
      'notify',
      'warning',
      subscriptions.length > 0
        ? 'no subscription is confirmed yet, so bounces and complaints reach no one: click the link in the mail from AWS Notifications'
        : 'nobody is subscribed to the topic, so bounces and complaints reach no one: run again with --notify YOUR-ADDRESS',
    );
  }
  return subscriptions.map((subscription) => ({ ...subscription, endpoint: maskAddress(subscription.endpoint) }));
}

/**
 * Writes the set's name into the key file, where the deploy build takes it from; a file that does
 * not exist yet (a dry run's) is left alone. True when the file changed (or would): a redeploy is due.
 */
export async function recordInKeyFile({ options, aws, report }: StepContext, name: string): Promise<boolean> {
  const shownFile = shownPath(options.outFile);
  let recorded: string | undefined;
  try {
    recorded = (await readCredentialsFile(options.outFile))[ENV.configurationSet];
  } catch {
    // Only a dry run gets here without a file: a real run has just written it, or failed.
    if (aws.dryRun) report.step('key file setting', 'would create', `${ENV.configurationSet} ${name} in ${shownFile}`);
    return aws.dryRun;
  }
  if (recorded === name) {
    report.step('key file setting', 'exists', `${ENV.configurationSet} ${name} in ${shownFile}`);
    return false;
  }
  const redeploy = `the skill sends through it once redeployed (\`npx ask deploy\`)`;
  if (aws.dryRun) {
    report.step('key file setting', 'would update', `${ENV.configurationSet} ${name} in ${shownFile}: ${redeploy}`);
    return true;
  }
  await recordConfigurationSet(options.outFile, name);
  report.step('key file setting', 'updated', `${ENV.configurationSet} ${name} in ${shownFile}: ${redeploy}`);
  return true;
}

const deleted = (dryRun: boolean): StepStatus => (dryRun ? 'would delete' : 'deleted');

/**
 * Teardown: the event destination this tool added; the set, if this tool created it and nothing
 * else publishes from it; the topic, if this tool created it, with its confirmed subscriptions
 * (deleting a topic takes the pending ones with it).
 */
export async function removeConfigurationSet(context: StepContext, account: Account, name: string): Promise<void> {
  const { clients, aws, report } = context;
  const arn = topicArn(context, account, name);
  const set = await describeSet(context, name);
  const tags = await aws.find('sns:ListTagsForResource', () =>
    clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: arn })),
  );
  const topicTags = tags?.Tags ?? [];
  const ours = isManaged(topicTags);
  const createdSet = ours && topicTags.some((tag) => tag.Key === SET_ORIGIN_TAG && tag.Value === 'created');

  const destinations = set?.EventDestinations ?? [];
  if (destinations.some((destination) => destination.Name === EVENT_DESTINATION_NAME)) {
    if (!aws.dryRun)
      await aws.change('ses:DeleteConfigurationSetEventDestination', () =>
        clients.ses.send(
          new DeleteConfigurationSetEventDestinationCommand({
            ConfigurationSetName: name,
            EventDestinationName: EVENT_DESTINATION_NAME,
          }),
        ),
      );
    report.step('event destination', deleted(aws.dryRun), eventDestinationDetail(name));
  }
  const others = destinations.filter((destination) => destination.Name !== EVENT_DESTINATION_NAME);
  if (!set) {
    report.step('configuration set', 'skipped', `${name} does not exist`);
  } else if (!createdSet) {
    report.step('configuration set', 'skipped', `${name} was not created by this tool: left in place`);
  } else if (others.length > 0) {
    report.step(
      'configuration set',
      'skipped',
      `${name} also publishes to ${others.map((destination) => destination.Name).join(', ')}: left in place`,
    );
  } else {
    if (!aws.dryRun)
      await aws.change('ses:DeleteConfigurationSet', () =>
        clients.ses.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: name })),
      );
    report.step('configuration set', deleted(aws.dryRun), name);
  }

  if (!tags) {
    report.step('SNS topic', 'skipped', `${topicName(name)} does not exist`);
    return;
  }
  if (!ours) {
    report.step('SNS topic', 'skipped', `${topicName(name)} was not created by this tool: left in place`);
    return;
  }
  const subscriptions =
    (
      await aws.read('sns:ListSubscriptionsByTopic', () =>
        clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn })),
      )
    ).Subscriptions ?? [];
  for (const subscription of subscriptions) {
    const confirmed = subscription.SubscriptionArn && subscription.SubscriptionArn !== PENDING;
    if (confirmed && !aws.dryRun)
      await aws.change('sns:Unsubscribe', () =>
        clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn })),
      );
    report.step(
      'subscription',
      deleted(aws.dryRun),
      `${maskAddress(subscription.Endpoint ?? '')}${confirmed ? '' : ' (pending: goes with the topic)'}`,
    );
  }
  if (!aws.dryRun)
    await aws.change('sns:DeleteTopic', () => clients.sns.send(new DeleteTopicCommand({ TopicArn: arn })));
  report.step('SNS topic', deleted(aws.dryRun), topicName(name));
}
