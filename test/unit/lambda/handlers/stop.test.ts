// Stop, cancel, "no" and "go home": each ends the session, and none sends anything.

import { describe, expect, it } from 'vitest';
import { intentRequest } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

describe.each([
  { locale: 'en-US', goodbye: 'Goodbye.' },
  { locale: 'ja-JP', goodbye: 'さようなら。' },
])('in $locale', ({ locale, goodbye }) => {
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
});

it('says goodbye to "no" to the offer, and sends nothing', async () => {
  await outbox().clear();
  const response = await skill().invoke(
    intentRequest(
      'AMAZON.NoIntent',
      {},
      { apiEndpoint: profile().url, newSession: false, attributes: { offer: 'send-email' } },
    ),
  );
  expect(speechOf(response)).toBe('<speak>Goodbye.</speak>');
  expect(response.response.shouldEndSession).toBe(true);
  expect(await outbox().mails()).toEqual([]);
});
