// "Alexa, open mail sender": what the skill does and how to ask, with the offer kept open.

import { describe, expect, it } from 'vitest';
import { launchRequest } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill } = useLoopbackSkill();

describe.each([
  {
    locale: 'en-US',
    launch: 'Welcome to Mail Sender',
    reprompt: '<speak>Would you like me to send you an email?</speak>',
  },
  { locale: 'ja-JP', launch: 'メールセンダーへようこそ', reprompt: '<speak>メールを送りましょうか？</speak>' },
])('in $locale', ({ locale, launch, reprompt }) => {
  it('says what the skill does on launch, asks again if the user says nothing, and keeps the session open', async () => {
    const response = await skill().invoke(launchRequest({ locale }));
    expect(speechOf(response)).toContain(launch);
    expect(response.response.reprompt?.outputSpeech).toMatchObject({ type: 'SSML', ssml: reprompt });
    expect(response.response.shouldEndSession).toBe(false);
  });
});

it('still launches when the mail configuration is unusable', async () => {
  const underTest = skill({ SES_FROM_ADDRESS: 'not-an-address' });
  expect(speechOf(await underTest.invoke(launchRequest()))).toContain('Welcome to Mail Sender');
});
