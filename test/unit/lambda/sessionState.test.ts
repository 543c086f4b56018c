// The offer a "yes" answers: made on launch, and kept in the session so that "yes" sends.

import { expect, it } from 'vitest';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { speechOf } from '../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../helpers/loopbackSkill.ts';

const { skill, outbox, profile } = useLoopbackSkill();

it('offers on launch, and "yes" in the same session sends the mail', async () => {
  await outbox().clear();
  const underTest = skill();
  const launched = await underTest.invoke(launchRequest());
  expect(launched.sessionAttributes).toEqual({ offer: 'send-email' });
  const yes = intentRequest(
    'AMAZON.YesIntent',
    {},
    { apiEndpoint: profile().url, newSession: false, attributes: launched.sessionAttributes },
  );
  expect(speechOf(await underTest.invoke(yes))).toContain('Done.');
  expect((await outbox().mails()).map((mail) => mail.destination.to)).toEqual([['taro@example.com']]);
});
