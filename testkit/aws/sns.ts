// The in-memory SNS of the fake account, only what SES event publishing needs: topics with
// their attributes (the access policy) and tags, and e-mail subscriptions, pending until the
// owner confirms them (`confirm`), as the confirmation mail SNS sends asks them to.

import { randomUUID } from 'node:crypto';
import { AwsError, type QueryActions, XmlMap } from './protocol.ts';

export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

interface Subscription {
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  confirmed: boolean;
}

interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly subscriptions: Subscription[];
}

/** SNS's own default access policy, as a new topic gets it today: the owning account may use the topic. */
function defaultPolicy(arn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [
      {
        Sid: '__default_statement_ID',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'SNS:GetTopicAttributes',
          'SNS:SetTopicAttributes',
          'SNS:AddPermission',
          'SNS:RemovePermission',
          'SNS:DeleteTopic',
          'SNS:Subscribe',
          'SNS:ListSubscriptionsByTopic',
          'SNS:Publish',
        ],
        Resource: arn,
        Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
      },
    ],
  });
}

export class FakeSns {
  /** By topic ARN: an ARN names its region. */
  readonly topics = new Map<string, Topic>();
  /** Every confirmation mail SNS would have sent: the topic and the address. */
  readonly confirmationMails: { topicArn: string; endpoint: string }[] = [];

  constructor(private readonly accountId: string) {}

  topic(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (!topic) throw new AwsError('NotFound', 'Topic does not exist', 404);
    return topic;
  }

  /** What clicking "Confirm subscription" in SNS's mail does. */
  confirm(topicArn: string, endpoint: string): void {
    const subscription = this.topic(topicArn).subscriptions.find((candidate) => candidate.endpoint === endpoint);
    if (!subscription) throw new Error(`${endpoint} has no subscription to ${topicArn}.`);
    subscription.confirmed = true;
  }

  createTopic(region: string, name: string, tags: Map<string, string>): Topic {
    if (!TOPIC_NAME.test(name))
      throw new AwsError(
        'InvalidParameter',
        'Invalid parameter: Topic Name: must be 1 to 256 letters, numbers, hyphens or underscores',
      );
    const arn = `arn:aws:sns:${region}:${this.accountId}:${name}`;
    const existing = this.topics.get(arn);
    if (existing) {
      // CreateTopic is idempotent, unless it is asked for other tags than the topic has.
      const same =
        tags.size === 0 ||
        (tags.size === existing.tags.size && [...tags].every(([key, value]) => existing.tags.get(key) === value));
      if (!same)
        throw new AwsError(
          'InvalidParameter',
          'Invalid parameter: Tags Reason: Topic already exists with different tags',
        );
      return existing;
    }
    const topic: Topic = {
      arn,
      name,
      attributes: new Map([['Policy', defaultPolicy(arn, this.accountId)]]),
      tags,
      subscriptions: [],
    };
    this.topics.set(arn, topic);
    return topic;
  }

  /** Topics, each with its tags and its subscriptions' endpoints (pending or confirmed). */
  snapshot(): Record<string, { tags: Record<string, string>; subscriptions: Record<string, string> }> {
    return Object.fromEntries(
      [...this.topics.values()].map((topic) => [
        topic.arn,
        {
          tags: Object.fromEntries(topic.tags),
          subscriptions: Object.fromEntries(
            topic.subscriptions.map((subscription) => [
              subscription.endpoint,
              subscription.confirmed ? 'confirmed' : 'pending confirmation',
            ]),
          ),
        },
      ]),
    );
  }
}

function subscriptionXml(topic: Topic, subscription: Subscription, owner: string) {
  return {
    SubscriptionArn: subscription.confirmed ? subscription.arn : 'PendingConfirmation',
    Owner: owner,
    Protocol: subscription.protocol,
    Endpoint: subscription.endpoint,
    TopicArn: topic.arn,
  };
}

export const SNS_ACTIONS: QueryActions<FakeSns> = {
  CreateTopic: (sns, params, { region }) => {
    const tags = new Map(params.structures('Tags').map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    return { TopicArn: sns.createTopic(region, params.required('Name'), tags).arn };
  },

  GetTopicAttributes: (sns, params, { caller }) => {
    const topic = sns.topic(params.required('TopicArn'));
    const confirmed = topic.subscriptions.filter((subscription) => subscription.confirmed).length;
    return {
      Attributes: new XmlMap([
        ['TopicArn', topic.arn],
        ['Owner', caller.account],
        ...[...topic.attributes],
        ['SubscriptionsConfirmed', String(confirmed)],
        ['SubscriptionsPending', String(topic.subscriptions.length - confirmed)],
      ]),
    };
  },

  SetTopicAttributes: (sns, params) => {
    const topic = sns.topic(params.required('TopicArn'));
    const name = params.required('AttributeName');
    const value = params.optional('AttributeValue') ?? '';
    if (name === 'Policy') {
      try {
        JSON.parse(value);
      } catch {
        throw new AwsError('InvalidParameter', 'Invalid parameter: Policy Error: null');
      }
    }
    topic.attributes.set(name, value);
    return {};
  },

  ListTagsForResource: (sns, params) => ({
    Tags: [...sns.topic(params.required('ResourceArn')).tags].map(([Key, Value]) => ({ Key, Value })),
  }),

  Subscribe: (sns, params) => {
    const topic = sns.topic(params.required('TopicArn'));
    const protocol = params.required('Protocol');
    const endpoint = params.optional('Endpoint') ?? '';
    if (protocol !== 'email' && protocol !== 'email-json')
      throw new AwsError('InvalidParameter', `Invalid parameter: Protocol: this fake SNS takes e-mail only`);
    let subscription = topic.subscriptions.find(
      (candidate) => candidate.protocol === protocol && candidate.endpoint === endpoint,
    );
    if (!subscription) {
      subscription = { arn: `${topic.arn}:${randomUUID()}`, protocol, endpoint, confirmed: false };
      topic.subscriptions.push(subscription);
    }
    // A pending subscription gets its confirmation mail again.
    if (!subscription.confirmed) sns.confirmationMails.push({ topicArn: topic.arn, endpoint });
    const answerArn = subscription.confirmed || params.optional('ReturnSubscriptionArn') === 'true';
    return { SubscriptionArn: answerArn ? subscription.arn : 'pending confirmation' };
  },

  ListSubscriptionsByTopic: (sns, params, { caller }) => {
    const topic = sns.topic(params.required('TopicArn'));
    return {
      Subscriptions: topic.subscriptions.map((subscription) => subscriptionXml(topic, subscription, caller.account)),
    };
  },

  Unsubscribe: (sns, params) => {
    const arn = params.required('SubscriptionArn');
    for (const topic of sns.topics.values()) {
      const index = topic.subscriptions.findIndex((subscription) => subscription.arn === arn);
      if (index >= 0) {
        topic.subscriptions.splice(index, 1);
        return {};
      }
    }
    throw new AwsError('NotFound', 'Subscription does not exist', 404);
  },

  // Deleting a topic that does not exist is not an error, and takes its subscriptions with it.
  DeleteTopic: (sns, params) => {
    sns.topics.delete(params.required('TopicArn'));
    return {};
  },
};

export const unknownSnsAction = (action: string) =>
  new AwsError('InvalidAction', `Could not find operation ${action} for version 2010-03-31`, 400);
