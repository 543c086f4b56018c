// `npm run provision` for deliverability, against the in-memory SES, SNS, IAM and STS
// (testkit/aws): --domain with Easy DKIM and the DNS records it prints, --configuration-set with
// its topic, event destination and --notify subscription, re-runs that change nothing, teardown,
// and the report of the SES account (sandbox, quota, paused sending).

import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { policyDocumentIn, statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'skill@example.com';
const SET = 'alexa-mailer';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${LOCAL_ACCOUNT_ID}:${SET}-bounces-complaints`;
const SET_ARN = `arn:aws:ses:us-east-1:${LOCAL_ACCOUNT_ID}:configuration-set/${SET}`;

type World = ReturnType<typeof useProvisionWorld>;

const mutating = (world: World) => world.fake.mutatingCalls().map((call) => `${call.service}:${call.action}`);

describe('--domain', () => {
  const world = useProvisionWorld();
  const run = (...extra: string[]) =>
    world.run(['--from', FROM, '--domain', 'Example.com', '--out', world.outFile, ...extra]);

  it('verifies the domain with Easy DKIM and prints its DNS records as a table and a zone file, with SPF and DMARC advice', async () => {
    const result = await run();

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({ domain: 'created', sender: 'checked', policy: 'created' });
    const dkim = world.fake.ses.region('us-east-1').dkim.get('example.com');
    const token = world.fake.ses.region('us-east-1').verificationTokens.get('example.com');
    expect(dkim?.tokens).toHaveLength(3);
    for (const dkimToken of dkim?.tokens ?? []) {
      expect(result.stdout).toMatch(
        new RegExp(
          `required +CNAME +${dkimToken}\\._domainkey\\.example\\.com +${dkimToken}\\.dkim\\.amazonses\\.com\\n`,
        ),
      );
      expect(result.stdout).toContain(
        `\n${dkimToken}._domainkey.example.com.\t1800\tIN\tCNAME\t${dkimToken}.dkim.amazonses.com.\n`,
      );
    }
    expect(result.stdout).toMatch(new RegExp(`optional +TXT +_amazonses\\.example\\.com +"${token}"`));
    expect(result.stdout).toContain(`\n_amazonses.example.com.\t1800\tIN\tTXT\t"${token}"\n`);
    // The advice is commented out in the zone snippet: a name may hold one SPF and one DMARC record only.
    expect(result.stdout).toContain(
      '\n; bounce.example.com.\t1800\tIN\tMX\t10 feedback-smtp.us-east-1.amazonses.com.\n',
    );
    expect(result.stdout).toContain('\n; bounce.example.com.\t1800\tIN\tTXT\t"v=spf1 include:amazonses.com ~all"\n');
    expect(result.stdout).toContain(
      '\n; _dmarc.example.com.\t1800\tIN\tTXT\t"v=DMARC1; p=none; rua=mailto:dmarc-reports@example.com"\n',
    );
    expect(result.stdout).toContain('Before the skill can send, publish the DNS records above for example.com');

    // The address needs no verification mail: the domain's records verify it.
    expect(world.fake.ses.verificationMails).toEqual([]);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({
        region: 'us-east-1',
        accountId: LOCAL_ACCOUNT_ID,
        fromAddress: FROM,
        sendingDomain: { domain: 'example.com', addressVerified: false },
      }),
    );
    expect(policyDocumentIn(world)).toMatchObject({
      Statement: [
        {
          Resource: [`arn:aws:ses:us-east-1:${LOCAL_ACCOUNT_ID}:identity/example.com`],
          Condition: { StringEquals: { 'ses:FromAddress': FROM } },
        },
      ],
    });
  });

  it('shows the status on a second run instead of asking again, and the records until DKIM works', async () => {
    await run();
    const before = mutating(world).length;

    const pending = await run();
    expect(mutating(world)).toHaveLength(before);
    expect(statuses(pending.stdout).domain).toBe('exists');
    expect(pending.stdout).toContain('example.com: verification pending, DKIM pending: publish the DNS records below');
    expect(pending.stdout).toContain('._domainkey.example.com');

    world.fake.ses.settleDkim('us-east-1', 'example.com', 'Success');
    const verified = await run('--json');
    const document = JSON.parse(verified.stdout) as {
      domain: {
        verificationStatus: string;
        dkimStatus: string;
        records: { type: string; name: string; need: string }[];
      };
      steps: { step: string; status: string; detail: string }[];
    };
    expect(mutating(world)).toHaveLength(before);
    expect(document.domain.verificationStatus).toBe('Success');
    expect(document.domain.dkimStatus).toBe('Success');
    // Verified: the TXT record is no longer needed; the three CNAMEs and the advice stay.
    expect(document.domain.records.map((record) => `${record.need} ${record.type}`)).toEqual([
      'required CNAME',
      'required CNAME',
      'required CNAME',
      'advice MX',
      'advice TXT',
      'advice TXT',
    ]);
    expect(document.steps).toContainEqual({
      step: 'sender',
      status: 'exists',
      detail: 's***@example.com sends as the domain identity example.com',
    });

    const quiet = await run();
    expect(quiet.stdout).toContain('example.com: verification success, DKIM success');
    expect(quiet.stdout).not.toContain('DNS records for example.com');
    expect(quiet.stdout).not.toContain('Before the skill can send');
  });

  it('asks SES to look again, for the same records, once it gave up finding them', async () => {
    await run();
    const tokens = world.fake.ses.region('us-east-1').dkim.get('example.com')?.tokens;
    world.fake.ses.settleDkim('us-east-1', 'example.com', 'Failed');

    const again = await run();
    expect(statuses(again.stdout).domain).toBe('updated');
    expect(again.stdout).toContain('SES found no DNS records within 72 hours');
    expect(world.fake.ses.region('us-east-1').dkim.get('example.com')).toMatchObject({ status: 'Pending', tokens });
  });

  it('is kept by a later run without --domain, which names it in the policy and mails the address no link', async () => {
    expect((await run('--configuration-set', SET)).code).toBe(0);
    const first = policyDocumentIn(world);

    const later = await world.run(['--from', FROM, '--out', world.outFile, '--limit-table', 'AlexaSkillMailLimit']);

    expect(later.code).toBe(0);
    expect(later.stdout).toContain(
      'domain             exists        example.com (kept without --domain: the policy of an earlier --domain run names it): verification pending, DKIM pending',
    );
    expect(later.stdout).toContain(`configuration set  exists        ${SET} (recorded in ${world.outFile}`);
    expect(later.stdout).toMatch(/policy +created +AlexaSkillMailLimit v1/);
    expect(policyDocumentIn(world)).toEqual(first);
    expect(world.fake.ses.verificationMails).toEqual([]);
  });

  it('is not taken from SES alone: a domain the policy never named leaves the address as the identity', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const before = policyDocumentIn(world);
    // Someone sets up Easy DKIM for the domain for other mail; this tool's policy never named it.
    world.fake.ses.region('us-east-1').identities.set('example.com', 'Pending');
    world.fake.ses.enableDkim('us-east-1', 'example.com');

    const later = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(later.code).toBe(0);
    expect(statuses(later.stdout).domain).toBeUndefined();
    expect(policyDocumentIn(world)).toEqual(before);
  });

  it('plans without a change in a dry run, and refuses a sender outside the domain', async () => {
    const dry = await run('--dry-run');
    expect(dry.code).toBe(0);
    expect(mutating(world)).toEqual([]);
    expect(statuses(dry.stdout).domain).toBe('would create');

    const outside = await world.run(['--from', 'skill@example.org', '--domain', 'example.com', '--out', world.outFile]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--from skill@example.org is not at --domain example.com');
    const subdomain = await world.run(['--from', 'skill@mail.example.com', '--domain', 'example.com', '--dry-run']);
    expect(subdomain.code).toBe(0);
  });
});

describe('--configuration-set and --notify', () => {
  const world = useProvisionWorld();
  const run = (...extra: string[]) => world.run(['--from', FROM, '--out', world.outFile, ...extra]);
  const withSet = ['--configuration-set', SET, '--notify', 'owner@example.org'];

  it('creates the set, its topic (SES may publish to it), the Bounce and Complaint destination and a pending subscription', async () => {
    const result = await run(...withSet);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({
      'SNS topic': 'created',
      'topic policy': 'created',
      'configuration set': 'created',
      'event destination': 'created',
      notify: 'created',
      'key file setting': 'updated',
    });
    const { ses, sns } = world.fake;
    expect(world.fake.snapshot().sesConfigurationSets).toEqual({
      'us-east-1': { [SET]: { 'alexa-ses-mailer-bounces-complaints': `bounce,complaint → ${TOPIC_ARN}` } },
    });
    const topic = sns.topics.get(TOPIC_ARN);
    expect(Object.fromEntries(topic?.tags ?? [])).toEqual({
      'managed-by': 'alexa-ses-mailer',
      'alexa-ses-mailer:configuration-set': 'created',
    });
    const topicPolicy = JSON.parse(topic?.attributes.get('Policy') ?? '{}') as { Statement: unknown[] };
    expect(topicPolicy.Statement).toContainEqual({
      Sid: 'AllowSesToPublishThisConfigurationSetsEvents',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 'SNS:Publish',
      Resource: TOPIC_ARN,
      Condition: { StringEquals: { 'AWS:SourceAccount': LOCAL_ACCOUNT_ID, 'AWS:SourceArn': SET_ARN } },
    });
    // SNS's own statement for the owning account stays.
    expect(topicPolicy.Statement).toHaveLength(2);
    expect(sns.confirmationMails).toEqual([{ topicArn: TOPIC_ARN, endpoint: 'owner@example.org' }]);
    expect(world.fake.snapshot().snsTopics[TOPIC_ARN]?.subscriptions).toEqual({
      'owner@example.org': 'pending confirmation',
    });
    expect(ses.configurationSet('us-east-1', SET).name).toBe(SET);

    const file = await readCredentialsFile(world.outFile);
    expect(file.SES_CONFIGURATION_SET).toBe(SET);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({
        region: 'us-east-1',
        accountId: LOCAL_ACCOUNT_ID,
        fromAddress: FROM,
        configurationSet: SET,
      }),
    );
    expect(policyDocumentIn(world)).toMatchObject({ Statement: [{ Resource: expect.arrayContaining([SET_ARN]) }] });
    expect(result.stdout).toContain('Confirm the topic subscription: click "Confirm subscription"');
    expect(result.stdout).not.toContain('owner@example.org');
  });

  it('changes nothing on a second run, and stops reminding once the owner confirmed', async () => {
    await run(...withSet);
    const before = mutating(world).length;

    const pending = await run(...withSet);
    expect(mutating(world)).toHaveLength(before);
    expect(statuses(pending.stdout)).toMatchObject({
      'SNS topic': 'exists',
      'topic policy': 'exists',
      'configuration set': 'exists',
      'event destination': 'exists',
      notify: 'exists',
      'key file setting': 'exists',
    });
    expect(pending.stdout).toContain('o***@example.org: subscription pending');

    world.fake.sns.confirm(TOPIC_ARN, 'owner@example.org');
    const confirmed = await run(...withSet);
    expect(mutating(world)).toHaveLength(before);
    expect(confirmed.stdout).toContain('o***@example.org is subscribed and confirmed');
    expect(confirmed.stdout).not.toContain('Confirm the topic subscription');
  });

  it('keeps the set the key file records when a later run does not name it, so the deployed skill can still send', async () => {
    await run(...withSet);
    const later = await run('--verify-recipient', 'me@example.org');

    expect(later.code).toBe(0);
    expect(later.stdout).toContain(`${SET} (recorded in `);
    expect(policyDocumentIn(world)).toMatchObject({ Statement: [{ Resource: expect.arrayContaining([SET_ARN]) }] });
    // Nobody is named to notify and nobody confirmed: the run says bounces reach no one.
    expect(statuses(later.stdout).notify).toBe('warning');
  });

  it('records the set in an existing key file, key unchanged, and asks for a redeploy', async () => {
    await run();
    const key = (await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID;

    const added = await run('--configuration-set', SET);
    expect(added.code).toBe(0);
    const file = await readCredentialsFile(world.outFile);
    expect(file).toMatchObject({ SES_ACCESS_KEY_ID: key, SES_CONFIGURATION_SET: SET });
    expect(world.fake.iam.users.get('AlexaSkillMailSender')?.accessKeys).toHaveLength(1);
    expect(added.stdout).toMatch(
      new RegExp(
        `Next: redeploy the skill \\(\`[^\`]*npx ask deploy\`\\) so that it sends through the configuration set ${SET}\\.`,
      ),
    );
  });

  it('plans every part in a dry run and changes nothing', async () => {
    const dry = await run(...withSet, '--dry-run');
    expect(dry.code).toBe(0);
    expect(mutating(world)).toEqual([]);
    expect(statuses(dry.stdout)).toMatchObject({
      'SNS topic': 'would create',
      'topic policy': 'would create',
      'configuration set': 'would create',
      'event destination': 'would create',
      notify: 'would create',
      'key file setting': 'would create',
    });
  });

  it('refuses --notify without a configuration set, and a malformed set name', async () => {
    const notify = await run('--notify', 'owner@example.org');
    expect(notify.code).toBe(2);
    expect(notify.stderr).toContain('--notify needs --configuration-set NAME');
    const name = await run('--configuration-set', 'my set');
    expect(name.code).toBe(2);
    expect(name.stderr).toContain('--configuration-set "my set" is not a configuration set name');
  });
});

describe('--teardown with a configuration set', () => {
  const world = useProvisionWorld();
  const provisionWithSet = () =>
    world.run(['--from', FROM, '--out', world.outFile, '--configuration-set', SET, '--notify', 'owner@example.org']);

  it('removes the destination, the set, the topic and its subscriptions, with the user and policy', async () => {
    const created = await provisionWithSet();
    world.fake.sns.confirm(TOPIC_ARN, 'owner@example.org');

    const dry = await world.run(['--teardown', '--dry-run', '--out', world.outFile]);
    expect(statuses(dry.stdout)).toMatchObject({
      'event destination': 'would delete',
      'configuration set': 'would delete',
      subscription: 'would delete',
      'SNS topic': 'would delete',
    });

    const result = await world.run(['--teardown', '--yes', '--out', world.outFile]);
    expect(result.code).toBe(0);
    // One name for the destination, whether it is made or removed.
    const destination = `alexa-ses-mailer-bounces-complaints of ${SET}: its Bounce and Complaint events → the SNS topic ${SET}-bounces-complaints`;
    expect(created.stdout).toContain(`event destination  created       ${destination}\n`);
    expect(result.stdout).toContain(`event destination  deleted       ${destination}\n`);
    expect(statuses(result.stdout)).toMatchObject({
      'event destination': 'deleted',
      'configuration set': 'deleted',
      subscription: 'deleted',
      'SNS topic': 'deleted',
      'credentials file': 'deleted',
    });
    const snapshot = world.fake.snapshot();
    expect(snapshot.sesConfigurationSets).toEqual({});
    expect(snapshot.snsTopics).toEqual({});
    expect(snapshot.mutatingCalls).toEqual(
      expect.arrayContaining([
        'ses:DeleteConfigurationSetEventDestination',
        'ses:DeleteConfigurationSet',
        'sns:Unsubscribe',
        'sns:DeleteTopic',
      ]),
    );
  });

  it('names the set, its destination, the topic and the subscription in the question it asks first', async () => {
    await provisionWithSet();
    const terminal = Object.assign(Readable.from(['no\n']), { isTTY: true });

    const declined = await world.run(['--teardown', '--out', world.outFile], { stdin: terminal });

    expect(declined.code).toBe(1);
    const key = (await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID;
    expect(declined.stderr).toContain(
      `This deletes, in account ${LOCAL_ACCOUNT_ID}: access key ${key}; user AlexaSkillMailSender; policy AlexaSkillMailAccess, AlexaSkillMailGuard, and AlexaSkillMailBoundary; event destination alexa-ses-mailer-bounces-complaints of ${SET}: its Bounce and Complaint events → the SNS topic ${SET}-bounces-complaints; configuration set ${SET}; subscription o***@example.org (pending: goes with the topic); SNS topic ${SET}-bounces-complaints; credentials file ${world.outFile} and its CSV (their key is deleted). A deployed skill stops sending mail.`,
    );
    expect(world.fake.snapshot().snsTopics).not.toEqual({});
  });

  it('uses a set it did not create only with --adopt, names its other destination, and leaves both in place', async () => {
    world.fake.ses.addConfigurationSet('us-east-1', SET).destinations.set('ops-firehose', {
      name: 'ops-firehose',
      enabled: true,
      matchingEventTypes: ['send'],
    });
    const refused = await world.run(['--from', FROM, '--out', world.outFile, '--configuration-set', SET]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      `configuration set  refused       ${SET} exists but this tool did not create it (no managed-by tag)`,
    );
    expect(refused.stderr).toContain(`this tool did not create the configuration set ${SET}, which already exists`);
    expect(world.fake.sns.topics.size).toBe(0);

    const provisioned = await world.run([
      ...['--from', FROM, '--out', world.outFile, '--configuration-set', SET, '--adopt'],
    ]);
    expect(provisioned.stdout).toContain(`${SET} (created outside this tool, adopted)`);
    expect(provisioned.stdout).toContain(
      `other destinations warning       ${SET} also publishes its events to ops-firehose (send → elsewhere), which this tool did not add: whoever reads them sees the recipients of the skill's mails`,
    );
    expect(world.fake.sns.topics.get(TOPIC_ARN)?.tags.get('alexa-ses-mailer:configuration-set')).toBe('found');

    const result = await world.run(['--teardown', '--yes', '--configuration-set', SET, '--out', world.outFile]);
    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({
      'event destination': 'deleted',
      'configuration set': 'skipped',
      'SNS topic': 'deleted',
    });
    expect(result.stdout).toContain(`${SET} was not created by this tool: left in place`);
    expect(world.fake.snapshot().sesConfigurationSets).toEqual({
      'us-east-1': { [SET]: { 'ops-firehose': 'send → (not SNS)' } },
    });
  });
});

describe("a statement in the topic's policy that this tool did not add", () => {
  const world = useProvisionWorld();
  const run = () => world.run(['--from', FROM, '--out', world.outFile, '--configuration-set', SET]);
  const openToAll = {
    Sid: 'OpenToAll',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['SNS:Subscribe', 'SNS:Receive'],
    Resource: TOPIC_ARN,
  };
  const addStatement = () => {
    const attributes = world.fake.sns.topics.get(TOPIC_ARN)!.attributes;
    const policy = JSON.parse(attributes.get('Policy')!) as { Statement: unknown[] };
    attributes.set('Policy', JSON.stringify({ ...policy, Statement: [...policy.Statement, openToAll] }));
  };
  const refusal = `topic policy       refused       ${SET}-bounces-complaints also grants "OpenToAll": Allow {"AWS":"*"} SNS:Subscribe, SNS:Receive, which this tool did not add`;

  it('is named and refused on a topic found in place, before any change, --adopt or not', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.sns.createTopic('us-east-1', `${SET}-bounces-complaints`, new Map());
    const foreign = await run();
    expect(foreign.code).toBe(1);
    expect(foreign.stdout).toContain(
      `SNS topic          refused       ${SET}-bounces-complaints exists but this tool did not create it (no managed-by tag)`,
    );
    addStatement();
    const callsBefore = world.fake.mutatingCalls().length;

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--configuration-set', SET, '--adopt']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(refusal);
    expect(result.stderr).toMatch(
      /^\nNothing was changed: the access policy of the SNS topic alexa-mailer-bounces-complaints holds a statement besides SNS's default and this tool's \(listed above\), .*could read every bounce and complaint/,
    );
    expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
  });

  it('is refused when added after this tool made the topic, on the next run and every run after', async () => {
    expect((await run()).code).toBe(0);
    expect((await run()).stdout).toContain('topic policy       exists');
    addStatement();
    const callsBefore = world.fake.mutatingCalls().length;

    for (const attempt of [await run(), await run()]) {
      expect(attempt.code).toBe(1);
      expect(attempt.stdout).toContain(refusal);
    }
    expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
    const statements = (
      JSON.parse(world.fake.sns.topics.get(TOPIC_ARN)!.attributes.get('Policy')!) as { Statement: unknown[] }
    ).Statement;
    expect(statements).toContainEqual(openToAll);
  });
});

describe('the permission check, with --domain and --configuration-set', () => {
  const world = useProvisionWorld();
  const flags = ['--from', FROM, '--domain', 'example.com', '--configuration-set', SET, '--adopt'];
  const documentFor = (configurationSet?: string) =>
    JSON.stringify(
      buildMailAccessPolicy({
        region: 'us-east-1',
        accountId: LOCAL_ACCOUNT_ID,
        fromAddress: FROM,
        sendingDomain: { domain: 'example.com', addressVerified: false },
        ...(configurationSet ? { configurationSet } : {}),
      }),
    );

  it("adopts a policy made elsewhere only when its document is exactly this tool's for these options", async () => {
    world.fake.iam.addPolicy('AlexaSkillMailAccess', documentFor(SET));
    const adopted = await world.run([...flags, '--out', world.outFile]);
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain("(created outside this tool, adopted: its document is exactly this tool's)");
  });

  it('refuses, changing nothing, a policy made elsewhere whose document lacks the configuration set', async () => {
    world.fake.iam.addPolicy('AlexaSkillMailAccess', documentFor());
    const refused = await world.run([...flags, '--out', world.outFile]);
    expect(refused.code).toBe(1);
    expect(statuses(refused.stdout).policy).toBe('refused');
    expect(world.fake.mutatingCalls()).toEqual([]);
  });
});

describe('the SES account, reported', () => {
  const world = useProvisionWorld();

  it('says sandbox, quota, rate and what was sent, with the next steps, and carries them in --json', async () => {
    world.fake.ses.quota('us-east-1').sentLast24Hours = 12;
    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.stdout).toContain(
      'the account is in the SES sandbox (200 mails a day, 1 a second, 12 sent in the last 24 hours): SES delivers only to verified addresses, such as the sender',
    );
    expect(result.stdout).toContain('--verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS, or request production access');

    const json = JSON.parse((await world.run(['--from', FROM, '--out', world.outFile, '--json'])).stdout) as {
      sesAccount: unknown;
    };
    expect(json.sesAccount).toEqual({
      sandbox: true,
      sendingEnabled: true,
      max24HourSend: 200,
      maxSendRate: 1,
      sentLast24Hours: 12,
    });
  });

  it('warns when AWS has paused the account’s sending', async () => {
    world.fake.ses.leaveSandbox('us-east-1');
    world.fake.ses.pauseSending('us-east-1');
    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('production access (50000 mails a day, 14 a second, 0 sent in the last 24 hours)');
    expect(statuses(result.stdout)['SES sending']).toBe('warning');
    expect(result.stdout).toContain("AWS has paused this account's sending in us-east-1");
    expect(await readFile(world.outFile, 'utf8')).not.toContain('SES_CONFIGURATION_SET');
  });
});
