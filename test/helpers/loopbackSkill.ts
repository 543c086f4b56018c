// The skill in this process, pointed at the SES stand-in and at a profile API whose account has an
// address, so that a request that wrongly sent mail would put one in the outbox. For a handler's
// own tests: call it at the top of a test file; it registers its own beforeAll and afterAll.

import { afterAll, beforeAll } from 'vitest';
import type { Environment } from '../../lambda/config.ts';
import { type SesStandIn, startSesStandIn } from '../../testkit/aws/ses/standIn.ts';
import { type ProfileApi, startProfileApi } from '../../testkit/profileApi.ts';
import { type SkillUnderTest, skillUnderTest } from '../../testkit/skillHarness.ts';

interface LoopbackSkill {
  readonly outbox: () => SesStandIn;
  readonly profile: () => ProfileApi;
  /** A skill of its own (its own memory count), with `env` over the local placeholders. */
  readonly skill: (env?: Environment) => SkillUnderTest;
}

export function useLoopbackSkill(): LoopbackSkill {
  let outbox: SesStandIn | undefined;
  let profile: ProfileApi | undefined;
  beforeAll(async () => {
    [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'taro@example.com' })]);
  });
  afterAll(() => Promise.all([outbox?.close(), profile?.close()]));
  const started = <T>(server: T | undefined): T => {
    if (!server) throw new Error('The stand-ins start in beforeAll: ask for them inside a test.');
    return server;
  };
  return {
    outbox: () => started(outbox),
    profile: () => started(profile),
    skill: (env) => skillUnderTest({ sesUrl: started(outbox).url, ...(env ? { env } : {}) }),
  };
}
