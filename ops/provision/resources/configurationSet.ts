// --configuration-set: the SES set, the SNS topic for its bounces and complaints with the event
// destination joining them, --notify's subscription, and the set's name in the key file.

import * as SES from '@aws-sdk/client-ses';
import * as SNS from '@aws-sdk/client-sns';
import { ENV } from '../../../lambda/config.ts';
import { maskAddress } from '../../../lambda/log.ts';
import { recordConfigurationSet } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import { adopted, notOurs, type PlanItem, Refusal, ses, sns, step } from '../change.ts';
import type { Account, StepContext } from '../context.ts';
import type { ConfigurationSetReport } from '../deliverabilityReport.ts';
import { isManaged, MANAGED_TAG } from '../names.ts';
import { type AdoptKind, adoptFlags, type ProvisionOptions } from '../options.ts';
import { configurationSetArn } from '../policyDocument.ts';
import type { SavedFile } from './accessKey.ts';
import { planTopicPolicy } from './topicPolicy.ts';

/** The event destination this tool adds to a set: found again, and removed, by this name. */
const EVENT_DESTINATION_NAME = 'alexa-ses-mailer-bounces-complaints';
const EVENT_TYPES = ['bounce', 'complaint'] as const;
/** Tagged on the topic: whether this tool created the set too, so that teardown removes only what it made. */
const SET_ORIGIN_TAG = 'alexa-ses-mailer:configuration-set';
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

function isOurDestination(destination: SES.EventDestination | undefined, arn: string): boolean {
  const types = [...(destination?.MatchingEventTypes ?? [])].sort().join();
  return (
    destination?.Enabled === true &&
    types === [...EVENT_TYPES].sort().join() &&
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
  readonly set?: { readonly EventDestinations?: SES.EventDestination[] | undefined };
  /** The topic's attributes (provisioning) or tags (teardown); absent: no such topic. */
  readonly topic?: { readonly policy?: string | undefined; readonly tags?: readonly SNS.Tag[] };
  readonly subscriptions: readonly SNS.Subscription[];
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
    new SES.DescribeConfigurationSetCommand({
      ConfigurationSetName: name,
      ConfigurationSetAttributeNames: ['eventDestinations'],
    }),
  );
  const topic =
    options.mode === 'teardown'
      ? await aws.sns
          .find(new SNS.ListTagsForResourceCommand({ ResourceArn: arn }))
          .then((answer) => answer && { tags: answer.Tags ?? [] })
      : await aws.sns.find(new SNS.GetTopicAttributesCommand({ TopicArn: arn })).then(
          async (answer) =>
            answer && {
              policy: answer.Attributes?.Policy,
              tags: (await aws.sns.read(new SNS.ListTagsForResourceCommand({ ResourceArn: arn }))).Tags ?? [],
            },
        );
  const subscriptions = topic
    ? ((await aws.sns.read(new SNS.ListSubscriptionsByTopicCommand({ TopicArn: arn }))).Subscriptions ?? [])
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

const TOPIC = step('SNS topic');
const SET = step('configuration set');
const DESTINATION = step('event destination');
const NOTIFY = step('notify');

export function planConfigurationSet(
  state: ConfigurationSetState,
  options: ProvisionOptions,
): { items: PlanItem[]; outcome: ConfigurationSetReport } {
  const { name, topicArn: TopicArn, topic } = state;
  const topicLabel = topicName(name);
  const recorded =
    state.from === 'key file' ? ` (recorded in ${shownPath(options.outFile)}: the deployed skill names it)` : '';
  const tags = [MANAGED_TAG, { Key: SET_ORIGIN_TAG, Value: state.set ? 'found' : 'created' }];
  // The topic first: SES refuses an event destination whose topic does not exist.
  const items: PlanItem[] = [
    topic
      ? TOPIC.exists(`${topicLabel}${adopted(isManaged(topic.tags ?? []))}`)
      : TOPIC.create(
          `${topicLabel}, for the set's bounces and complaints`,
          sns(new SNS.CreateTopicCommand({ Name: topicLabel, Tags: tags })),
        ),
  ];
  refuseUnadopted(state, options);
  const { topicArn, setArn, account } = state;
  items.push(
    planTopicPolicy(
      { topicName: topicLabel, topicArn, policy: topic?.policy, exists: !!topic, setName: name, setArn, account },
      options,
    ),
  );
  items.push(
    state.set
      ? SET.exists(`${name}${recorded}${adopted(setMadeHere(state))}`)
      : SET.create(
          `${name}${recorded}`,
          ses(new SES.CreateConfigurationSetCommand({ ConfigurationSet: { Name: name } })),
        ),
  );
  const destinations = state.set?.EventDestinations ?? [];
  const otherDestinations = destinations.filter((destination) => destination.Name !== EVENT_DESTINATION_NAME);
  if (otherDestinations.length > 0)
    items.push(
      step('other destinations').warning(
        `${name} also publishes its events to ${otherDestinations.map(describeDestination).join(', ')}, which this tool did not add: whoever reads them sees the recipients of the skill's mails`,
      ),
    );
  const current = destinations.find((destination) => destination.Name === EVENT_DESTINATION_NAME);
  const request = {
    ConfigurationSetName: name,
    EventDestination: {
      Name: EVENT_DESTINATION_NAME,
      Enabled: true,
      MatchingEventTypes: [...EVENT_TYPES],
      SNSDestination: { TopicARN: TopicArn },
    },
  };
  items.push(
    isOurDestination(current, TopicArn)
      ? DESTINATION.exists(eventDestinationDetail(name))
      : current
        ? DESTINATION.update(
            eventDestinationDetail(name),
            ses(new SES.UpdateConfigurationSetEventDestinationCommand(request)),
          )
        : DESTINATION.create(
            eventDestinationDetail(name),
            ses(new SES.CreateConfigurationSetEventDestinationCommand(request)),
          ),
  );
  const subscriptions = planSubscription(state, options.notify);
  items.push(...subscriptions.items);
  return { items, outcome: { name, topicArn: TopicArn, subscriptions: subscriptions.list } };
}

/** `ops-firehose (send, bounce → Kinesis Firehose)`: the destination's name, what it takes and where it goes. */
function describeDestination(destination: SES.EventDestination): string {
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
function setMadeHere(state: Pick<ConfigurationSetState, 'topic'>): boolean {
  const tags = state.topic?.tags ?? [];
  return isManaged(tags) && tags.some((tag) => tag.Key === SET_ORIGIN_TAG && tag.Value === 'created');
}

/** A topic or set of these names that this tool did not create is used only with --adopt, like a user or policy. */
function refuseUnadopted(state: ConfigurationSetState, options: ProvisionOptions): void {
  const topic = state.topic && !isManaged(state.topic.tags ?? []) && !options.adopt.has('topic');
  const set = state.set && !setMadeHere(state) && !options.adopt.has('set');
  const kinds = [
    ...(topic ? [['SNS topic', topicName(state.name)]] : []),
    ...(set ? [['configuration set', state.name]] : []),
  ];
  const refused = kinds.map(([kind = '', name = '']) => notOurs(kind, name));
  const foreign = kinds.map(([kind, name]) => `the ${kind} ${name}`);
  if (foreign.length === 0) return;
  const needed: AdoptKind[] = [...(topic ? ['topic' as const] : []), ...(set ? ['set' as const] : [])];
  const [them, they] = foreign.length > 1 ? ['them', 'they are'] : ['it', 'it is'];
  throw new Refusal(
    refused,
    `Nothing was changed: this tool did not create ${foreign.join(' or ')}, which already ${foreign.length > 1 ? 'exist' : 'exists'}; run again with ${adoptFlags(needed)} to use ${them} as ${they} (the topic's policy is still checked, and --teardown will leave ${them} in place), or choose another --configuration-set.`,
  );
}

/** --notify's subscription, and a warning while nobody would hear of a bounce; the list as the summary shows it (masked). */
function planSubscription(state: ConfigurationSetState, notify: string | undefined) {
  const subscriptions = state.subscriptions
    .filter((subscription) => subscription.Protocol === 'email' || subscription.Protocol === 'email-json')
    .map((subscription) => ({
      endpoint: subscription.Endpoint ?? '',
      status: subscription.SubscriptionArn === PENDING ? 'pending confirmation' : 'confirmed',
    }));
  const list = subscriptions.map((subscription) => ({ ...subscription, endpoint: maskAddress(subscription.endpoint) }));
  if (!notify) {
    if (subscriptions.some((subscription) => subscription.status === 'confirmed')) return { items: [], list };
    const warning = NOTIFY.warning(
      subscriptions.length > 0
        ? 'no subscription is confirmed yet, so bounces and complaints reach no one: click the link in the mail from AWS Notifications'
        : 'nobody is subscribed to the topic, so bounces and complaints reach no one: run again with --notify YOUR-ADDRESS',
    );
    return { items: [warning], list };
  }
  const masked = maskAddress(notify);
  const found = subscriptions.find((subscription) => subscription.endpoint.toLowerCase() === notify.toLowerCase());
  const subscribe = async ({ aws }: StepContext) => {
    await aws.sns.change(new SNS.SubscribeCommand({ TopicArn: state.topicArn, Protocol: 'email', Endpoint: notify }));
    list.push({ endpoint: masked, status: 'pending confirmation' });
  };
  const item = !found
    ? NOTIFY.create(
        `subscribe ${masked}; AWS will mail it a link to confirm`,
        subscribe,
        `AWS mailed ${masked} a confirmation link: until someone clicks "Confirm subscription", no bounce or complaint reaches them`,
      )
    : found.status === 'confirmed'
      ? NOTIFY.exists(`${masked} is subscribed and confirmed: bounces and complaints reach it`)
      : NOTIFY.exists(
          `${masked}: subscription pending; click "Confirm subscription" in the mail from AWS Notifications`,
        );
  return { items: [item], list };
}

/**
 * The set's name in the key file, where the deploy build takes it from. A file this run writes
 * (a new key's) does not hold it yet: the setting is then written into that file.
 */
export function planConfigurationSetSetting(name: string, file: SavedFile, outFile: string, keyWritesFile: boolean) {
  const setting = `${ENV.configurationSet} ${name} in ${shownPath(outFile)}`;
  const lines = step('key file setting');
  if (!keyWritesFile && file.configurationSet === name) return lines.exists(setting);
  const redeploy = `${setting}: the skill sends through it once redeployed (\`npx ask deploy\`)`;
  return (file.exists ? lines.update : lines.create)(file.exists ? redeploy : setting, async () => {
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
  const { name: ConfigurationSetName, topicArn: TopicArn } = state;
  const destinations = state.set?.EventDestinations ?? [];
  const others = destinations.filter((destination) => destination.Name !== EVENT_DESTINATION_NAME);
  const items: PlanItem[] = [];
  if (others.length < destinations.length) {
    const request = { ConfigurationSetName, EventDestinationName: EVENT_DESTINATION_NAME };
    items.push(
      DESTINATION.delete(
        eventDestinationDetail(ConfigurationSetName),
        ses(new SES.DeleteConfigurationSetEventDestinationCommand(request)),
      ),
    );
  }
  const notMade = `was not created by this tool: left in place`;
  items.push(
    !state.set
      ? SET.skipped(`${ConfigurationSetName} does not exist`)
      : !setMadeHere(state)
        ? SET.skipped(`${ConfigurationSetName} ${notMade}`)
        : others.length > 0
          ? SET.skipped(
              `${ConfigurationSetName} also publishes to ${others.map((destination) => destination.Name).join(', ')}: left in place`,
            )
          : SET.delete(ConfigurationSetName, ses(new SES.DeleteConfigurationSetCommand({ ConfigurationSetName }))),
  );
  const topic = topicName(ConfigurationSetName);
  if (!state.topic) return [...items, TOPIC.skipped(`${topic} does not exist`)];
  if (!isManaged(state.topic.tags ?? [])) return [...items, TOPIC.skipped(`${topic} ${notMade}`)];
  for (const { SubscriptionArn, Endpoint } of state.subscriptions) {
    const confirmed = SubscriptionArn && SubscriptionArn !== PENDING;
    const detail = `${maskAddress(Endpoint ?? '')}${confirmed ? '' : ' (pending: goes with the topic)'}`;
    items.push(
      step('subscription').delete(
        detail,
        confirmed ? sns(new SNS.UnsubscribeCommand({ SubscriptionArn })) : async () => {},
      ),
    );
  }
  return [...items, TOPIC.delete(topic, sns(new SNS.DeleteTopicCommand({ TopicArn })))];
}
