// Requests the skill never asked for: an empty response, an info line, and no apology.

import { expect, it } from 'vitest';
import { launchRequest } from '../../../../testkit/envelopes.ts';
import { useLoopbackSkill } from '../../../helpers/loopbackSkill.ts';

const { skill } = useLoopbackSkill();

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
