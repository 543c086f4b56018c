// Alexa stops waiting for a skill after its deadline. The simulator does the same, so a skill
// that runs late shows here as it would on a device. (Its own file: the skill reads its
// configuration once per process, and this one runs with a shorter deadline.)

import type { SessionEndedRequest } from 'ask-sdk-model';
import { expect, it } from 'vitest';
import { SKILL_DID_NOT_ANSWER } from '../../../devtools/simulator/conversation.ts';
import { SES_ATTEMPT_TIMEOUT_MS } from '../../../lambda/deadlines.ts';
import { SES_BEHAVIOURS } from '../../../testkit/aws/ses/standIn.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { useSimulator } from '../../helpers/localSkill.ts';

// Shorter than the skill's own SES attempt bound, so an SES that never answers makes the skill
// late: both are timers of this one process, and this one is armed first and due first, so
// however slow the machine, the simulator gives up before the skill does. As long as it can be,
// so that the ordinary request that follows (tens of milliseconds) has seconds to spare.
const DEADLINE_MS = SES_ATTEMPT_TIMEOUT_MS - 500;

const simulator = useSimulator({ deadlineMs: DEADLINE_MS });

it('gives up on a late skill as a device does, and tells it with SessionEndedRequest (ERROR)', async () => {
  simulator().setSes(SES_BEHAVIOURS.hang);
  const conversation = simulator().converse({ locale: 'en-US', skillId: LOCAL_SKILL_ID });
  const late = await conversation.say('ask mail sender to send me an email');
  expect(late.speech).toBe(SKILL_DID_NOT_ANSWER);
  expect(late.exchanges[0]?.error).toContain(`did not answer within ${DEADLINE_MS / 1000} s`);
  expect(late.exchanges.map((exchange) => exchange.request.request.type)).toEqual([
    'IntentRequest',
    'SessionEndedRequest',
  ]);
  expect((late.exchanges[1]?.request.request as SessionEndedRequest | undefined)?.reason).toBe('ERROR');
  expect(late.sessionEnded).toBe(true);

  // The next request is answered normally. Another mail: the late one is still reserved until it fails.
  simulator().setSes(SES_BEHAVIOURS.accept);
  const next = await conversation.say('ask mail sender to send me an email saying call mom');
  expect(next.speech).toMatch(/^Done\./);
});
