// The fake SES's domains, DKIM and configuration sets, and the fake SNS, answer the real AWS SDK
// clients as AWS does: the shapes, error codes and idempotence that provisioning relies on.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  DeleteConfigurationSetCommand,
  DeleteConfigurationSetEventDestinationCommand,
  DescribeConfigurationSetCommand,
  GetAccountSendingEnabledCommand,
  GetIdentityDkimAttributesCommand,
  GetIdentityVerificationAttributesCommand,
  SESClient,
  VerifyDomainDkimCommand,
  VerifyDomainIdentityCommand,
} from '@aws-sdk/client-ses';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../../../testkit/aws/server.ts';
import { setAwsEnvironment } from '../../helpers/provisionHarness.ts';

let fake: FakeAws;
let folder: string;
let restore: () => void;
let ses: SESClient;
let sns: SNSClient;

beforeAll(async () => {
  fake = await startFakeAws();
  folder = await mkdtemp(join(tmpdir(), 'fake-ses-sns-'));
  restore = setAwsEnvironment(fake.env(), folder);
  ses = new SESClient({ region: 'eu-west-1', maxAttempts: 1 });
  sns = new SNSClient({ region: 'eu-west-1', maxAttempts: 1 });
});

afterAll(async () => {
  ses.destroy();
  sns.destroy();
  restore();
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  )) as { name: string; $metadata?: { httpStatusCode?: number } };
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

describe('the fake SES: domains and Easy DKIM', () => {
  it('keeps a domain pending with one TXT token and three DKIM tokens, whatever the number of calls', async () => {
    const first = await ses.send(new VerifyDomainIdentityCommand({ Domain: 'mail.example.org' }));
    const again = await ses.send(new VerifyDomainIdentityCommand({ Domain: 'mail.example.org' }));
    const dkim = await ses.send(new VerifyDomainDkimCommand({ Domain: 'mail.example.org' }));
    const dkimAgain = await ses.send(new VerifyDomainDkimCommand({ Domain: 'mail.example.org' }));

    expect(first.VerificationToken).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(again.VerificationToken).toBe(first.VerificationToken);
    expect(dkim.DkimTokens).toHaveLength(3);
    expect(dkimAgain.DkimTokens).toEqual(dkim.DkimTokens);
    const verification = await ses.send(
      new GetIdentityVerificationAttributesCommand({ Identities: ['mail.example.org'] }),
    );
    expect(verification.VerificationAttributes).toEqual({
      'mail.example.org': { VerificationStatus: 'Pending', VerificationToken: first.VerificationToken },
    });
    const attributes = await ses.send(new GetIdentityDkimAttributesCommand({ Identities: ['mail.example.org'] }));
    expect(attributes.DkimAttributes).toEqual({
      'mail.example.org': { DkimEnabled: true, DkimVerificationStatus: 'Pending', DkimTokens: dkim.DkimTokens },
    });
  });

  it('verifies the domain once its DKIM records are found, and says Failed when they are not', async () => {
    await ses.send(new VerifyDomainDkimCommand({ Domain: 'found.example.org' }));
    await ses.send(new VerifyDomainDkimCommand({ Domain: 'missing.example.org' }));
    fake.ses.settleDkim('eu-west-1', 'found.example.org', 'Success');
    fake.ses.settleDkim('eu-west-1', 'missing.example.org', 'Failed');

    const identities = ['found.example.org', 'missing.example.org'];
    const dkim = await ses.send(new GetIdentityDkimAttributesCommand({ Identities: identities }));
    const verification = await ses.send(new GetIdentityVerificationAttributesCommand({ Identities: identities }));
    expect(dkim.DkimAttributes?.['found.example.org']?.DkimVerificationStatus).toBe('Success');
    expect(dkim.DkimAttributes?.['missing.example.org']?.DkimVerificationStatus).toBe('Failed');
    expect(verification.VerificationAttributes?.['found.example.org']?.VerificationStatus).toBe('Success');
    expect(verification.VerificationAttributes?.['missing.example.org']?.VerificationStatus).toBe('Pending');
  });

  it('refuses a malformed domain, and reports sending paused once the account is', async () => {
    expect(await failure(ses.send(new VerifyDomainIdentityCommand({ Domain: 'not a domain' })))).toEqual({
      name: 'InvalidParameterValue',
      status: 400,
    });
    expect((await ses.send(new GetAccountSendingEnabledCommand({}))).Enabled).toBe(true);
    fake.ses.pauseSending('eu-west-1');
    expect((await ses.send(new GetAccountSendingEnabledCommand({}))).Enabled).toBe(false);
  });
});

describe('the fake SES configuration sets and the fake SNS', () => {
  it('publishes to a topic only once it exists, and answers each missing or doubled thing as AWS does', async () => {
    const destination = (TopicARN: string) => ({
      ConfigurationSetName: 'skill-mail',
      EventDestination: {
        Name: 'bounces',
        Enabled: true,
        MatchingEventTypes: ['bounce' as const, 'complaint' as const],
        SNSDestination: { TopicARN },
      },
    });
    const topicArn = `arn:aws:sns:eu-west-1:${fake.accountId}:skill-mail-events`;

    expect(
      await failure(ses.send(new DescribeConfigurationSetCommand({ ConfigurationSetName: 'skill-mail' }))),
    ).toEqual({ name: 'ConfigurationSetDoesNotExistException', status: 400 });
    await ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: 'skill-mail' } }));
    expect(
      await failure(ses.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: 'skill-mail' } }))),
    ).toEqual({ name: 'ConfigurationSetAlreadyExistsException', status: 400 });
    expect(await failure(ses.send(new CreateConfigurationSetEventDestinationCommand(destination(topicArn))))).toEqual({
      name: 'InvalidSNSDestinationException',
      status: 400,
    });

    const created = await sns.send(
      new CreateTopicCommand({ Name: 'skill-mail-events', Tags: [{ Key: 'managed-by', Value: 'me' }] }),
    );
    expect(created.TopicArn).toBe(topicArn);
    expect((await sns.send(new CreateTopicCommand({ Name: 'skill-mail-events' }))).TopicArn).toBe(topicArn);
    expect(
      await failure(
        sns.send(new CreateTopicCommand({ Name: 'skill-mail-events', Tags: [{ Key: 'managed-by', Value: 'you' }] })),
      ),
    ).toEqual({ name: 'InvalidParameterException', status: 400 });
    await ses.send(new CreateConfigurationSetEventDestinationCommand(destination(topicArn)));
    expect(await failure(ses.send(new CreateConfigurationSetEventDestinationCommand(destination(topicArn))))).toEqual({
      name: 'EventDestinationAlreadyExistsException',
      status: 400,
    });

    const described = await ses.send(
      new DescribeConfigurationSetCommand({
        ConfigurationSetName: 'skill-mail',
        ConfigurationSetAttributeNames: ['eventDestinations'],
      }),
    );
    expect(described.ConfigurationSet).toEqual({ Name: 'skill-mail' });
    expect(described.EventDestinations).toEqual([
      {
        Name: 'bounces',
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SNSDestination: { TopicARN: topicArn },
      },
    ]);
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags).toEqual([
      { Key: 'managed-by', Value: 'me' },
    ]);

    await ses.send(
      new DeleteConfigurationSetEventDestinationCommand({
        ConfigurationSetName: 'skill-mail',
        EventDestinationName: 'bounces',
      }),
    );
    await ses.send(new DeleteConfigurationSetCommand({ ConfigurationSetName: 'skill-mail' }));
    expect(fake.snapshot().sesConfigurationSets).toEqual({});
  });

  it('keeps an e-mail subscription pending until the owner confirms it, and deletes a topic with its subscriptions', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'owner-notices' }));
    const subscribe = () =>
      sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'owner@example.org' }));

    expect((await subscribe()).SubscriptionArn).toBe('pending confirmation');
    expect((await subscribe()).SubscriptionArn).toBe('pending confirmation');
    const pending = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(pending.Subscriptions).toEqual([
      expect.objectContaining({
        SubscriptionArn: 'PendingConfirmation',
        Protocol: 'email',
        Endpoint: 'owner@example.org',
      }),
    ]);
    expect(fake.sns.confirmationMails.filter((mail) => mail.topicArn === TopicArn)).toHaveLength(2);

    fake.sns.confirm(TopicArn ?? '', 'owner@example.org');
    const [confirmed] = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? [];
    expect(confirmed?.SubscriptionArn).toMatch(/^arn:aws:sns:eu-west-1:\d{12}:owner-notices:/);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: confirmed?.SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);

    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn,
        AttributeName: 'Policy',
        AttributeValue: '{"Version":"2012-10-17","Statement":[]}',
      }),
    );
    const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
    expect(attributes.Attributes?.Policy).toBe('{"Version":"2012-10-17","Statement":[]}');
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    expect(await failure(sns.send(new GetTopicAttributesCommand({ TopicArn })))).toEqual({
      name: 'NotFoundException',
      status: 404,
    });
  });
});
