// The abuse limits end to end, the same behaviour with either store: counted in the container's
// memory, and in a DynamoDB table (dynalite on loopback, a real implementation of its
// conditions and updates). A turned clock crosses days and minutes without waiting. What the
// user hears, what the outbox receives and what is logged or stored are asserted; the user ID
// never appears in clear. The suites run at once (two cases wait out the SES deadline): each test
// has its own skill, limit table, Customer Profile API and SES key, which the SES stand-in answers
// in a lane of its own.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../../../lambda/config.ts';
import { SES_ATTEMPT_TIMEOUT_MS } from '../../../../lambda/deadlines.ts';
import { userHashOf } from '../../../../lambda/limits/limiter.ts';
import { LIMIT_TABLE_KEY, LIMIT_TABLE_TTL_ATTRIBUTE } from '../../../../lambda/limits/tableSchema.ts';
import { SES_BEHAVIOURS, type SesLane, type SesStandIn, startSesStandIn } from '../../../../testkit/aws/ses/standIn.ts';
import { type DynamoDbStandIn, startDynamoDbStandIn } from '../../../../testkit/dynamoDb/standIn.ts';
import { intentRequest } from '../../../../testkit/envelopes.ts';
import { type ProfileApi, startProfileApi } from '../../../../testkit/profileApi.ts';
import { type SkillUnderTest, skillUnderTest, speechOf } from '../../../../testkit/skillHarness.ts';

let sesStandIn: SesStandIn;
let dynamoDb: DynamoDbStandIn;
const profiles: ProfileApi[] = [];

beforeAll(async () => {
  [sesStandIn, dynamoDb] = await Promise.all([startSesStandIn(), startDynamoDbStandIn()]);
});
afterAll(async () => {
  await Promise.all([sesStandIn.close(), dynamoDb.close(), ...profiles.map((profile) => profile.close())]);
});

/** 2026-11-30 at 18:20 UTC: five hours and forty minutes before the day's count starts again. */
const EVENING = Date.UTC(2026, 10, 30, 18, 20);
const MINUTE = 60_000;

interface Rig {
  readonly skill: SkillUnderTest;
  /** The skill's clock; move it to cross minutes and days. */
  readonly clock: { now: number };
  /** A SendEmailIntent from `user` (default: this rig's user), with a note when given. */
  send(options?: { note?: string; user?: string; locale?: string }): Promise<string>;
  readonly user: string;
  /** This rig's SES: what the skill's key reaches. */
  readonly ses: SesLane;
  /** This rig's Customer Profile API. */
  readonly profile: ProfileApi;
  /** What the skill logged, parsed. */
  events(): Record<string, unknown>[];
}

type StoreName = 'memory' | 'dynamodb';

async function rig(
  store: StoreName,
  cap: number,
  { accountCap }: { accountCap?: number } = {},
): Promise<Rig & { table?: string }> {
  const clock = { now: EVENING };
  const table = store === 'dynamodb' ? `limits-${randomUUID()}` : undefined;
  const key = sesStandIn.issueKey();
  const [profile] = await Promise.all([
    startProfileApi({ email: 'taro@example.com', givenName: 'Taro' }),
    table ? dynamoDb.createLimitTable(table) : undefined,
  ]);
  profiles.push(profile);
  const skill = skillUnderTest({
    sesUrl: sesStandIn.url,
    dynamoDbUrl: dynamoDb.url,
    env: {
      [ENV.accessKeyId]: key.accessKeyId,
      [ENV.secretAccessKey]: key.secretAccessKey,
      [ENV.mailLimitPerUserPerDay]: String(cap),
      ...(accountCap === undefined ? {} : { [ENV.mailLimitPerDay]: String(accountCap) }),
      ...(table ? { [ENV.mailLimitTable]: table } : {}),
    },
    now: () => clock.now,
  });
  const user = `amzn1.ask.account.${randomUUID()}`;
  return {
    skill,
    clock,
    user,
    ses: key.lane,
    profile,
    ...(table ? { table } : {}),
    send: async ({ note, user: from = user, locale = 'en-US' } = {}) =>
      speechOf(
        await skill.invoke(
          intentRequest('SendEmailIntent', note === undefined ? {} : { note }, {
            apiEndpoint: profile.url,
            userId: from,
            locale,
          }),
        ),
      ),
    events: () => skill.logs.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const DONE = /^<speak>Done\. I sent an email/;
const JUST_SENT =
  "<speak>I sent you that email a moment ago, so I won't send it twice. Check your inbox, and your spam folder. If it hasn't arrived, ask me again in a minute.</speak>";

// Each suite's tests run one after another, the suites at once: a reservation must beat its deadline,
// and a suite's chain of sends runs while the late-answer cases below wait out the SES deadline.
describe.concurrent.each<StoreName>(['memory', 'dynamodb'])('the abuse limits, counted in %s', (store) => {
  it.sequential('sends up to the daily cap, then says the limit is reached and when the user can ask again, and sends nothing', async () => {
    const { send, events, user, ses } = await rig(store, 3);

    for (const note of ['one', 'two', 'three']) expect(await send({ note })).toMatch(DONE);
    expect(await send({ note: 'four' })).toBe(
      "<speak>Sorry, you've reached today's limit of 3 emails. You can ask again in 6 hours or less.</speak>",
    );
    expect(await send({ note: 'five', locale: 'ja-JP' })).toBe(
      '<speak>すみません、今日送れるメールの上限、3通に達しました。あと6時間以内に、また送れるようになります。</speak>',
    );

    expect((await ses.mails()).map((mail) => mail.body.text?.match(/Your note:\n(\w+)/)?.[1])).toEqual([
      'one',
      'two',
      'three',
    ]);
    const refusals = events().filter((entry) => entry.event === 'mail-limit-reached');
    expect(refusals).toEqual([
      expect.objectContaining({ level: 'info', user: userHashOf(user), cap: 3, store }),
      expect.objectContaining({ level: 'info', user: userHashOf(user), cap: 3, store }),
    ]);
    expect(JSON.stringify(events())).not.toContain(user);
  });

  it.sequential('counts again from zero when the UTC day ends, and says so in minutes just before', async () => {
    const { send, clock, ses } = await rig(store, 1);
    clock.now = Date.UTC(2026, 10, 30, 23, 48);

    expect(await send({ note: 'late' })).toMatch(DONE);
    expect(await send({ note: 'later' })).toMatch(/You can ask again in 15 minutes or less\.<\/speak>$/);
    clock.now = Date.UTC(2026, 10, 30, 23, 59, 30);
    expect(await send({ note: 'later' })).toMatch(/You can ask again in a minute or less\.<\/speak>$/);

    clock.now = Date.UTC(2026, 11, 1, 0, 0, 1);
    expect(await send({ note: 'later' })).toMatch(DONE);
    expect(await send({ note: 'again' })).toMatch(/limit of one email\. You can ask again in 24 hours or less\./);
    expect(await ses.mails()).toHaveLength(2);
  });

  it.sequential('counts each user alone', async () => {
    const { send, ses, profile } = await rig(store, 1);
    const other = `amzn1.ask.account.${randomUUID()}`;

    expect(await send()).toMatch(DONE);
    expect(await send({ note: 'more' })).toMatch(/limit of one email/);
    profile.set({ email: 'jiro@example.com' });
    expect(await send({ user: other })).toMatch(DONE);
    expect(await send({ user: other, note: 'more' })).toMatch(/limit of one email/);
    expect(await ses.mails()).toHaveLength(2);
  });

  it.sequential('still counts a user who enabled the skill again under a new user ID, by their address', async () => {
    const { send, events, ses, profile } = await rig(store, 1);
    const enabledAgain = `amzn1.ask.account.${randomUUID()}`;

    expect(await send()).toMatch(DONE);
    expect(await send({ user: enabledAgain, note: 'fresh start' })).toBe(
      "<speak>Sorry, you've reached today's limit of one email. You can ask again in 6 hours or less.</speak>",
    );
    // The address, in any case, is the same person.
    profile.set({ email: 'TARO@Example.com' });
    expect(await send({ user: `amzn1.ask.account.${randomUUID()}` })).toMatch(/limit of one email/);

    expect(await ses.mails()).toHaveLength(1);
    expect(events().filter((entry) => entry.event === 'mail-limit-reached')).toEqual([
      expect.objectContaining({ counted: 'recipient', cap: 1, store }),
      expect.objectContaining({ counted: 'recipient', cap: 1, store }),
    ]);
    expect(JSON.stringify(events())).not.toMatch(/taro@|TARO@/i);
  });

  it.sequential('says the mail may still arrive in Japanese too', async () => {
    const { send, ses } = await rig(store, 3);
    ses.set(SES_BEHAVIOURS['internal-failure']);

    expect(await send({ locale: 'ja-JP' })).toBe(
      '<speak>すみません、メールサービスから時間内に返事がなく、メールが送られたかどうか分かりません。これから届くかもしれませんので、数分後に受信トレイを確認してから、もう一度お試しください。</speak>',
    );
  });

  it.sequential('caps the whole account a day across users with MAIL_LIMIT_PER_DAY', async () => {
    const { send, events, ses, profile } = await rig(store, 5, { accountCap: 2 });

    expect(await send()).toMatch(DONE);
    profile.set({ email: 'jiro@example.com' });
    expect(await send({ user: `amzn1.ask.account.${randomUUID()}` })).toMatch(DONE);
    profile.set({ email: 'hanako@example.com' });
    expect(await send({ user: `amzn1.ask.account.${randomUUID()}` })).toBe(
      '<speak>Sorry, this skill has sent all the email it may send today. You can ask again in 6 hours or less.</speak>',
    );
    expect(await send({ user: `amzn1.ask.account.${randomUUID()}`, locale: 'ja-JP' })).toBe(
      '<speak>すみません、このスキルは今日送れるメールの上限に達しました。あと6時間以内に、また送れるようになります。</speak>',
    );
    expect(await ses.mails()).toHaveLength(2);
    expect(events().filter((entry) => entry.event === 'mail-limit-reached')).toEqual([
      expect.objectContaining({ counted: 'account', cap: 2, store }),
      expect.objectContaining({ counted: 'account', cap: 2, store }),
    ]);
  });

  it.sequential('sends the same mail asked twice within a minute once, and the repeat does not count against the cap', async () => {
    const { send, clock, events, ses } = await rig(store, 2);

    expect(await send({ note: 'buy milk' })).toMatch(DONE);
    clock.now += 59_000;
    expect(await send({ note: 'Buy  milk' })).toBe(JUST_SENT);
    expect(await send({ note: 'buy milk', locale: 'ja-JP' })).toBe(
      '<speak>そのメールはついさっき送りましたので、二重には送りません。受信トレイと迷惑メールフォルダーを確認してください。届いていないときは、1分ほどしてからもう一度お試しください。</speak>',
    );
    expect(await ses.mails()).toHaveLength(1);
    expect(events().filter((entry) => entry.event === 'mail-repeat-not-sent')).toHaveLength(2);

    // Another note is another mail; past the minute, the same one is sent again.
    expect(await send({ note: 'call mom' })).toMatch(DONE);
    expect(await ses.mails()).toHaveLength(2);
    expect(await send({ note: 'water the plants' })).toMatch(/limit of 2 emails/);
  });

  it.sequential('sends a mail without a note once when asked twice, and again a minute later', async () => {
    const { send, clock, ses } = await rig(store, 10);

    expect(await send()).toMatch(DONE);
    clock.now += 30_000;
    expect(await send()).toBe(JUST_SENT);
    clock.now += 31_000;
    expect(await send()).toMatch(DONE);
    expect(await ses.mails()).toHaveLength(2);
  });

  it.sequential('gives the reservation back when SES fails, so the retry is sent and not counted twice', async () => {
    const { send, events, ses } = await rig(store, 1);

    ses.set(SES_BEHAVIOURS['recipient-not-verified']);
    expect(await send({ note: 'buy milk' })).toMatch(/Amazon SES sandbox/);
    ses.set(SES_BEHAVIOURS.accept);
    expect(await send({ note: 'buy milk' })).toMatch(DONE);
    expect(await ses.mails()).toHaveLength(1);
    expect(events().filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it.sequential('gives the reservation back when the profile cannot be read, so asking again after granting it sends', async () => {
    const { send, profile } = await rig(store, 1);

    profile.set({ emailStatus: 403 });
    expect(await send()).toMatch(/needs permission to read your email address/);
    profile.set({ email: 'taro@example.com' });
    expect(await send()).toMatch(DONE);
  });

  it.sequential('has no cap at 0, and still sends a repeat only once', async () => {
    const { send, ses } = await rig(store, 0);

    for (let index = 0; index < 12; index++) expect(await send({ note: `note ${index}` })).toMatch(DONE);
    expect(await send({ note: 'note 11' })).toBe(JUST_SENT);
    expect(await ses.mails()).toHaveLength(12);
  });
});

describe.concurrent.each<StoreName>(['memory', 'dynamodb'])('a late SES answer, counted in %s', (store) => {
  it('keeps a mail counted when SES answers only after the skill stopped waiting: it may arrive, and did', async () => {
    const { send, ses } = await rig(store, 1);
    ses.set({ kind: 'accept', delayMs: SES_ATTEMPT_TIMEOUT_MS + 500 });

    expect(await send({ note: 'buy milk' })).toBe(
      "<speak>Sorry, the mail service didn't answer in time, so I can't tell whether your email went out. It may still arrive: check your inbox in a few minutes before asking again.</speak>",
    );
    ses.set(SES_BEHAVIOURS.accept);
    expect(await send({ note: 'buy milk' })).toBe(JUST_SENT);
    expect(await send({ note: 'call mom', locale: 'ja-JP' })).toMatch(/上限、1通に達しました/);

    await ses.settled();
    expect(await ses.mails()).toHaveLength(1);
  });
});

describe.concurrent('the limit table', () => {
  it.sequential('holds a row per user under a hash of the user ID, with the count of the day and a TTL past its last use', async () => {
    const { send, user, table } = await rig('dynamodb', 5);
    await send({ note: 'buy milk' });
    await send({ note: 'call mom' });

    const row = await dynamoDb.limitRow(table ?? '', userHashOf(user));
    expect(row).toEqual({
      [LIMIT_TABLE_KEY]: { S: userHashOf(user) },
      'mails-2026-11-30': { N: '2' },
      lastMail: { S: expect.stringMatching(/^[0-9a-f]{32}$/) },
      lastAt: { N: String(EVENING) },
      // The day's end plus the duplicate window: 2026-12-01 00:01:00 UTC.
      [LIMIT_TABLE_TTL_ATTRIBUTE]: { N: String(Date.UTC(2026, 11, 1, 0, 1) / 1000) },
    });
    expect(JSON.stringify(row)).not.toMatch(/amzn1|milk|mom/);
  });

  it.sequential("drops the previous day's count when a new day's first mail is counted", async () => {
    const { send, clock, user, table } = await rig('dynamodb', 5);
    await send();
    clock.now += 24 * 60 * MINUTE;
    await send();

    const row = await dynamoDb.limitRow(table ?? '', userHashOf(user));
    expect(Object.keys(row ?? {}).filter((name) => name.startsWith('mails-'))).toEqual(['mails-2026-12-01']);
  });
});
