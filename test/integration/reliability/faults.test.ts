// The fault matrix: SES and the Customer Profile API failing in every way the skill
// must survive, each against a real local server. For each fault: what the user hears, the log
// line operators get, the time to answer (inside Alexa's deadline, a bound the product
// promises), and how many mails the server accepted (the expected number, never two).

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALEXA_DEADLINE_MS } from '../../../lambda/deadlines.ts';
import type { MailFailureKind } from '../../../lambda/mail/errors.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { type ProfileApi, type ProfileBehaviour, startProfileApi } from '../../../testkit/profileApi.ts';
import { type SesBehaviour, type SesStandIn, startSesStandIn } from '../../../testkit/ses/standIn.ts';
import { type SkillUnderTest, skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let ses: SesStandIn;
let profile: ProfileApi;
/** A loopback port that was free a moment ago and has nothing listening: connections are refused. */
let closedPortUrl: string;

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  [ses, profile, closedPortUrl] = await Promise.all([startSesStandIn(), startProfileApi(), closedPort()]);
});
afterAll(async () => {
  await Promise.all([ses.close(), profile.close()]);
});
beforeEach(async () => {
  ses.set({ kind: 'accept' });
  await ses.clear();
  profile.set({ email: 'taro@example.com', givenName: 'Taro' });
});

interface Answer {
  readonly speech: string;
  readonly elapsedMs: number;
  readonly log: Record<string, unknown>[];
}

/** One SendEmailIntent through a skill built fresh (the SES client reads its endpoint on first use). */
async function sendEmail(skill: SkillUnderTest, slots: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const response = await skill.invoke(intentRequest('SendEmailIntent', slots, { apiEndpoint: profile.url }));
  const elapsedMs = performance.now() - started;
  return {
    speech: speechOf(response),
    elapsedMs,
    log: skill.logs.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function eventually(check: () => boolean, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
}

interface SesFault {
  readonly fault: string;
  readonly behaviour: SesBehaviour | 'refused connection';
  readonly note?: string;
  readonly hears: string;
  readonly event: 'mail-sent' | 'mail-failed';
  readonly errorClass?: MailFailureKind;
  readonly attempts: number;
  /** Requests that reached the SES server, retries included. */
  readonly sesRequests: number;
  /** Mails the SES server accepted: what the user receives. */
  readonly accepted: number;
}

const DONE =
  'Done. I sent an email to your address that starts with <say-as interpret-as="characters">t</say-as>, at example.com.';
const SERVICE_UNREACHABLE = "Sorry, I couldn't reach the mail service just now. Please try again in a moment.";

const SES_FAULTS: readonly SesFault[] = [
  {
    fault: 'throttling on every attempt',
    behaviour: { kind: 'fail', error: 'throttling' },
    hears: 'Sorry, the mail service is busy right now. Please try again in a minute.',
    event: 'mail-failed',
    errorClass: 'throttled',
    attempts: 2,
    sesRequests: 2,
    accepted: 0,
  },
  {
    fault: 'throttling once, then success',
    behaviour: { kind: 'fail', error: 'throttling', times: 1 },
    hears: DONE,
    event: 'mail-sent',
    attempts: 2,
    sesRequests: 2,
    accepted: 1,
  },
  {
    fault: 'throttling once, then success, with a note (SendRawEmail)',
    behaviour: { kind: 'fail', error: 'throttling', times: 1 },
    note: 'buy milk',
    hears: DONE,
    event: 'mail-sent',
    attempts: 2,
    sesRequests: 2,
    accepted: 1,
  },
  {
    fault: 'the daily sending quota used up',
    behaviour: { kind: 'fail', error: 'daily-quota' },
    hears: 'Sorry, this skill has sent all the email it may send today. Please try again tomorrow.',
    event: 'mail-failed',
    errorClass: 'daily-quota',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a 500 InternalFailure',
    behaviour: { kind: 'fail', error: 'internal-failure' },
    hears: SERVICE_UNREACHABLE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a hang (no answer at all)',
    behaviour: { kind: 'hang' },
    hears: SERVICE_UNREACHABLE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a refused connection',
    behaviour: 'refused connection',
    hears: SERVICE_UNREACHABLE,
    event: 'mail-failed',
    errorClass: 'unavailable',
    attempts: 2,
    sesRequests: 0,
    accepted: 0,
  },
  {
    fault: 'malformed XML in a 200 answer',
    behaviour: { kind: 'fail', error: 'malformed-xml' },
    hears: "Sorry, I couldn't send the email. Please try again later.",
    event: 'mail-failed',
    errorClass: 'unknown',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a slow answer just inside the SES deadline (2 s)',
    behaviour: { kind: 'accept', delayMs: 2_000 },
    hears: DONE,
    event: 'mail-sent',
    attempts: 1,
    sesRequests: 1,
    accepted: 1,
  },
  {
    fault: 'an invalid key (InvalidClientTokenId)',
    behaviour: { kind: 'fail', error: 'invalid-client-token' },
    hears: "Sorry, this skill isn't allowed to send email right now. Its owner needs to check its key.",
    event: 'mail-failed',
    errorClass: 'not-authorized',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a revoked or mistyped secret (SignatureDoesNotMatch)',
    behaviour: { kind: 'fail', error: 'signature-mismatch' },
    hears: "Sorry, this skill isn't allowed to send email right now. Its owner needs to check its key.",
    event: 'mail-failed',
    errorClass: 'not-authorized',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'a recipient not verified in the SES sandbox',
    behaviour: { kind: 'fail', error: 'recipient-not-verified' },
    hears:
      "Sorry, I can't email you yet. This skill's mail account is still in the Amazon SES sandbox, and your address hasn't been verified with it.",
    event: 'mail-failed',
    errorClass: 'recipient-not-verified',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
  {
    fault: 'sending paused for the account',
    behaviour: { kind: 'fail', error: 'sending-paused' },
    hears: 'Sorry, sending is paused for this skill’s mail account. Its owner needs to check it.',
    event: 'mail-failed',
    errorClass: 'sending-paused',
    attempts: 1,
    sesRequests: 1,
    accepted: 0,
  },
];

describe('when SES fails', () => {
  const cases = SES_FAULTS.map((fault) => ({
    ...fault,
    arrives: fault.accepted === 1 ? 'one mail arrives' : 'no mail arrives',
  }));
  it.each(cases)('$fault: the user hears why, the log says $event, the answer is in time, $arrives', async (fault) => {
    if (fault.behaviour !== 'refused connection') ses.set(fault.behaviour);
    const skill = skillUnderTest({ sesUrl: fault.behaviour === 'refused connection' ? closedPortUrl : ses.url });

    const answer = await sendEmail(skill, fault.note ? { note: fault.note } : {});

    expect(answer.speech).toBe(`<speak>${fault.hears}</speak>`);
    expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    const line = answer.log.find((entry) => entry.event === fault.event);
    expect(line).toMatchObject({
      intent: 'SendEmailIntent',
      to: 't***@example.com',
      attempts: fault.attempts,
      api: fault.note ? 'SendRawEmail' : 'SendEmail',
    });
    if (fault.errorClass) expect(line).toMatchObject({ level: 'error', errorClass: fault.errorClass });
    expect(ses.requests.length).toBe(fault.sesRequests);
    expect(ses.acceptedCount).toBe(fault.accepted);
  });

  it('answers past the SES deadline (3.5 s) with an apology, never retries, and the late mail arrives once', async () => {
    ses.set({ kind: 'accept', delayMs: 3_500 });
    const skill = skillUnderTest({ sesUrl: ses.url });

    const answer = await sendEmail(skill);

    expect(answer.speech).toBe(`<speak>${SERVICE_UNREACHABLE}</speak>`);
    expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(answer.log.find((entry) => entry.event === 'mail-failed')).toMatchObject({
      errorClass: 'unavailable',
      attempts: 1,
    });
    // SES took the mail after the skill stopped waiting: the user may still get it, but only once.
    await eventually(() => ses.acceptedCount > 0, 3_000);
    expect(ses.requests.length).toBe(1);
    expect(ses.acceptedCount).toBe(1);
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
  { fault: 'answering 500', behaviour: { emailStatus: 500 }, reason: 'status 500' },
  { fault: 'answering 503', behaviour: { emailStatus: 503 }, reason: 'status 503' },
  { fault: 'answering 429 (rate limited)', behaviour: { emailStatus: 429 }, reason: 'status 429' },
  {
    fault: 'answering something that is not JSON',
    behaviour: { rawEmailBody: '<html>maintenance</html>' },
    reason: 'SyntaxError',
  },
];

describe('when the Customer Profile API fails', () => {
  it.each(PROFILE_FAULTS)(
    '$fault: apologises in time, logs profile-unavailable, and sends nothing',
    async ({ behaviour, reason }) => {
      profile.set(behaviour);
      const skill = skillUnderTest({ sesUrl: ses.url });

      const answer = await sendEmail(skill);

      expect(answer.speech).toBe(
        "<speak>Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.</speak>",
      );
      expect(answer.elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS);
      const line = answer.log.find((entry) => entry.event === 'profile-unavailable');
      expect(line).toMatchObject({ level: 'warn', intent: 'SendEmailIntent' });
      expect(line?.reason).toBe(reason);
      expect(ses.requests.length).toBe(0);
      expect(ses.acceptedCount).toBe(0);
    },
  );
});
