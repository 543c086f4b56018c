// Says one utterance to the deployed skill through SMAPI's skill simulation, with the ASK CLI:
// `ask smapi simulate-skill`, then `ask smapi get-skill-simulation` until Alexa has answered.

import type { v2 } from 'ask-smapi-model';
import { AskCliError, type AskRunner } from './askCli.ts';

export type SimulationResponse = v2.skill.simulations.SimulationsApiResponse;

export interface CloudTarget {
  readonly skillId: string;
  readonly locale: string;
  readonly stage: string;
  readonly profile: string;
}

/** Between two get-skill-simulation calls. */
const POLL_INTERVAL_MS = 1000;
/** Alexa usually answers in a few seconds; past this the utterance counts as failed. */
const ANSWER_DEADLINE_MS = 60_000;

function parse(output: string, command: string): SimulationResponse {
  try {
    return JSON.parse(output) as SimulationResponse;
  } catch {
    throw new AskCliError(`\`ask smapi ${command}\` did not print the JSON it should: ${output.trim().slice(0, 200)}`);
  }
}

export async function simulateUtterance(
  ask: AskRunner,
  target: CloudTarget,
  utterance: string,
  newSession: boolean,
): Promise<SimulationResponse> {
  const common = ['--skill-id', target.skillId, '--stage', target.stage, '--profile', target.profile];
  const started = parse(
    await ask([
      'simulate-skill',
      ...common,
      '--input-content',
      utterance,
      '--device-locale',
      target.locale,
      '--session-mode',
      newSession ? 'FORCE_NEW_SESSION' : 'DEFAULT',
    ]),
    'simulate-skill',
  );
  if (!started.id) throw new AskCliError(`SMAPI gave no simulation ID for "${utterance}".`);
  const deadline = Date.now() + ANSWER_DEADLINE_MS;
  for (;;) {
    const result = parse(
      await ask(['get-skill-simulation', ...common, '--simulation-id', started.id]),
      'get-skill-simulation',
    );
    if (result.status === 'SUCCESSFUL') return result;
    if (result.status === 'FAILED')
      throw new AskCliError(
        `Alexa could not simulate "${utterance}": ${result.result?.error?.message ?? 'no reason given'}.`,
      );
    if (Date.now() + POLL_INTERVAL_MS > deadline)
      throw new AskCliError(`Alexa had not answered "${utterance}" after ${ANSWER_DEADLINE_MS / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
