// Replays one dialog file through a running simulator: sets the simulated world of its
// "simulate" key, says each utterance in a fresh conversation, checks each turn against
// its "expect" entry, and lets an open session time out at the end, as a walk-away does.

import { SES_BEHAVIOURS, type SesBehaviour } from '../../testkit/ses/faultServer.ts';
import type { Turn } from './conversation.ts';
import { unmetExpectations } from './expectations.ts';
import { isCommand, type ReplayFile, type SimulateSettings } from './replayFile.ts';
import { DEFAULT_USER, type SimulatedUser, type Simulator } from './simulator.ts';

export interface ReplayOptions {
  /** Given on the command line: wins over the file. */
  readonly locale?: string;
  readonly user?: Partial<SimulatedUser>;
  readonly ses?: SesBehaviour;
  /** Called as each turn completes (and for the closing SessionEndedRequest). */
  readonly onTurn?: (turn: Turn) => void;
  /** Called for a "." line other than .quit, which `ask dialog` would also not send to Alexa. */
  readonly onUnknownCommand?: (line: string) => void;
}

export interface ReplayOutcome {
  readonly file: ReplayFile;
  readonly locale: string;
  readonly turns: readonly Turn[];
  /** "turn 2 ("help"): Alexa said …": empty when every expectation was met. */
  readonly failures: readonly string[];
}

function userFrom(simulate: SimulateSettings | undefined): Partial<SimulatedUser> {
  return {
    ...(simulate?.email !== undefined ? { email: simulate.email } : {}),
    ...(simulate?.name !== undefined ? { givenName: simulate.name } : {}),
    ...(simulate?.emailPermission !== undefined ? { emailPermission: simulate.emailPermission } : {}),
  };
}

export async function replay(
  simulator: Simulator,
  file: ReplayFile,
  options: ReplayOptions = {},
): Promise<ReplayOutcome> {
  const locale = options.locale ?? file.locale;
  simulator.setUser({ ...DEFAULT_USER, ...userFrom(file.simulate), ...options.user });
  simulator.setSes(options.ses ?? SES_BEHAVIOURS[file.simulate?.ses ?? 'accept']);
  // Mails left over from an earlier replay belong to it, not to this one.
  await simulator.takeNewMails();

  const conversation = simulator.converse({ locale, skillId: file.skillId });

  const turns: Turn[] = [];
  const failures: string[] = [];
  const record = (turn: Turn) => {
    turns.push(turn);
    options.onTurn?.(turn);
  };

  let utteranceIndex = 0;
  for (const input of file.userInput) {
    if (input === '.quit') break;
    if (isCommand(input)) {
      options.onUnknownCommand?.(input);
      continue;
    }
    const turn = await conversation.say(input);
    record(turn);
    const expectation = file.expect?.[utteranceIndex];
    utteranceIndex++;
    if (expectation) {
      for (const problem of unmetExpectations(turn, expectation))
        failures.push(`turn ${utteranceIndex} (${JSON.stringify(input)}): ${problem}`);
    }
  }
  const closing = await conversation.finish();
  if (closing) record(closing);
  return { file, locale, turns, failures };
}
