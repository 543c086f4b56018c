// Every request while the skill has no SKILL_ID: the not-set-up sentence in the user's language,
// silence after a session ended, and no mail. (The built bundle's own case is in
// test/integration/lambda/untrustedRequests.test.ts.)

import { expect, it } from 'vitest';
import { intentRequest, sessionEndedRequest } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

it('answers in Japanese that the skill is not set up, and sends nothing', async () => {
  await outbox().clear();
  const underTest = skill({ SKILL_ID: undefined });
  const response = await underTest.invoke(
    intentRequest('SendEmailIntent', {}, { apiEndpoint: profile().url, locale: 'ja-JP' }),
  );
  expect(speechOf(response)).toBe(
    '<speak>すみません、このスキルはまだメールを送る設定ができていません。スキルの管理者が設定を完了する必要があります。</speak>',
  );
  expect(response.response.shouldEndSession).toBe(true);
  expect(await outbox().mails()).toEqual([]);
});

it('says nothing to a session that ended, and still logs why it is not set up', async () => {
  const underTest = skill({ SKILL_ID: undefined });
  const response = await underTest.invoke(sessionEndedRequest('USER_INITIATED'));
  expect(response.response.outputSpeech).toBeUndefined();
  expect(underTest.logs.join('\n')).toMatch(/"event":"config-invalid".*SKILL_ID is not set/);
});
