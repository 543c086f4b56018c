// Regression tests for what the fuzzer found: an envelope without `context.System` (or,
// with SKILL_ID set, without `context.System.application`) made ask-sdk-core's
// CustomSkill.invoke throw a TypeError before any handler or the error handler ran, so the
// Lambda answered Alexa with an error instead of a response, and nothing was logged.

import type { RequestEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damaged } from '../../../devtools/fuzz/scenarios.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { intentRequest, LOCAL_SKILL_ID, launchRequest } from '../../../testkit/envelopes.ts';
import { skillUnderTest, speechOf } from '../../../testkit/skillHarness.ts';

let outbox: SesStandIn;
beforeAll(async () => {
  outbox = await startSesStandIn();
});
afterAll(() => outbox.close());

function without(envelope: RequestEnvelope, ...path: string[]): RequestEnvelope {
  return damaged(envelope, path, { how: 'deleted' }) as unknown as RequestEnvelope;
}

describe('an envelope with a broken context', () => {
  it.each(['context', 'context.System'])(
    'still gets a spoken answer, not a TypeError, without %s when no SKILL_ID is set',
    async (path) => {
      const skill = skillUnderTest({ sesUrl: outbox.url, env: { SKILL_ID: undefined } });
      const response = await skill.invoke(without(launchRequest(), ...path.split('.')));
      expect(speechOf(response)).toContain("this skill isn't set up to send email yet");
    },
  );

  it.each(['context', 'context.System', 'context.System.application'])(
    'is refused as a foreign skill, not with a TypeError, without %s when SKILL_ID is set',
    async (path) => {
      const skill = skillUnderTest({ sesUrl: outbox.url, env: { SKILL_ID: LOCAL_SKILL_ID } });
      await expect(skill.invoke(without(launchRequest(), ...path.split('.')))).rejects.toThrow(
        /Skill ID verification failed/,
      );
    },
  );

  it('sends no mail for a SendEmailIntent without context.System, with or without SKILL_ID', async () => {
    await outbox.clear();
    const broken = without(intentRequest('SendEmailIntent'), 'context', 'System');
    await skillUnderTest({ sesUrl: outbox.url, env: { SKILL_ID: undefined } }).invoke(broken);
    await expect(skillUnderTest({ sesUrl: outbox.url }).invoke(broken)).rejects.toThrow(/Skill ID verification/);
    expect(await outbox.mails()).toEqual([]);
  });
});
