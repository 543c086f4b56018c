// The fault matrix: SES and the Customer Profile API failing in every way the skill must
// survive, each case against its own local stand-ins, so that an answer SES sends late in one
// case cannot be counted in the next. For each fault: what the user hears (and, for each kind
// of failure, in Japanese too), the log line operators get, the time to answer (inside
// Alexa's deadline, a bound the product promises), what SES answered to each request that
// reached it, and how many mails it accepted (the expected number, never two).
//
// The cases run at once, as most of them wait out one of the skill's deadlines: the SDK takes one
// SES endpoint from the environment, so each case's skill signs with a key of its own, and the
// SES stand-in answers each key in a lane of its own.

import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ENV, type Environment } from '../../../lambda/config.ts';
import { ALEXA_DEADLINE_MS, SES_ATTEMPT_TIMEOUT_MS, SES_CONNECTION_TIMEOUT_MS } from '../../../lambda/deadlines.ts';
import type { MailFailureKind } from '../../../lambda/mail/errors.ts';
import {
  SES_BEHAVIOURS,
  type SesBehaviour,
  type SesLane,
  type SesStandIn,
  startSesStandIn,
} from '../../../testkit/aws/ses/standIn.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { refusingLoopbackUrl } from '../../../testkit/loopback.ts';
import { type ProfileApi, type ProfileBehaviour, startProfileApi } from '../../../testkit/profileApi.ts';
import { skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let sesStandIn: SesStandIn;
beforeAll(async () => {
  sesStandIn = await startSesStandIn();
});
afterAll(() => sesStandIn.close());

/** The skill's SES key when it is not the one SES knows: a mistyped secret, or a key SES never issued. */
type WrongKey = 'wrong secret' | 'unknown key ID';

/** One case's SES (the lane of the key its skill signs with), its Customer Profile API, and that key. */
interface Stand {
  readonly ses: SesLane;
  readonly profile: ProfileApi;
  readonly keyEnvironment: Environment;
}

/** Starts the stand-ins of the calling test, closed once it has finished. */
async function standIns(onTestFinished: TestContext['onTestFinished'], wrongKey?: WrongKey): Promise<Stand> {
  const key = sesStandIn.issueKey();
  const neverIssued = `${key.accessKeyId}-NEVER-ISSUED`;
  const profile = await startProfileApi({ email: 'taro@example.com', givenName: 'Taro' });
  onTestFinished(() => profile.close());
  return {
    ses: wrongKey === 'unknown key ID' ? sesStandIn.laneFor(neverIssued) : key.lane,
    profile,
    keyEnvironment: {
      [ENV.accessKeyId]: wrongKey === 'unknown key ID' ? neverIssued : key.accessKeyId,
      // What a copy-paste slip does: the key ID where the secret belongs.
      [ENV.secretAccessKey]: wrongKey === 'wrong secret' ? key.accessKeyId : key.secretAccessKey,
    },
  };
}

interface Answer {
  readonly speech: string;
  readonly shouldEndSession: boolean | undefined;
  readonly elapsedMs: number;
  readonly log: Record<string, unknown>[];
}

/**
 * One SendEmailIntent through a skill built fresh for this case, sent to the SES stand-in, or to
 * `sesUrl`: the process's SES endpoint then, so that case runs alone.
 */
async function sendEmail(
  stand: Stand,
  options: { sesUrl?: string; note?: string; locale?: string } = {},
): Promise<Answer> {
  const skill = skillUnderTest({ sesUrl: options.sesUrl ?? sesStandIn.url, env: stand.keyEnvironment });
  const slots = options.note ? { note: options.note } : {};
  const started = performance.now();
  const response = await skill.invoke(
    intentRequest('SendEmailIntent', slots, { apiEndpoint: stand.profile.url, locale: options.locale ?? 'en-US' }),
  );
  const elapsedMs = performance.now() - started;
  return {
    speech: speechOf(response),
    shouldEndSession: response.response.shouldEndSession,
    elapsedMs,
    log: skill.logs.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

interface SesFault {
  readonly fault: string;
  /** How SES answers; 'refused connection': nothing listens where the skill sends. */
  readonly behaviour: SesBehaviour | 'refused connection';
  readonly key?: WrongKey;
  readonly note?: string;
  readonly hears: string;
  readonly event: 'mail-sent' | 'mail-failed';
  readonly errorClass?: MailFailureKind;
  /** The error name the log line gives, where it is the point of the case. */
  readonly errorCode?: string;
  readonly attempts: number;
  /** The HTTP status SES answered to each request that reached it, retries included. */
  readonly answers: readonly (number | 'no answer')[];
  /** Mails SES accepted: what the user receives. */
  readonly accepted: number;
}

const DONE =
  'Done. I sent an email to your address that starts with <say-as interpret-as="characters">t</say-as>, at example.com.';
const SERVICE_UNREACHABLE = "Sorry, I couldn't reach the mail service just now. Please try again in a moment.";
// An answer that does not prove SES refused the mail: it may have gone, and stays counted.
const MAY_STILL_ARRIVE =
  "Sorry, the mail service didn't answer in time, so I can't tell whether your email went out. It may still arrive: check your inbox in a few minutes before asking again.";
const CHECK_ITS_KEY = "Sorry, this skill isn't allowed to send email right now. Its owner needs to check its key.";
const NOT_VERIFIED_IN_SANDBOX =
  "Sorry, I can't email you yet. This skill's mail account is still in the Amazon SES sandbox, and your address hasn't been verified with it.";

/**
 * An answer as late as an attempt allows once connecting has had all the time the skill gives it:
 * the stand-in answers this long after the request reached it, so only the skill's own work on
 * this machine, before sending and after the answer, is left in the margin.
 */
const LATE_IN_TIME_MS = SES_ATTEMPT_TIMEOUT_MS - SES_CONNECTION_TIMEOUT_MS;

const SES_FAULTS: readonly SesFault[] = [
  {
    fault: 'throttling on every attempt',
    behaviour: SES_BEHAVIOURS.throttling,
    hears: 'Sorry, the mail service is busy right now. Please try again in a minute.',
    event: 'mail-failed',
    errorClass: 'throttled',
    attempts: 2,
    answers: [400, 400],
    accepted: 0,
  },
  {
    fault: 'throttling once, then success',
    behaviour: SES_BEHAVIOURS['throttling-once'],
    hears: DONE,
    event: 'mail-sent',
    attempts: 2,
    answers: [400, 200],
    accepted: 1,
  },
  {
    fault: 'throttling once, then success, with a note (SendRawEmail)',
    behaviour: SES_BEHAVIOURS['throttling-once'],
    note: 'buy milk',
    hears: DONE.replace(/\.$/, ', with your note: buy milk.'),
    event: 'mail-sent',
    attempts: 2,
    answers: [400, 200],
    accepted: 1,
  },
  {
    fault: 'the daily sending quota used up',
    behaviour: SES_BEHAVIOURS['daily-quota'],
    hears: 'Sorry, this skill has sent all the email it may send today. Please try again tomorrow.',
    event: 'mail-failed',
    errorClass: 'daily-quota',
    attempts: 1,
    answers: [400],
    accepted: 0,
  },
  {
    fault: 'a 500 InternalFailure',
    behaviour: SES_BEHAVIOURS['internal-failure'],
    hears: MAY_STILL_ARRIVE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 1,
    answers: [500],
    accepted: 0,
  },
  {
    fault: 'a hang (no answer at all)',
    behaviour: SES_BEHAVIOURS.hang,
    hears: MAY_STILL_ARRIVE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 1,
    answers: ['no answer'],
    accepted: 0,
  },
  {
    fault: 'an answer that stalls after its headers',
    behaviour: SES_BEHAVIOURS.stall,
    hears: MAY_STILL_ARRIVE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 1,
    answers: ['no answer'],
    accepted: 0,
  },
  {
    fault: 'a refused connection (tried twice: it proves SES never saw the mail)',
    behaviour: 'refused connection',
    hears: SERVICE_UNREACHABLE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    errorCode: 'ECONNREFUSED',
    attempts: 2,
    answers: [],
    accepted: 0,
  },
  {
    fault: 'malformed XML in a 200 answer (not retried: SES may have taken the mail)',
    behaviour: SES_BEHAVIOURS['malformed-xml'],
    hears: MAY_STILL_ARRIVE,
    event: 'mail-failed',
    errorClass: 'unknown',
    attempts: 1,
    answers: [200],
    accepted: 0,
  },
  {
    fault: `a slow answer inside the SES deadline (${LATE_IN_TIME_MS / 1000} s after the request arrived, of the ${SES_ATTEMPT_TIMEOUT_MS / 1000} s an attempt may take)`,
    behaviour: { kind: 'accept', delayMs: LATE_IN_TIME_MS },
    hears: DONE,
    event: 'mail-sent',
    attempts: 1,
    answers: [200],
    accepted: 1,
  },
  {
    fault: 'a key signed with the wrong secret (SignatureDoesNotMatch)',
    behaviour: SES_BEHAVIOURS.accept,
    key: 'wrong secret',
    hears: CHECK_ITS_KEY,
    event: 'mail-failed',
    errorClass: 'not-authorized',
    errorCode: 'SignatureDoesNotMatch',
    attempts: 1,
    answers: [403],
    accepted: 0,
  },
  {
    fault: 'a key SES does not know (InvalidClientTokenId)',
    behaviour: SES_BEHAVIOURS.accept,
    key: 'unknown key ID',
    hears: CHECK_ITS_KEY,
    event: 'mail-failed',
    errorClass: 'not-authorized',
    errorCode: 'InvalidClientTokenId',
    attempts: 1,
    answers: [403],
    accepted: 0,
  },
  {
    fault: 'a recipient not verified in the SES sandbox',
    behaviour: SES_BEHAVIOURS['recipient-not-verified'],
    hears: NOT_VERIFIED_IN_SANDBOX,
    event: 'mail-failed',
    errorClass: 'recipient-not-verified',
    attempts: 1,
    answers: [400],
    accepted: 0,
  },
  {
    fault: 'a recipient not verified, for a mail with a note (SendRawEmail)',
    behaviour: SES_BEHAVIOURS['recipient-not-verified'],
    note: 'buy milk',
    hears: NOT_VERIFIED_IN_SANDBOX,
    event: 'mail-failed',
    errorClass: 'recipient-not-verified',
    attempts: 1,
    answers: [400],
    accepted: 0,
  },
  {
    fault: 'a sender not verified',
    behaviour: SES_BEHAVIOURS['sender-not-verified'],
    hears:
      "Sorry, this skill's sender address isn't verified with Amazon SES yet. Its owner needs to finish the setup.",
    event: 'mail-failed',
    errorClass: 'sender-not-verified',
    attempts: 1,
    answers: [400],
    accepted: 0,
  },
  {
    fault: 'sending paused for the account',
    behaviour: SES_BEHAVIOURS['sending-paused'],
    hears: 'Sorry, sending is paused for this skill’s mail account. Its owner needs to check it.',
    event: 'mail-failed',
    errorClass: 'sending-paused',
    attempts: 1,
    answers: [400],
    accepted: 0,
  },
];

const sesCases = SES_FAULTS.map((fault) => ({
  ...fault,
  arrives: fault.accepted === 1 ? 'one mail arrives' : 'no mail arrives',
}));
const SES_CASE_TITLE = '$fault: the user hears why, the log says $event, the answer is in time, $arrives';

async function checkSesFault(fault: (typeof sesCases)[number], { onTestFinished }: TestContext): Promise<void> {
  const stand = await standIns(onTestFinished, fault.key);
  const { ses } = stand;
  const refused = fault.behaviour === 'refused connection';
  if (fault.behaviour !== 'refused connection') ses.set(fault.behaviour);

  const answer = await sendEmail(stand, {
    ...(refused ? { sesUrl: await refusingLoopbackUrl() } : {}),
    ...(fault.note ? { note: fault.note } : {}),
  });

  expect(answer.speech).toBe(`<speak>${fault.hears}</speak>`);
  expect(answer.shouldEndSession).toBe(true);
  expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
  // A late answer was waited for, not missed.
  const lateBy =
    fault.behaviour !== 'refused connection' && fault.behaviour.kind === 'accept' ? fault.behaviour.delayMs : 0;
  expect(answer.elapsedMs).toBeGreaterThanOrEqual(lateBy ?? 0);
  expect(answer.log.filter((entry) => entry.event === fault.event)).toEqual([
    expect.objectContaining({
      intent: 'SendEmailIntent',
      to: 't***@example.com',
      attempts: fault.attempts,
      api: fault.note ? 'SendRawEmail' : 'SendEmail',
      ...(fault.errorClass ? { level: 'error', errorClass: fault.errorClass } : { level: 'info' }),
      ...(fault.errorCode ? { errorCode: fault.errorCode } : {}),
    }),
  ]);
  await ses.settled();
  expect(ses.requests.map((request) => request.answer)).toEqual(fault.answers);
  expect(ses.acceptedCount).toBe(fault.accepted);
  expect(await ses.mails()).toHaveLength(fault.accepted);
}

describe.concurrent('when SES fails', () => {
  it.for(sesCases.filter((fault) => fault.behaviour !== 'refused connection'))(SES_CASE_TITLE, checkSesFault);

  it('answers past the SES deadline (3.5 s) with an apology, never retries, and the late mail arrives once', async ({
    onTestFinished,
  }) => {
    const stand = await standIns(onTestFinished);
    const { ses } = stand;
    ses.set({ kind: 'accept', delayMs: 3_500 });

    const answer = await sendEmail(stand);

    expect(answer.speech).toBe(`<speak>${MAY_STILL_ARRIVE}</speak>`);
    expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(answer.log.find((entry) => entry.event === 'mail-failed')).toMatchObject({
      errorClass: 'unavailable',
      attempts: 1,
    });
    // SES took the mail after the skill stopped waiting: the user may still get it, but only once.
    await ses.settled();
    expect(ses.requests).toHaveLength(1);
    expect(ses.acceptedCount).toBe(1);
  });
});

describe.concurrent('when SES fails, in Japanese', () => {
  // One case per kind of failure the user can hear, with the quickest fault that causes it.
  it.for([
    { kind: 'throttled', behaviour: SES_BEHAVIOURS.throttling, hears: '混み合っています' },
    { kind: 'daily-quota', behaviour: SES_BEHAVIOURS['daily-quota'], hears: '今日送れるメールの上限に達しました' },
    {
      kind: 'unavailable',
      behaviour: SES_BEHAVIOURS['internal-failure'],
      hears: 'これから届くかもしれません',
    },
    { kind: 'unknown', behaviour: SES_BEHAVIOURS['malformed-xml'], hears: 'これから届くかもしれません' },
    {
      kind: 'not-authorized',
      behaviour: SES_BEHAVIOURS.accept,
      key: 'wrong secret',
      hears: 'キーを確認する必要があります',
    },
    { kind: 'recipient-not-verified', behaviour: SES_BEHAVIOURS['recipient-not-verified'], hears: 'サンドボックス' },
    { kind: 'sender-not-verified', behaviour: SES_BEHAVIOURS['sender-not-verified'], hears: '送信元アドレス' },
    { kind: 'sending-paused', behaviour: SES_BEHAVIOURS['sending-paused'], hears: '送信が停止されています' },
  ] as const)('$kind: the user hears why in Japanese, and no mail arrives', async (fault, { onTestFinished }) => {
    const stand = await standIns(onTestFinished, 'key' in fault ? fault.key : undefined);
    const { ses } = stand;
    ses.set(fault.behaviour);

    const answer = await sendEmail(stand, { locale: 'ja-JP' });

    expect(answer.speech).toContain(fault.hears);
    expect(answer.log.find((entry) => entry.event === 'mail-failed')).toMatchObject({ errorClass: fault.kind });
    expect(ses.acceptedCount).toBe(0);
  });
});

interface ProfileFault {
  readonly fault: string;
  readonly behaviour: ProfileBehaviour;
  readonly reason: string;
}

const PROFILE_FAULTS: readonly ProfileFault[] = [
  {
    fault: 'slow (5 s, past its 1.5 s deadline)',
    behaviour: { email: 'taro@example.com', delayMs: 5_000 },
    reason: 'timeout',
  },
  { fault: 'answering 401 (a token it does not accept)', behaviour: { emailStatus: 401 }, reason: 'status 401' },
  { fault: 'answering 429 (rate limited)', behaviour: { emailStatus: 429 }, reason: 'status 429' },
  { fault: 'answering 500', behaviour: { emailStatus: 500 }, reason: 'status 500' },
  { fault: 'answering 503', behaviour: { emailStatus: 503 }, reason: 'status 503' },
  {
    fault: 'answering something that is not JSON',
    behaviour: { rawEmailBody: '<html>maintenance</html>' },
    reason: 'SyntaxError',
  },
];

describe.concurrent('when the Customer Profile API fails', () => {
  it.for(PROFILE_FAULTS)(
    '$fault: apologises in time, logs profile-unavailable, and sends nothing',
    async ({ behaviour, reason }, { onTestFinished }) => {
      const stand = await standIns(onTestFinished);
      const { ses, profile } = stand;
      profile.set(behaviour);

      const answer = await sendEmail(stand);

      expect(answer.speech).toBe(
        "<speak>Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.</speak>",
      );
      expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
      const line = answer.log.find((entry) => entry.event === 'profile-unavailable');
      expect(line).toMatchObject({ level: 'warn', intent: 'SendEmailIntent' });
      expect(line?.reason).toBe(reason);
      expect(ses.requests).toEqual([]);
    },
  );

  it('apologises in Japanese', async ({ onTestFinished }) => {
    const stand = await standIns(onTestFinished);
    const { ses, profile } = stand;
    profile.set({ emailStatus: 500 });
    const answer = await sendEmail(stand, { locale: 'ja-JP' });
    expect(answer.speech).toContain('Amazonのプロフィールを読み取れませんでした');
    expect(ses.requests).toEqual([]);
  });
});

// After every other case, and alone: the refused endpoint is the process's SES endpoint while it runs.
describe('when nothing listens where SES should be', () => {
  it.for(sesCases.filter((fault) => fault.behaviour === 'refused connection'))(SES_CASE_TITLE, checkSesFault);
});
