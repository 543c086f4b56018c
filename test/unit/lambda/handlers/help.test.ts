// AMAZON.HelpIntent: what the skill does, ending with the offer, so that "yes" right after it sends.

import { describe, expect, it } from 'vitest';
import { intentRequest } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

describe.each([
  { locale: 'en-US', help: 'sends an email to the address on your Amazon account' },
  { locale: 'ja-JP', help: 'あなたのメールアドレスにだけメールを送ります' },
])('in $locale', ({ locale, help }) => {
  it('explains how to ask on help', async () => {
    const response = await skill().invoke(intentRequest('AMAZON.HelpIntent', {}, { locale }));
    expect(speechOf(response)).toContain(help);
    expect(response.response.shouldEndSession).toBe(false);
  });
});

it('ends help with the offer, so "yes" right after it sends the mail', async () => {
  await outbox().clear();
  const inSession = (name: string, attributes: Record<string, unknown> | undefined) =>
    intentRequest(name, {}, { apiEndpoint: profile().url, newSession: false, attributes });
  const underTest = skill();
  const help = await underTest.invoke(inSession('AMAZON.HelpIntent', {}));
  expect(speechOf(help)).toMatch(/Would you like me to send you an email now\?<\/speak>$/);
  expect(help.response.reprompt?.outputSpeech).toEqual({
    type: 'SSML',
    ssml: '<speak>Would you like me to send you an email?</speak>',
  });
  expect(help.sessionAttributes).toEqual({ offer: 'send-email' });
  expect(speechOf(await underTest.invoke(inSession('AMAZON.YesIntent', help.sessionAttributes)))).toContain('Done.');
  expect((await outbox().mails()).map((mail) => mail.destination.to)).toEqual([['taro@example.com']]);
});
