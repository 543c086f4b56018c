// CanFulfillIntentRequest (name-free interaction): YES, NO or MAYBE, with no speech and no mail.

import { describe, expect, it } from 'vitest';
import { canFulfillRequest } from '../../../../testkit/envelopes.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

describe('CanFulfillIntentRequest', () => {
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
    await outbox().clear();
    const profileRequestsBefore = profile().requests.length;
    const response = await skill().invoke(
      canFulfillRequest('SendEmailIntent', { note: 'x' }, { apiEndpoint: profile().url }),
    );
    expect(response.response.canFulfillIntent?.canFulfill).toBe('YES');
    expect(await outbox().mails()).toEqual([]);
    expect(profile().requests.slice(profileRequestsBefore)).toEqual([]);
  });

  it('answers MAYBE while the user has granted no permission: the next turn would be a consent card', async () => {
    const response = await skill().invoke(canFulfillRequest('SendEmailIntent', { note: 'x' }, { consentToken: null }));
    expect(response.response.canFulfillIntent).toEqual({
      canFulfill: 'MAYBE',
      slots: { note: { canUnderstand: 'YES', canFulfill: 'YES' } },
    });
  });

  it('answers NO while the skill is not set up to send mail', async () => {
    const underTest = skill({ SES_FROM_ADDRESS: undefined });
    expect((await underTest.invoke(canFulfillRequest('SendEmailIntent'))).response.canFulfillIntent?.canFulfill).toBe(
      'NO',
    );
  });
});
