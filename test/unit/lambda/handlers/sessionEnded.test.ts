// SessionEndedRequest: no speech, and the reason an error ended the session in the log.

import { expect, it } from 'vitest';
import { sessionEndedRequest } from '../../../../testkit/envelopes.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill } = useLoopbackSkill();

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
