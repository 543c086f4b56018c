// The account holder's address from the Customer Profile API, as the user meets it: a permission
// card when none was granted, the profile apology for an answer that is not an address, and only
// a plausible address mailed.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { speechOf } from '../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

const sendEmail = (underTest = skill()) =>
  underTest.invoke(
    intentRequest('SendEmailIntent', {}, { apiEndpoint: profile().url, userId: `amzn1.ask.account.${randomUUID()}` }),
  );

describe('customerProfile', () => {
  it('gives the profile apology, and mails nothing, for an answer that is not an address', async () => {
    await outbox().clear();
    profile().set({ email: 'taro at example dot com' });
    const underTest = skill();

    const response = await sendEmail(underTest);

    expect(speechOf(response)).toBe(
      "<speak>Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.</speak>",
    );
    expect(await outbox().mails()).toEqual([]);
    expect(underTest.logs.join('\n')).toContain('"reason":"malformed address"');
    profile().set({ email: 'taro@example.com' });
  });

  it('takes an address with spaces around it as the address, and one of spaces as none', async () => {
    await outbox().clear();
    profile().set({ email: '  taro@example.com ' });
    expect(speechOf(await sendEmail())).toMatch(/^<speak>Done\./);
    expect((await outbox().mails()).map((mail) => mail.destination.to)).toEqual([['taro@example.com']]);

    profile().set({ email: '   ' });
    expect(speechOf(await sendEmail())).toContain('Your Amazon account has no email address yet.');
    profile().set({ email: 'taro@example.com' });
  });
});
