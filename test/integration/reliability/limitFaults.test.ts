// The limit table failing in every way the skill must survive: a DynamoDB that hangs, refuses
// the connection, throttles, fails inside, or has no such table. The user still gets their
// mail (the limits fail open), inside Alexa's deadline, and operators get one warning that
// names the store and the reason. Each case has its own skill, so nothing carries over.
// The cases run at once, as several wait out a deadline: each skill signs with a key of its own,
// for which the SES stand-in answers in a lane of its own and one DynamoDB endpoint passes the
// requests on to the case's own DynamoDB.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../../lambda/config.ts';
import { ALEXA_DEADLINE_MS } from '../../../lambda/deadlines.ts';
import { userHashOf } from '../../../lambda/limits/limiter.ts';
import { SES_BEHAVIOURS, type SesLane, type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import {
  type DynamoDbByKey,
  type DynamoDbFault,
  startDynamoDbByKey,
  startFaultyDynamoDb,
} from '../../../testkit/dynamoDb/faultyDynamoDb.ts';
import { type DynamoDbStandIn, startDynamoDbStandIn } from '../../../testkit/dynamoDb/standIn.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { refusingLoopbackUrl } from '../../../testkit/loopback.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let sesStandIn: SesStandIn;
let profile: ProfileApi;
let dynamoDb: DynamoDbStandIn;
let dynamoDbByKey: DynamoDbByKey;
const TABLE = 'AlexaSkillMailLimit';

beforeAll(async () => {
  [sesStandIn, profile, dynamoDb, dynamoDbByKey] = await Promise.all([
    startSesStandIn(),
    startProfileApi({ email: 'taro@example.com' }),
    startDynamoDbStandIn(),
    startDynamoDbByKey(),
  ]);
  await dynamoDb.createLimitTable(TABLE);
});
afterAll(async () => {
  await Promise.all([sesStandIn.close(), profile.close(), dynamoDb.close(), dynamoDbByKey.close()]);
});

/** A case's SES, and the key its skill signs with for SES and DynamoDB alike. */
function caseKey(): { ses: SesLane; accessKeyId: string; secretAccessKey: string } {
  const { lane, ...key } = sesStandIn.issueKey();
  return { ses: lane, ...key };
}

/**
 * One SendEmailIntent through a skill whose limit table is at `dynamoDbUrl`, reached through the
 * endpoint shared by every case unless `alone` (then the process's DynamoDB endpoint, so the case runs alone).
 */
async function sendEmail(
  key: ReturnType<typeof caseKey>,
  dynamoDbUrl: string,
  { table = TABLE, alone = false }: { table?: string; alone?: boolean } = {},
) {
  if (!alone) dynamoDbByKey.route(key.accessKeyId, dynamoDbUrl);
  const skill = skillUnderTest({
    sesUrl: sesStandIn.url,
    dynamoDbUrl: alone ? dynamoDbUrl : dynamoDbByKey.url,
    env: {
      [ENV.mailLimitTable]: table,
      [ENV.mailLimitPerUserPerDay]: '1',
      [ENV.accessKeyId]: key.accessKeyId,
      [ENV.secretAccessKey]: key.secretAccessKey,
    },
  });
  const user = `amzn1.ask.account.${randomUUID()}`;
  const started = performance.now();
  const response = await skill.invoke(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url, userId: user }));
  return {
    speech: speechOf(response),
    elapsedMs: performance.now() - started,
    warnings: skill.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 'warn'),
    user,
  };
}

const DONE = /^<speak>Done\. I sent an email/;

interface StoreFault {
  readonly fault: string;
  readonly start: () => Promise<{ url: string; requests?: readonly string[] }>;
  readonly reason: string;
}

const FAILS_OPEN = '$fault: the mail goes, in time, with one warning';

async function checkFailsOpen({ start, reason }: StoreFault, alone = false): Promise<void> {
  const store = await start();
  const key = caseKey();
  try {
    const { speech, elapsedMs, warnings, user } = await sendEmail(key, store.url, { alone });

    expect(speech).toMatch(DONE);
    expect(await key.ses.mails()).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(warnings).toEqual([
      expect.objectContaining({ event: 'limit-unchecked', store: 'dynamodb', reason, user: userHashOf(user) }),
    ]);
    // Asked once: a retry of an update whose answer was lost could count the mail twice.
    if (store.requests) expect(store.requests).toEqual(['DynamoDB_20120810.UpdateItem']);
  } finally {
    await (store as { close?: () => Promise<void> }).close?.();
  }
}

// Each answer of an erring table must come within the reservation's deadline, so these run one at
// a time, beside the cases below, which spend their time waiting.
describe.concurrent('a limit table that answers with an error fails open', () => {
  it.sequential.for(
    (
      [
        ['throttling', 'ThrottlingException'],
        ['throughput-exceeded', 'ProvisionedThroughputExceededException'],
        ['internal-error', 'InternalServerError'],
      ] as [DynamoDbFault, string][]
    ).map(
      ([fault, reason]): StoreFault => ({
        fault: `an answer of ${reason}`,
        start: () => startFaultyDynamoDb(fault),
        reason,
      }),
    ),
  )(FAILS_OPEN, (fault) => checkFailsOpen(fault));

  it.sequential('a table that does not exist: the mail goes, and the warning says so', async () => {
    const { speech, warnings } = await sendEmail(caseKey(), dynamoDb.url, { table: 'NoSuchTable' });

    expect(speech).toMatch(DONE);
    expect(warnings).toEqual([
      expect.objectContaining({ event: 'limit-unchecked', reason: 'ResourceNotFoundException' }),
    ]);
  });
});

describe.concurrent('a failing limit table fails open', () => {
  it.for<StoreFault>([
    { fault: 'a DynamoDB that never answers', start: () => startFaultyDynamoDb('hang'), reason: 'TimeoutError' },
  ])(FAILS_OPEN, (fault) => checkFailsOpen(fault));

  it('SES refusing and the table hanging after the first reservation: the apology still beats the deadline', async () => {
    // Throttled twice: SES proves it did not take the mail, so the reservation is given back.
    const key = caseKey();
    key.ses.set(SES_BEHAVIOURS.throttling);
    const store = await startFaultyDynamoDb('hang', { after: { requests: 1, upstream: dynamoDb.url } });
    try {
      const { speech, elapsedMs, warnings } = await sendEmail(key, store.url);

      expect(speech).toBe('<speak>Sorry, the mail service is busy right now. Please try again in a minute.</speak>');
      expect(elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
      // The user's reservation, the recipient's (which hangs: the mail goes unchecked), then giving the user's back.
      expect(store.requests).toEqual([
        'DynamoDB_20120810.UpdateItem',
        'DynamoDB_20120810.UpdateItem',
        'DynamoDB_20120810.UpdateItem',
      ]);
      expect(warnings).toEqual([
        expect.objectContaining({ event: 'limit-unchecked', store: 'dynamodb', reason: 'TimeoutError' }),
        expect.objectContaining({ event: 'limit-release-failed', store: 'dynamodb', reason: 'TimeoutError' }),
      ]);
    } finally {
      await store.close();
    }
  });

  it('SES not answering: the reservation stays, as the mail may have gone, and the table is not asked again', async () => {
    const key = caseKey();
    key.ses.set(SES_BEHAVIOURS.hang);
    const store = await startFaultyDynamoDb('hang', { after: { requests: 2, upstream: dynamoDb.url } });
    try {
      const { speech, elapsedMs, warnings } = await sendEmail(key, store.url);

      expect(speech).toMatch(/It may still arrive/);
      expect(elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
      expect(store.requests).toEqual(['DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.UpdateItem']);
      expect(warnings).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

// After every other case, and alone: the refused endpoint is the process's DynamoDB endpoint while it runs.
describe('a limit table where nothing listens fails open', () => {
  it.for<StoreFault>([
    {
      fault: 'a refused connection',
      start: async () => ({ url: await refusingLoopbackUrl() }),
      reason: 'ECONNREFUSED',
    },
  ])(FAILS_OPEN, (fault) => checkFailsOpen(fault, true));
});
