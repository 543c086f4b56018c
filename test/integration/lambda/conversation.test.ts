// Every request family other than sending: launch, help, stop, fallback, navigate home,
// session end, CanFulfillIntentRequest and the skill ID check, in both locales.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { canFulfillRequest, intentRequest, launchRequest, sessionEndedRequest } from '../../../testkit/envelopes.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let outbox: SesStandIn;
// A profile with an address, so that a request that wrongly sent mail would put one in the outbox.
let profile: ProfileApi;
beforeAll(async () => {
  [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'taro@example.com' })]);
});
afterAll(() => Promise.all([outbox.close(), profile.close()]));

const skill = () => skillUnderTest({ sesUrl: outbox.url });

describe.each([
  {
    locale: 'en-US',
    launch: 'Welcome to Mail Sender',
    reprompt: '<speak>Would you like me to send you an email?</speak>',
    help: 'sends an email to the address on your Amazon account',
    goodbye: 'Goodbye.',
    fallback: "can't help with that",
  },
  {
    locale: 'ja-JP',
    launch: 'メールセンダーへようこそ',
    reprompt: '<speak>メールを送りましょうか？</speak>',
    help: 'あなたのメールアドレスにだけメールを送ります',
    goodbye: 'さようなら。',
    fallback: 'それはできません',
  },
])('in $locale', ({ locale, launch, reprompt, help, goodbye, fallback }) => {
  it('says what the skill does on launch, asks again if the user says nothing, and keeps the session open', async () => {
    const response = await skill().invoke(launchRequest({ locale }));
    expect(speechOf(response)).toContain(launch);
    expect(response.response.reprompt?.outputSpeech).toMatchObject({ type: 'SSML', ssml: reprompt });
    expect(response.response.shouldEndSession).toBe(false);
  });

  it('explains how to ask on help', async () => {
    const response = await skill().invoke(intentRequest('AMAZON.HelpIntent', {}, { locale }));
    expect(speechOf(response)).toContain(help);
    expect(response.response.shouldEndSession).toBe(false);
  });

  it.each(['AMAZON.StopIntent', 'AMAZON.CancelIntent'])('says goodbye and ends the session on %s', async (intent) => {
    const response = await skill().invoke(intentRequest(intent, {}, { locale }));
    expect(speechOf(response)).toBe(`<speak>${goodbye}</speak>`);
    expect(response.response.shouldEndSession).toBe(true);
  });

  it('ends the session silently on NavigateHomeIntent', async () => {
    const response = await skill().invoke(intentRequest('AMAZON.NavigateHomeIntent', {}, { locale }));
    expect(response.response.outputSpeech).toBeUndefined();
    expect(response.response.shouldEndSession).toBe(true);
  });

  it.each(['AMAZON.FallbackIntent', 'SomeIntentFromAnOldModel'])(
    'redirects to what it can do on %s',
    async (intent) => {
      const response = await skill().invoke(intentRequest(intent, {}, { locale }));
      expect(speechOf(response)).toContain(fallback);
      expect(response.response.shouldEndSession).toBe(false);
    },
  );
});

describe('session end', () => {
  it('answers SessionEndedRequest without speech and logs an ERROR reason as a warning', async () => {
    const underTest = skill();
    const envelope = sessionEndedRequest('ERROR');
    (envelope.request as { error?: unknown }).error = { type: 'INVALID_RESPONSE', message: 'bad' };
    const response = await underTest.invoke(envelope);
    expect(response.response.outputSpeech).toBeUndefined();
    expect(
      underTest.logs.some((line) => line.includes('"level":"warn"') && line.includes('"errorType":"INVALID_RESPONSE"')),
    ).toBe(true);
  });
});

describe('CanFulfillIntentRequest (name-free interaction)', () => {
  it('answers YES for SendEmailIntent and its note slot', async () => {
    const response = await skill().invoke(canFulfillRequest('SendEmailIntent', { note: 'buy milk' }));
    expect(response.response.canFulfillIntent).toEqual({
      canFulfill: 'YES',
      slots: { note: { canUnderstand: 'YES', canFulfill: 'YES' } },
    });
    expect(response.response.outputSpeech).toBeUndefined();
  });

  it('answers YES for SendEmailIntent without slots', async () => {
    const response = await skill().invoke(canFulfillRequest('SendEmailIntent'));
    expect(response.response.canFulfillIntent).toEqual({ canFulfill: 'YES', slots: {} });
  });

  it('answers NO for any other intent, and for slots it does not know', async () => {
    expect(
      (await skill().invoke(canFulfillRequest('OrderPizzaIntent', { size: 'large' }))).response.canFulfillIntent,
    ).toEqual({
      canFulfill: 'NO',
      slots: { size: { canUnderstand: 'NO', canFulfill: 'NO' } },
    });
    expect(
      (await skill().invoke(canFulfillRequest('SendEmailIntent', { recipient: 'bob' }))).response.canFulfillIntent
        ?.canFulfill,
    ).toBe('NO');
  });

  it('sends no mail while answering, though the profile has an address to send to', async () => {
    await outbox.clear();
    const profileRequestsBefore = profile.requests.length;
    const response = await skill().invoke(
      canFulfillRequest('SendEmailIntent', { note: 'x' }, { apiEndpoint: profile.url }),
    );
    expect(response.response.canFulfillIntent?.canFulfill).toBe('YES');
    expect(await outbox.mails()).toEqual([]);
    expect(profile.requests.slice(profileRequestsBefore)).toEqual([]);
  });
});

describe('configuration', () => {
  it('says the skill is not set up, and logs why, when SES_FROM_ADDRESS is missing', async () => {
    const underTest = skillUnderTest({ sesUrl: outbox.url, env: { SES_FROM_ADDRESS: undefined } });
    const response = await underTest.invoke(intentRequest('SendEmailIntent'));
    expect(speechOf(response)).toContain("isn't set up to send email yet");
    expect(
      underTest.logs.some(
        (line) => line.includes('"event":"not-configured"') && line.includes('SES_FROM_ADDRESS is not set'),
      ),
    ).toBe(true);
  });

  it('still launches when the mail configuration is unusable', async () => {
    const underTest = skillUnderTest({ sesUrl: outbox.url, env: { SES_FROM_ADDRESS: 'not-an-address' } });
    expect(speechOf(await underTest.invoke(launchRequest()))).toContain('Welcome to Mail Sender');
  });

  it('refuses a request for another skill ID when SKILL_ID is set', async () => {
    const underTest = skillUnderTest({ sesUrl: outbox.url, env: { SKILL_ID: 'amzn1.ask.skill.ours' } });
    await expect(underTest.invoke(launchRequest({ skillId: 'amzn1.ask.skill.someone-else' }))).rejects.toThrow(
      /Skill ID verification failed/,
    );
    expect(speechOf(await underTest.invoke(launchRequest({ skillId: 'amzn1.ask.skill.ours' })))).toContain('Welcome');
  });
});

describe('requests the skill never asked for', () => {
  it.each(['AudioPlayer.PlaybackStarted', 'Connections.Response', 'System.ExceptionEncountered', 'Some.FutureRequest'])(
    'answers %s with an empty response and no apology',
    async (type) => {
      const underTest = skill();
      const envelope = launchRequest();
      (envelope.request as { type: string }).type = type;
      const response = await underTest.invoke(envelope);
      expect(response.response.outputSpeech).toBeUndefined();
      expect(underTest.logs.some((line) => line.includes('"event":"request-ignored"'))).toBe(true);
      expect(underTest.logs.some((line) => line.includes('unhandled-error'))).toBe(false);
    },
  );
});

describe('"yes" and "no" to the offer to send an email', () => {
  // Every turn here reaches a profile with an address: a "yes" wrongly taken as "send" would mail it.
  const inSession = (name: string, attributes: Record<string, unknown> | undefined) =>
    intentRequest(name, {}, { apiEndpoint: profile.url, newSession: false, attributes });

  it('offers on launch, and "yes" in the same session sends the mail', async () => {
    await outbox.clear();
    const underTest = skill();
    const launched = await underTest.invoke(launchRequest());
    expect(launched.sessionAttributes).toEqual({ offer: 'send-email' });
    expect(speechOf(await underTest.invoke(inSession('AMAZON.YesIntent', launched.sessionAttributes)))).toContain(
      'Done.',
    );
    expect((await outbox.mails()).map((mail) => mail.destination.to)).toEqual([['taro@example.com']]);
  });

  it('sends nothing for a "yes" that starts a session, whatever attributes it claims', async () => {
    await outbox.clear();
    const response = await skill().invoke(
      intentRequest(
        'AMAZON.YesIntent',
        {},
        { apiEndpoint: profile.url, newSession: true, attributes: { offer: 'send-email' } },
      ),
    );
    expect(speechOf(response)).toBe("<speak>Mail Sender can't help with that. You can say, send me an email.</speak>");
    expect(await outbox.mails()).toEqual([]);
  });

  it('ends help with the offer, so "yes" right after it sends the mail', async () => {
    await outbox.clear();
    const underTest = skill();
    const help = await underTest.invoke(inSession('AMAZON.HelpIntent', {}));
    expect(speechOf(help)).toMatch(/Would you like me to send you an email now\?<\/speak>$/);
    expect(help.response.reprompt?.outputSpeech).toEqual({
      type: 'SSML',
      ssml: '<speak>Would you like me to send you an email?</speak>',
    });
    expect(help.sessionAttributes).toEqual({ offer: 'send-email' });
    expect(speechOf(await underTest.invoke(inSession('AMAZON.YesIntent', help.sessionAttributes)))).toContain('Done.');
    expect((await outbox.mails()).map((mail) => mail.destination.to)).toEqual([['taro@example.com']]);
  });

  it('sends nothing for a "yes" in a session where nothing was offered', async () => {
    await outbox.clear();
    const yes = await skill().invoke(inSession('AMAZON.YesIntent', {}));
    expect(speechOf(yes)).toBe("<speak>Mail Sender can't help with that. You can say, send me an email.</speak>");
    expect(await outbox.mails()).toEqual([]);
  });

  it('says goodbye to "no", and sends nothing', async () => {
    await outbox.clear();
    const response = await skill().invoke(inSession('AMAZON.NoIntent', { offer: 'send-email' }));
    expect(speechOf(response)).toBe('<speak>Goodbye.</speak>');
    expect(response.response.shouldEndSession).toBe(true);
    expect(await outbox.mails()).toEqual([]);
  });
});

describe('CanFulfillIntentRequest before permission and before setup', () => {
  it('answers MAYBE while the user has granted no permission: the next turn would be a consent card', async () => {
    const response = await skill().invoke(canFulfillRequest('SendEmailIntent', { note: 'x' }, { consentToken: null }));
    expect(response.response.canFulfillIntent).toEqual({
      canFulfill: 'MAYBE',
      slots: { note: { canUnderstand: 'YES', canFulfill: 'YES' } },
    });
  });

  it('answers NO while the skill is not set up to send mail', async () => {
    const underTest = skillUnderTest({ sesUrl: outbox.url, env: { SES_FROM_ADDRESS: undefined } });
    expect((await underTest.invoke(canFulfillRequest('SendEmailIntent'))).response.canFulfillIntent?.canFulfill).toBe(
      'NO',
    );
  });
});
