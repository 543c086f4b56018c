// The fuzzer's test bench: the skill built by the skill harness (twice: without a SKILL_ID,
// when it must fail closed, and with one), a local Customer Profile API, and the SES stand-in, which keeps every
// request as it arrived on the wire, all on loopback. `run` sends one scenario and reports
// everything it caused.

import type { RequestEnvelope } from 'ask-sdk-model';
import fc from 'fast-check';
import { ENV, MAIL_LIMIT_MAX } from '../../lambda/config.ts';
import { ALEXA_DEADLINE_MS } from '../../lambda/deadlines.ts';
import { SEND_EMAIL_INTENT } from '../../lambda/intents.ts';
import { startSesStandIn } from '../../testkit/aws/ses/standIn.ts';
import { withinDeadline } from '../../testkit/deadline.ts';
import { LOCAL_SKILL_ID } from '../../testkit/envelopes.ts';
import { PLACEHOLDER_FROM_ADDRESS } from '../../testkit/placeholders.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';
import { skillUnderTest } from '../../testkit/skillHarness.ts';
import { type Observation, type Outcome, type SkillUnderFuzz, violations } from './invariants.ts';
import { type FuzzScenario, scenarios } from './scenarios.ts';

export interface FuzzTally {
  runs: number;
  mailsSent: number;
  refusals: number;
  brokenEnvelopes: number;
  readonly requestTypes: Map<string, number>;
}

export interface FuzzRig {
  readonly skill: SkillUnderFuzz;
  readonly tally: FuzzTally;
  /** Scenarios whose envelopes point at this rig's profile API. */
  scenarios(): fc.Arbitrary<FuzzScenario>;
  run(scenario: FuzzScenario): Promise<Observation>;
  /** The property: every generated scenario satisfies every invariant. */
  property(): fc.IAsyncPropertyWithHooks<[FuzzScenario]>;
  close(): Promise<void>;
}

const KNOWN_TYPES = new Set(['LaunchRequest', 'IntentRequest', 'CanFulfillIntentRequest', 'SessionEndedRequest']);

/** "IntentRequest SendEmailIntent", "AudioPlayer.PlaybackStarted", "(other type)", "(no type)": for the figures. */
function requestLabel(scenario: FuzzScenario): string {
  const request = scenario.envelope.request as { type?: unknown; intent?: { name?: unknown } } | undefined;
  const type = request?.type;
  if (typeof type !== 'string') return '(no type)';
  if (type === 'IntentRequest')
    return request?.intent?.name === SEND_EMAIL_INTENT
      ? 'IntentRequest SendEmailIntent'
      : 'IntentRequest (other intents)';
  if (KNOWN_TYPES.has(type) || /^[A-Z][A-Za-z]+(\.[A-Z][A-Za-z]+)+$/.test(type)) return type;
  return '(other type)';
}

export async function startFuzzRig(): Promise<FuzzRig> {
  const [ses, profileApi] = await Promise.all([startSesStandIn(), startProfileApi()]);
  // Scenarios share a few profile addresses, which the skill counts too: a cap no run reaches keeps
  // the counting on and refuses no mail an invariant expects.
  const cap = { [ENV.mailLimitPerUserPerDay]: String(MAIL_LIMIT_MAX) };
  const open = skillUnderTest({ sesUrl: ses.url, env: { ...cap, [ENV.skillId]: undefined } });
  const guarded = skillUnderTest({ sesUrl: ses.url, env: { ...cap, [ENV.skillId]: LOCAL_SKILL_ID } });
  const skill: SkillUnderFuzz = { skillId: LOCAL_SKILL_ID, fromAddress: PLACEHOLDER_FROM_ADDRESS };
  const tally: FuzzTally = { runs: 0, mailsSent: 0, refusals: 0, brokenEnvelopes: 0, requestTypes: new Map() };

  const run = async (scenario: FuzzScenario): Promise<Observation> => {
    await ses.clear();
    profileApi.requests.length = 0;
    profileApi.set(scenario.profile);
    const target = scenario.guarded ? guarded : open;
    target.logs.length = 0;
    let outcome: Outcome;
    try {
      outcome = {
        kind: 'response',
        response: await withinDeadline(
          target.invoke(scenario.envelope as unknown as RequestEnvelope),
          ALEXA_DEADLINE_MS,
          `no answer within Alexa's ${ALEXA_DEADLINE_MS} ms`,
        ),
      };
    } catch (error) {
      outcome = { kind: 'refused', error };
    }
    const observation: Observation = {
      scenario,
      outcome,
      wire: [...ses.requests],
      profileRequests: [...profileApi.requests],
      logLines: [...target.logs],
    };

    const label = requestLabel(scenario);
    tally.runs++;
    tally.requestTypes.set(label, (tally.requestTypes.get(label) ?? 0) + 1);
    tally.mailsSent += observation.wire.filter((request) => request.action.startsWith('Send')).length;
    if (outcome.kind === 'refused') tally.refusals++;
    if (scenario.broken) tally.brokenEnvelopes++;
    return observation;
  };

  return {
    skill,
    tally,
    scenarios: () => scenarios(profileApi.url),
    run,
    property: () =>
      fc.asyncProperty(scenarios(profileApi.url), async (scenario) => {
        const found = await violations(await run(scenario), skill);
        if (found.length > 0) {
          throw new Error(
            `${found.join('\n')}\n(request ${JSON.stringify((scenario.envelope.request as { type?: unknown } | undefined)?.type)}${scenario.broken ? `, broken: ${scenario.broken}` : ''}${scenario.guarded ? ', SKILL_ID checked' : ''})`,
          );
        }
      }),
    close: async () => {
      await Promise.all([ses.close(), profileApi.close()]);
    },
  };
}
