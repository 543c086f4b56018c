// AMAZON.FallbackIntent, an intent the skill does not know, and a "yes" to nothing: what it can do, and no mail.

import { describe, expect, it } from 'vitest';
import { intentRequest } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();
const FALLBACK = "<speak>Mail Sender can't help with that. You can say, send me an email.</speak>";

describe.each([
  { locale: 'en-US', fallback: "can't help with that" },
  { locale: 'ja-JP', fallback: 'それはできません' },
])('in $locale', ({ locale, fallback }) => {
  it.each(['AMAZON.FallbackIntent', 'SomeIntentFromAnOldModel'])(
    'redirects to what it can do on %s',
    async (intent) => {
      const response = await skill().invoke(intentRequest(intent, {}, { locale }));
      expect(speechOf(response)).toContain(fallback);
      expect(response.response.shouldEndSession).toBe(false);
    },
  );
});

describe('a "yes" to no offer', () => {
  // Every turn here reaches a profile with an address: a "yes" wrongly taken as "send" would mail it.
  it('sends nothing for a "yes" that starts a session, whatever attributes it claims', async () => {
    await outbox().clear();
    const response = await skill().invoke(
      intentRequest(
        'AMAZON.YesIntent',
        {},
        { apiEndpoint: profile().url, newSession: true, attributes: { offer: 'send-email' } },
      ),
    );
    expect(speechOf(response)).toBe(FALLBACK);
    expect(await outbox().mails()).toEqual([]);
  });

  it('sends nothing for a "yes" in a session where nothing was offered', async () => {
    await outbox().clear();
    const yes = await skill().invoke(
      intentRequest('AMAZON.YesIntent', {}, { apiEndpoint: profile().url, newSession: false, attributes: {} }),
    );
    expect(speechOf(yes)).toBe(FALLBACK);
    expect(await outbox().mails()).toEqual([]);
  });
});
