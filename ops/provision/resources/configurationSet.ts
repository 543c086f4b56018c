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
  type Subscription,
  type Tag,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { ENV } from '../../../lambda/config.ts';
import { maskAddress } from '../../../lambda/log.ts';
import { recordConfigurationSet } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import { change, finding, type PlanItem, Refusal } from '../change.ts';
import type { Account, StepContext } from '../context.ts';
import type { ConfigurationSetReport } from '../deliverabilityReport.ts';
import { isManaged, MANAGED_TAG } from '../names.ts';
import { type AdoptKind, adoptFlags, type ProvisionOptions } from '../options.ts';
import { configurationSetArn, samePolicyDocument } from '../policyDocument.ts';
import type { SavedFile } from './accessKey.ts';
import { describeTopicStatement, foreignTopicStatements } from './topicPolicy.ts';

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

/** The configuration set this run uses: --configuration-set, else the one the key file records (the deployed skill names it). */
export function configurationSetInUse(
  options: ProvisionOptions,
  file: SavedFile,
): { name: string; from: 'option' | 'key file' } | undefined {
  if (options.configurationSet) return { name: options.configurationSet, from: 'option' };
  return file.configurationSet ? { name: file.configurationSet, from: 'key file' } : undefined;
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

export interface ConfigurationSetState {
  readonly name: string;
  readonly from: 'option' | 'key file';
  readonly topicArn: string;
  readonly setArn: string;
  readonly account: Account;
  /** DescribeConfigurationSet's answer, with the event destinations; absent: no such set. */
  readonly set?: { readonly EventDestinations?: EventDestination[] | undefined };
  /** The topic's attributes (provisioning) or tags (teardown); absent: no such topic. */
  readonly topic?: { readonly policy?: string | undefined; readonly tags?: readonly Tag[] };
  readonly subscriptions: readonly Subscription[];
}

/** Provisioning reads the topic's attributes and tags (who made it), teardown its tags only. */
export async function readConfigurationSet(
  context: StepContext,
  account: Account,
  { name, from }: { name: string; from: 'option' | 'key file' },
): Promise<ConfigurationSetState> {
  const { aws, options } = context;
  const arn = `arn:${account.partition}:sns:${options.region}:${account.accountId}:${topicName(name)}`;
  const set = await aws.ses.find(
    new DescribeConfigurationSetCommand({
      ConfigurationSetName: name,
      ConfigurationSetAttributeNames: ['eventDestinations'],
    }),
  );
  const topic =
    options.mode === 'teardown'
      ? await aws.sns
          .find(new ListTagsForResourceCommand({ ResourceArn: arn }))
          .then((answer) => answer && { tags: answer.Tags ?? [] })
      : await aws.sns.find(new GetTopicAttributesCommand({ TopicArn: arn })).then(
          async (answer) =>
            answer && {
              policy: answer.Attributes?.Policy,
              tags: (await aws.sns.read(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags ?? [],
            },
        );
  const subscriptions = topic
    ? ((await aws.sns.read(new ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions ?? [])
    : [];
  return {
    name,
    from,
    topicArn: arn,
    setArn: configurationSetArn({ ...account, region: options.region }, name),
    account,
    ...(set ? { set } : {}),
    ...(topic ? { topic } : {}),
    subscriptions,
  };
}

export function planConfigurationSet(
  state: ConfigurationSetState,
  options: ProvisionOptions,
): { items: PlanItem[]; outcome: ConfigurationSetReport } {
  const { name, topicArn: arn, topic } = state;
  const topicLabel = topicName(name);
  const recorded =
    state.from === 'key file' ? ` (recorded in ${shownPath(options.outFile)}: the deployed skill names it)` : '';
  const items: PlanItem[] = [];
  // The topic first: SES refuses an event destination whose topic does not exist.
  const origin = state.set ? 'found' : 'created';
  const adopted = ' (created outside this tool, adopted)';
  items.push(
    topic
      ? finding('SNS topic', 'exists', `${topicLabel}${isManaged(topic.tags ?? []) ? '' : adopted}`)
      : change('SNS topic', 'create', `${topicLabel}, for the set's bounces and complaints`, async ({ aws }) => {
          const Tags = [MANAGED_TAG, { Key: SET_ORIGIN_TAG, Value: origin }];
          await aws.sns.change(new CreateTopicCommand({ Name: topicLabel, Tags }));
          return undefined;
        }),
  );
  refuseUnadopted(state, options);
  // A new topic has SNS's default policy (its owner may use it), which our statement joins.
  const statement = publishStatement(arn, state.account, state.setArn);
  if (topic) refuseForeignStatements(state, statement, options);
  if (topic && !withPublishStatement(topic.policy, statement)) {
    items.push(finding('topic policy', 'exists', `SES may publish the events of ${name} to ${topicLabel}`));
  } else {
    items.push(
      change(
        'topic policy',
        topic ? 'update' : 'create',
        `let SES publish the events of ${name}, and no other set's`,
        async ({ aws }) => {
          const current = topic
            ? topic.policy
            : (await aws.sns.read(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.Policy;
          const AttributeValue = withPublishStatement(current, statement);
          await aws.sns.change(
            new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue }),
          );
          return `SES may publish the events of ${name}, and no other set's`;
        },
      ),
    );
  }
  items.push(
    state.set
      ? finding('configuration set', 'exists', `${name}${recorded}${setMadeHere(state) ? '' : adopted}`)
      : change('configuration set', 'create', `${name}${recorded}`, async ({ aws }) => {
          await aws.ses.change(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: name } }));
          return undefined;
        }),
  );
  const otherDestinations = (state.set?.EventDestinations ?? []).filter(
    (destination) => destination.Name !== EVENT_DESTINATION_NAME,
  );
  if (otherDestinations.length > 0)
    items.push(
      finding(
        'other destinations',
        'warning',
        `${name} also publishes its events to ${otherDestinations.map(describeDestination).join(', ')}, which this tool did not add: whoever reads them sees the recipients of the skill's mails`,
      ),
    );
  const current = state.set?.EventDestinations?.find((destination) => destination.Name === EVENT_DESTINATION_NAME);
  const EventDestination = {
    Name: EVENT_DESTINATION_NAME,
    Enabled: true,
    MatchingEventTypes: [...EVENT_TYPES],
    SNSDestination: { TopicARN: arn },
  };
  const ConfigurationSetName = name;
  items.push(
    isOurDestination(current, arn)
      ? finding('event destination', 'exists', eventDestinationDetail(name))
      : change('event destination', current ? 'update' : 'create', eventDestinationDetail(name), async ({ aws }) => {
          if (current)
            await aws.ses.change(
              new UpdateConfigurationSetEventDestinationCommand({ ConfigurationSetName, EventDestination }),
            );
          else
            await aws.ses.change(
              new CreateConfigurationSetEventDestinationCommand({ ConfigurationSetName, EventDestination }),
            );
          return undefined;
        }),
  );
  const subscriptions = planSubscription(state, options.notify);
  items.push(...subscriptions.items);
  return { items, outcome: { name, topicArn: arn, subscriptions: subscriptions.list } };
}

/** `ops-firehose (send, bounce → Kinesis Firehose)`: the destination's name, what it takes and where it goes. */
function describeDestination(destination: EventDestination): string {
  const target = destination.SNSDestination
    ? `SNS ${destination.SNSDestination.TopicARN ?? ''}`.trim()
    : destination.KinesisFirehoseDestination
      ? 'Kinesis Firehose'
      : destination.CloudWatchDestination
        ? 'CloudWatch'
        : 'elsewhere';
  const types = (destination.MatchingEventTypes ?? []).join(', ');
  return `${destination.Name ?? '(unnamed)'} (${types}${destination.Enabled === false ? ', disabled' : ''} → ${target})`;
}

/** Whether this tool created the set: the topic it tags says so (SES configuration sets carry no tags). */
function setMadeHere(state: ConfigurationSetState): boolean {
  const tags = state.topic?.tags ?? [];
  return isManaged(tags) && tags.some((tag) => tag.Key === SET_ORIGIN_TAG && tag.Value === 'created');
}

/** A topic or set of these names that this tool did not create is used only with --adopt, like a user or policy. */
function refuseUnadopted(state: ConfigurationSetState, options: ProvisionOptions): void {
  const topic = state.topic && !isManaged(state.topic.tags ?? []) && !options.adopt.has('topic');
  const set = state.set && !setMadeHere(state) && !options.adopt.has('set');
  const foreign = [
    ...(topic ? [`the SNS topic ${topicName(state.name)}`] : []),
    ...(set ? [`the configuration set ${state.name}`] : []),
  ];
  const needed: AdoptKind[] = [...(topic ? ['topic' as const] : []), ...(set ? ['set' as const] : [])];
  if (foreign.length === 0) return;
  throw new Refusal(
    foreign.map((what) =>
      finding(
        what.startsWith('the SNS') ? 'SNS topic' : 'configuration set',
        'refused',
        `${what.replace(/^the (SNS topic|configuration set) /, '')} exists but this tool did not create it (no managed-by tag)`,
      ),
    ),
    `Nothing was changed: this tool did not create ${foreign.join(' or ')}, which already ${foreign.length > 1 ? 'exist' : 'exists'}; run again with ${adoptFlags(needed)} to use ${foreign.length > 1 ? 'them' : 'it'} as ${foreign.length > 1 ? 'they are' : 'it is'} (the topic's policy is still checked, and --teardown will leave ${foreign.length > 1 ? 'them' : 'it'} in place), or choose another --configuration-set.`,
  );
}

/**
 * The topic's policy may hold SNS's default statement and this tool's, no other: another could let
 * anyone subscribe and read every bounce and complaint. Checked on every run, not only when the
 * topic is found first, since a statement can be added at any time.
 */
function refuseForeignStatements(state: ConfigurationSetState, ours: Statement, options: ProvisionOptions): void {
  const { topicArn, account } = state;
  const foreign = foreignTopicStatements(state.topic?.policy, ours, { topicArn, accountId: account.accountId });
  if (foreign.length === 0) return;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  const region = ` --region ${options.region}`;
  throw new Refusal(
    foreign.map((statement, index) =>
      finding(
        'topic policy',
        'refused',
        `${topicName(state.name)} also grants ${describeTopicStatement(statement, index)}, which this tool did not add`,
      ),
    ),
    `Nothing was changed: the access policy of the SNS topic ${topicName(state.name)} holds ${foreign.length > 1 ? `${foreign.length} statements` : 'a statement'} besides SNS's default and this tool's (listed above), and whoever ${foreign.length > 1 ? 'they grant' : 'it grants'} could read every bounce and complaint, recipients' addresses included; remove ${foreign.length > 1 ? 'them' : 'it'} (\`aws sns get-topic-attributes --topic-arn ${topicArn}${region}${profile}\` shows the policy, \`aws sns set-topic-attributes --topic-arn ${topicArn} --attribute-name Policy --attribute-value file://policy.json${region}${profile}\` replaces it), then run again.`,
  );
}

/** --notify's subscription, and a warning while nobody would hear of a bounce; the list as the summary shows it (masked). */
function planSubscription(
  state: ConfigurationSetState,
  notify: string | undefined,
): { items: PlanItem[]; list: { endpoint: string; status: string }[] } {
  const subscriptions = state.subscriptions
    .filter((subscription) => subscription.Protocol === 'email' || subscription.Protocol === 'email-json')
    .map((subscription) => ({
      endpoint: subscription.Endpoint ?? '',
      status: subscription.SubscriptionArn === PENDING ? 'pending confirmation' : 'confirmed',
    }));
  const list = subscriptions.map((subscription) => ({ ...subscription, endpoint: maskAddress(subscription.endpoint) }));
  const items: PlanItem[] = [];
  if (notify) {
    const masked = maskAddress(notify);
    const found = subscriptions.find((subscription) => subscription.endpoint.toLowerCase() === notify.toLowerCase());
    if (found?.status === 'confirmed') {
      items.push(finding('notify', 'exists', `${masked} is subscribed and confirmed: bounces and complaints reach it`));
    } else if (found) {
      items.push(
        finding(
          'notify',
          'exists',
          `${masked}: subscription pending; click "Confirm subscription" in the mail from AWS Notifications`,
        ),
      );
    } else {
      items.push(
        change('notify', 'create', `subscribe ${masked}; AWS will mail it a link to confirm`, async ({ aws }) => {
          await aws.sns.change(new SubscribeCommand({ TopicArn: state.topicArn, Protocol: 'email', Endpoint: notify }));
          list.push({ endpoint: masked, status: 'pending confirmation' });
          return `AWS mailed ${masked} a confirmation link: until someone clicks "Confirm subscription", no bounce or complaint reaches them`;
        }),
      );
    }
  }
  if (!subscriptions.some((subscription) => subscription.status === 'confirmed') && !notify) {
    items.push(
      finding(
        'notify',
        'warning',
        subscriptions.length > 0
          ? 'no subscription is confirmed yet, so bounces and complaints reach no one: click the link in the mail from AWS Notifications'
          : 'nobody is subscribed to the topic, so bounces and complaints reach no one: run again with --notify YOUR-ADDRESS',
      ),
    );
  }
  return { items, list };
}

/**
 * The set's name in the key file, where the deploy build takes it from. A file this run writes
 * (a new key's) does not hold it yet: the setting is then written into that file.
 */
export function planConfigurationSetSetting(
  name: string,
  file: SavedFile,
  outFile: string,
  keyWritesFile: boolean,
): PlanItem {
  const setting = `${ENV.configurationSet} ${name} in ${shownPath(outFile)}`;
  if (!keyWritesFile && file.configurationSet === name) return finding('key file setting', 'exists', setting);
  const redeploy = `${setting}: the skill sends through it once redeployed (\`npx ask deploy\`)`;
  return change('key file setting', file.exists ? 'update' : 'create', file.exists ? redeploy : setting, async () => {
    await recordConfigurationSet(outFile, name);
    // By now the key's step has written the file, so the setting goes into a file that exists.
    return { detail: redeploy, status: 'updated' };
  });
}

/**
 * Teardown: the event destination this tool added; the set, if this tool created it and nothing
 * else publishes from it; the topic, if this tool created it, with its confirmed subscriptions
 * (deleting a topic takes the pending ones with it).
 */
export function planConfigurationSetDeletion(state: ConfigurationSetState): PlanItem[] {
  const { name, topicArn: arn } = state;
  const tags = state.topic?.tags ?? [];
  const ours = isManaged(tags);
  const createdSet = ours && tags.some((tag) => tag.Key === SET_ORIGIN_TAG && tag.Value === 'created');
  const destinations = state.set?.EventDestinations ?? [];
  const items: PlanItem[] = [];
  if (destinations.some((destination) => destination.Name === EVENT_DESTINATION_NAME))
    items.push(
      change('event destination', 'delete', eventDestinationDetail(name), async ({ aws }) => {
        const request = { ConfigurationSetName: name, EventDestinationName: EVENT_DESTINATION_NAME };
        await aws.ses.change(new DeleteConfigurationSetEventDestinationCommand(request));
        return undefined;
      }),
    );
  const others = destinations.filter((destination) => destination.Name !== EVENT_DESTINATION_NAME);
  if (!state.set) items.push(finding('configuration set', 'skipped', `${name} does not exist`));
  else if (!createdSet)
    items.push(finding('configuration set', 'skipped', `${name} was not created by this tool: left in place`));
  else if (others.length > 0)
    items.push(
      finding(
        'configuration set',
        'skipped',
        `${name} also publishes to ${others.map((destination) => destination.Name).join(', ')}: left in place`,
      ),
    );
  else
    items.push(
      change('configuration set', 'delete', name, async ({ aws }) => {
        await aws.ses.change(new DeleteConfigurationSetCommand({ ConfigurationSetName: name }));
        return undefined;
      }),
    );
  if (!state.topic) return [...items, finding('SNS topic', 'skipped', `${topicName(name)} does not exist`)];
  if (!ours)
    return [
      ...items,
      finding('SNS topic', 'skipped', `${topicName(name)} was not created by this tool: left in place`),
    ];
  for (const subscription of state.subscriptions) {
    const confirmed = subscription.SubscriptionArn && subscription.SubscriptionArn !== PENDING;
    const detail = `${maskAddress(subscription.Endpoint ?? '')}${confirmed ? '' : ' (pending: goes with the topic)'}`;
    items.push(
      change('subscription', 'delete', detail, async ({ aws }) => {
        if (confirmed) await aws.sns.change(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
        return undefined;
      }),
    );
  }
  items.push(
    change('SNS topic', 'delete', topicName(name), async ({ aws }) => {
      await aws.sns.change(new DeleteTopicCommand({ TopicArn: arn }));
      return undefined;
    }),
  );
  return items;
}
