// Composition: the skill ID check in front of every handler.

import { expect, it } from 'vitest';
import { launchRequest } from '../../../testkit/envelopes.ts';
import { speechOf } from '../../../testkit/skillHarness.ts';
import { useLoopbackSkill } from '../../helpers/loopbackSkill.ts';

const { skill } = useLoopbackSkill();

it('refuses a request for another skill ID when SKILL_ID is set', async () => {
  const underTest = skill({ SKILL_ID: 'amzn1.ask.skill.ours' });
  await expect(underTest.invoke(launchRequest({ skillId: 'amzn1.ask.skill.someone-else' }))).rejects.toThrow(
    /Skill ID verification failed/,
  );
  expect(speechOf(await underTest.invoke(launchRequest({ skillId: 'amzn1.ask.skill.ours' })))).toContain('Welcome');
});
