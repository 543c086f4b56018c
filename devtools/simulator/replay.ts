// Replays dialog files (the format of `ask dialog --replay`, with our "expect" and "simulate"
// keys), checks each turn, and says what was not met: for the simulator and simulate:cloud.

import { SES_BEHAVIOURS, type SesBehaviour } from '../../testkit/aws/ses/modes.ts';
import type { Conversation, Turn } from './conversation.ts';
import { unmetExpectations } from './expectations.ts';
import { type Expectation, isCommand, type ReplayFile, type SimulateSettings } from './replayFile.ts';
import type { Simulator } from './simulator.ts';
import { DEFAULT_USER, type SimulatedUser } from './worldSettings.ts';

/** Called as a replay goes, to print it. */
interface ReplayListeners {
  /** Called as each turn completes (and for the closing SessionEndedRequest). */
  readonly onTurn?: (turn: Turn) => void;
  /** Told, in a sentence, of a "." line other than .quit, which `ask dialog` would also not send to Alexa. */
  readonly inform?: (sentence: string) => void;
}

interface ReplayOptions extends ReplayListeners {
  /** Given on the command line: wins over the file. */
  readonly locale?: string;
  readonly user?: Partial<SimulatedUser>;
  readonly ses?: SesBehaviour;
}

export interface ReplayOutcome {
  readonly file: ReplayFile;
  readonly locale: string;
  readonly turns: readonly Turn[];
  /** "turn 2 ("help"): Alexa said …": empty when every expectation was met. */
  readonly failures: readonly string[];
}

interface UtteranceReplay extends ReplayListeners {
  /** How a turn is held against its expectation; the cloud leaves out what it cannot see. */
  readonly check?: (turn: Turn, expectation: Expectation) => string[];
}

/**
 * Says each utterance of the file, up to .quit, checks each turn against its "expect" entry, and
 * lets an open session time out at the end, as a walk-away does. The simulator and simulate:cloud
 * both replay through this, each with its own conversation.
 */
export async function replayUtterances(
  file: ReplayFile,
  conversation: Pick<Conversation, 'say' | 'finish'>,
  { onTurn, inform, check = unmetExpectations }: UtteranceReplay = {},
): Promise<Pick<ReplayOutcome, 'turns' | 'failures'>> {
  const turns: Turn[] = [];
  const failures: string[] = [];
  const record = (turn: Turn) => {
    turns.push(turn);
    onTurn?.(turn);
  };

  let utteranceIndex = 0;
  for (const input of file.userInput) {
    if (input === '.quit') break;
    if (isCommand(input)) {
      inform?.(`Skipped ${input}: only .quit is a command in a replay file.`);
      continue;
    }
    const turn = await conversation.say(input);
    record(turn);
    const expectation = file.expect?.[utteranceIndex];
    utteranceIndex++;
    if (expectation) {
      for (const problem of check(turn, expectation))
        failures.push(`turn ${utteranceIndex} (${JSON.stringify(input)}): ${problem}`);
    }
  }
  const closing = await conversation.finish();
  if (closing) record(closing);
  return { turns, failures };
}

function userFrom(simulate: SimulateSettings | undefined): Partial<SimulatedUser> {
  return {
    ...(simulate?.email !== undefined ? { email: simulate.email } : {}),
    ...(simulate?.name !== undefined ? { givenName: simulate.name } : {}),
    ...(simulate?.emailPermission !== undefined ? { emailPermission: simulate.emailPermission } : {}),
  };
}

/** Replays one file through a running simulator, in the world its "simulate" key describes. */
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
  // Offline there is one skill, answering one skill ID: the file's names the deployed skill `ask dialog` would call.
  const conversation = simulator.converse({ locale, skillId: simulator.skillId });
  return { file, locale, ...(await replayUtterances(file, conversation, options)) };
}

/** Says what was not met, then `caveat`, then the verdict; returns the exit code. */
export function reportReplays(
  outcomes: readonly ReplayOutcome[],
  inform: (line: string) => void,
  caveat?: string,
): number {
  const failed = outcomes.filter((outcome) => outcome.failures.length > 0);
  for (const outcome of failed)
    for (const failure of outcome.failures) inform(`Not met in ${outcome.file.path}: ${failure}`);
  if (caveat) inform(caveat);
  if (failed.length > 0) {
    const count = failed.reduce((sum, outcome) => sum + outcome.failures.length, 0);
    inform(`${count} expectation(s) were not met, in ${failed.map((outcome) => outcome.file.path).join(', ')}.`);
    return 1;
  }
  const checked = outcomes.filter((outcome) => outcome.file.expect).length;
  inform(
    `Replayed ${outcomes.length} file(s)${checked > 0 ? `; every expectation of the ${checked} with an "expect" list was met` : ''}.`,
  );
  return 0;
}
