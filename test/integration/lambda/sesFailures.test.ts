// SES failures as the real SDK meets them: a local server answers with SES's own XML
// errors, hangs or answers late, and the user hears an apology in their language well
// inside Alexa's deadline. No failure ever leads to a second mail.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALEXA_DEADLINE_MS } from '../../../lambda/deadlines.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import {
  SES_BEHAVIOURS,
  type SesBehaviourName,
  type SesStandIn,
  startSesStandIn,
} from '../../../testkit/ses/standIn.ts';
import { type SkillUnderTest, skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let ses: SesStandIn;
let profile: ProfileApi;
let skill: SkillUnderTest;

beforeAll(async () => {
  [ses, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'taro@example.com' })]);
  skill = skillUnderTest({ sesUrl: ses.url });
});
afterAll(async () => {
  await Promise.all([ses.close(), profile.close()]);
});
beforeEach(async () => {
  await ses.clear();
  skill.logs.length = 0;
});

async function sendWhileSes(behaviour: SesBehaviourName, locale = 'en-US', slots: Record<string, string> = {}) {
  ses.set(SES_BEHAVIOURS[behaviour]);
  const started = Date.now();
  const response = await skill.invoke(intentRequest('SendEmailIntent', slots, { apiEndpoint: profile.url, locale }));
  const failure = skill.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => entry.event === 'mail-failed');
  return { speech: speechOf(response), elapsedMs: Date.now() - started, failure, response };
}

describe('SES refuses the mail', () => {
  it.each([
    ['recipient-not-verified', 'recipient-not-verified', 'still in the Amazon SES sandbox', 'サンドボックス'],
    ['sender-not-verified', 'sender-not-verified', "sender address isn't verified with Amazon SES", '送信元アドレス'],
    ['daily-quota', 'daily-quota', 'sent all the email it may send today', '上限に達しました'],
    ['throttling', 'throttled', 'busy right now', '混み合っています'],
    ['sending-paused', 'sending-paused', 'sending is paused', '送信が停止されています'],
    ['invalid-client-token', 'not-authorized', "isn't allowed to send email right now", '権限がありません'],
    ['signature-mismatch', 'not-authorized', "isn't allowed to send email right now", '権限がありません'],
    ['internal-failure', 'unavailable', "couldn't reach the mail service", 'メールサービスにつながりませんでした'],
  ] as const)('%s: the user hears why, in English and Japanese', async (behaviour, errorClass, english, japanese) => {
    const en = await sendWhileSes(behaviour);
    expect(en.speech).toContain(english);
    expect(en.failure).toMatchObject({ level: 'error', errorClass, intent: 'SendEmailIntent', to: 't***@example.com' });
    expect(en.response.response.shouldEndSession).toBe(true);

    const ja = await sendWhileSes(behaviour, 'ja-JP');
    expect(ja.speech).toContain(japanese);
    expect(ses.acceptedCount).toBe(0);
  });

  it('retries a rate-limit answer once, and the one retry sends exactly one mail', async () => {
    const { speech } = await sendWhileSes('throttling-once');
    expect(speech).toContain('Done.');
    expect(ses.requests.map((request) => request.answer)).toEqual([400, 200]);
    expect(ses.acceptedCount).toBe(1);
  });

  it('gives up after the second rate-limit answer', async () => {
    const { speech } = await sendWhileSes('throttling');
    expect(speech).toContain('busy right now');
    expect(ses.requests.length).toBe(2);
  });

  it.each(['daily-quota', 'recipient-not-verified', 'invalid-client-token', 'internal-failure'] as const)(
    'never retries %s',
    async (behaviour) => {
      await sendWhileSes(behaviour);
      expect(ses.requests.length).toBe(1);
    },
  );

  it('uses the raw path for a note and classifies its failures the same way', async () => {
    const { speech } = await sendWhileSes('recipient-not-verified', 'en-US', { note: 'buy milk' });
    expect(speech).toContain('still in the Amazon SES sandbox');
    expect(ses.requests[0]?.action).toBe('SendRawEmail');
  });
});

describe('SES does not answer properly', () => {
  it('apologises for a hung SES well inside the Alexa deadline, after one attempt', async () => {
    const { speech, elapsedMs, failure } = await sendWhileSes('hang');
    expect(speech).toContain("couldn't reach the mail service");
    expect(failure).toMatchObject({ errorClass: 'unavailable' });
    expect(elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS - 3_000);
    expect(ses.requests.length).toBe(1);
  });

  it('apologises for an answer that stalls after its headers, inside the deadline, after one attempt', async () => {
    const { speech, elapsedMs, failure } = await sendWhileSes('stall');
    expect(speech).toContain("couldn't reach the mail service");
    expect(failure).toMatchObject({ errorClass: 'unavailable', attempts: 1 });
    expect(elapsedMs).toBeLessThan(ALEXA_DEADLINE_MS - 3_000);
    expect(ses.requests.length).toBe(1);
  });

  it('does not retry a success that arrives after the timeout, so the mail SES took stays the only one', async () => {
    ses.set({ kind: 'accept', delayMs: 3_000 });
    const response = await skill.invoke(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));
    expect(speechOf(response)).toContain("couldn't reach the mail service");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(ses.requests.length).toBe(1);
    expect(ses.acceptedCount).toBe(1);
  });

  it('does not retry an answer it could not read: SES may already have taken the mail', async () => {
    const { speech } = await sendWhileSes('malformed-xml');
    expect(speech).toContain("couldn't send the email");
    expect(ses.requests.length).toBe(1);
  });

  it('answers normally when SES is slow but inside the request timeout', async () => {
    const { speech } = await sendWhileSes('slow');
    expect(speech).toContain('Done.');
    expect(ses.acceptedCount).toBe(1);
  });

  it('apologises, and does not retry, when the connection is refused', async () => {
    const closed = await startSesStandIn();
    await closed.close();
    const offline = skillUnderTest({ sesUrl: closed.url });
    const started = Date.now();
    const response = await offline.invoke(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));
    expect(speechOf(response)).toContain("couldn't reach the mail service");
    expect(Date.now() - started).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(offline.logs.find((line) => line.includes('mail-failed'))).toContain('"errorCode":"ECONNREFUSED"');
    // A refused connection proves SES never saw the mail, so it was tried twice.
    expect(offline.logs.find((line) => line.includes('mail-failed'))).toContain('"attempts":2');
  });
});
