// `npm run simulate:cloud -- FILE…`: replays dialog files against the deployed skill through the
// ASK CLI, checked and printed as the offline `npm run dialog -- --replay FILE` does.

import { ASK_STATES_FILE, readSkillId } from '../../ops/askStates.ts';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import type { Turn } from '../simulator/conversation.ts';
import { unmetExpectations } from '../simulator/expectations.ts';
import { type ReplayOutcome, replayUtterances, reportReplays } from '../simulator/replay.ts';
import {
  type Expectation,
  type ReplayFile,
  ReplayFileError,
  readReplayFile,
  replayFileRefusal,
} from '../simulator/replayFile.ts';
import { printTurn } from '../simulator/transcript.ts';
import { askSmapi } from './askCli.ts';
import { findAskProfile } from './askProfile.ts';
import { startCloudConversation } from './cloudConversation.ts';

const USAGE = `Usage: npm run simulate:cloud -- FILE... [--skill-id ID] [--profile NAME] [--stage STAGE]

Replays each dialog file (the format of \`ask dialog --replay\`, e.g. test/dialogs/*.json)
against the deployed skill through the ASK CLI (ask smapi simulate-skill), checks its
"expect" list and prints the lines the offline \`npm run dialog -- --replay FILE\` prints.
Mails go to the account's real inbox: their count is not checked here. Files with a
"simulate" key describe a local world (no email on the profile, SES failures) and are
refused: replay them offline.

Needs \`npx ask configure\` (an Amazon developer account) and \`npx ask deploy\`.

Options:
  --skill-id ID   the skill to simulate (default: .ask/ask-states.json of the profile)
  --profile NAME  the ASK CLI profile (default: as ask itself chooses, usually "default")
  --stage STAGE   development or live (default: development)
  -h, --help      show this help

Exit status: 0 every expectation met, 1 one was not or the simulation failed, 2 a wrong
option or a refused file.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const inform = (line: string) => process.stderr.write(`${line}\n`);

function withoutMails({ mails: _mails, ...rest }: Expectation): Expectation {
  return rest;
}

function readFiles(paths: readonly string[]): ReplayFile[] | string {
  const files: ReplayFile[] = [];
  for (const path of paths) {
    let file: ReplayFile;
    try {
      file = readReplayFile(path);
    } catch (error) {
      if (error instanceof ReplayFileError) return replayFileRefusal(error);
      throw error;
    }
    if (file.simulate) {
      return `${path} sets up a simulated world ("simulate"), which the deployed skill cannot reproduce: replay it offline with \`npm run dialog -- --replay ${path}\`.`;
    }
    files.push(file);
  }
  return files;
}

runCommand(USAGE, 'The cloud simulation stopped', async () => {
  const parsed = parseCommandLine(USAGE, {
    'skill-id': { type: 'string' },
    profile: { type: 'string' },
    stage: { type: 'string' },
  });
  if (!parsed) return 0;
  if (parsed.positionals.length === 0)
    throw new UsageError('Give the dialog file(s) to replay, for example test/dialogs/en-US/launch.json.');
  const stage = parsed.values.stage ?? 'development';
  if (stage !== 'development' && stage !== 'live')
    throw new UsageError(`--stage must be development or live, not "${stage}".`);

  const files = readFiles(parsed.positionals);
  if (typeof files === 'string') {
    inform(files);
    return 2;
  }
  const profile = await findAskProfile(parsed.values.profile);
  if ('problem' in profile) {
    inform(profile.problem);
    return 1;
  }
  let skillId = parsed.values['skill-id'];
  if (!skillId) {
    const found = await readSkillId(ASK_STATES_FILE, profile.name);
    if ('reason' in found) {
      inform(
        `There is no deployed skill to simulate (${found.reason}): run \`npx ask deploy\` first, or pass --skill-id.`,
      );
      return 1;
    }
    skillId = found.skillId;
  }
  inform(`Simulating on the deployed skill ${skillId} (${stage}) with the ASK CLI profile "${profile.name}".`);

  const ask = askSmapi();
  let uncheckedMails = 0;
  const checkWhatTheCloudShows = (turn: Turn, expectation: Expectation) => {
    if (expectation.mails !== undefined) uncheckedMails++;
    return unmetExpectations(turn, withoutMails(expectation));
  };
  const outcomes: ReplayOutcome[] = [];
  for (const file of files) {
    say(`Replaying ${file.path} (${file.locale})`);
    const conversation = startCloudConversation(ask, { skillId, locale: file.locale, stage, profile: profile.name });
    const replayed = await replayUtterances(file, conversation, {
      onTurn: (turn) => printTurn(turn, { say, inform, echoUser: true }),
      inform,
      check: checkWhatTheCloudShows,
    });
    outcomes.push({ file, locale: file.locale, ...replayed });
    say('');
  }
  return reportReplays(
    outcomes,
    inform,
    uncheckedMails > 0
      ? `Not checked in the cloud: the mail count of ${uncheckedMails} turn(s); the mails go to the account's inbox.`
      : undefined,
  );
});
