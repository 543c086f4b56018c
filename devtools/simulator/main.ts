// `npm start` and `npm run dialog -- --replay FILE`: talk to the skill offline, or replay a file,
// the way `ask dialog` does with the deployed one.

import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { SES_BEHAVIOURS } from '../../testkit/aws/ses/modes.ts';
import { matcherFor } from '../interaction-model/matcher.ts';
import { skillName } from '../interaction-model/skillPackage.ts';
import { type ReplayOutcome, replay, reportReplays } from './replay.ts';
import { type ReplayFile, ReplayFileError, readReplayFile, replayFileRefusal } from './replayFile.ts';
import type { Simulator } from './simulator.ts';
import { runTerminal, SESSION_COMMANDS } from './terminal.ts';
import { logLine, printTurn } from './transcript.ts';
import {
  DEFAULT_LOCALE,
  DEFAULT_USER,
  describeLimits,
  localSkillId,
  type SimulatedUser,
  WORLD_FLAGS,
  WORLD_FLAGS_USAGE,
  type WorldSettings,
  worldFromFlags,
} from './worldSettings.ts';

const USAGE = `Usage: npm start [-- options]                   talk to the skill in this terminal
       npm run dialog -- --replay FILE [options]   replay a file made for \`ask dialog --replay\`

Runs the built skill (dist/lambda/index.js, rebuilt when lambda/ changed) against a local
SES outbox, whose page shows each mail, and a local Customer Profile API for one simulated
user. Needs no AWS or Amazon account. With no terminal on standard input, reads the lines
to say from it and exits at its end. \`npm run console\` shows the same in a browser.

Options:
${WORLD_FLAGS_USAGE}
  --replay FILE           replay FILE and check its "expect" list; may be given more than once
                          (the file's locale, skillId and "simulate" apply unless the flags say
                          otherwise; the first file's skillId is the local skill's SKILL_ID)
  --json                  print one JSON object per turn (requests, responses, mails) instead of lines
  --logs                  also print the skill's own log lines, on standard error
  --keep-open             keep the outbox running after the input ends, to look at its page (Ctrl-C stops)
  -h, --help              show this help

Inside the session: ${SESSION_COMMANDS}
Exit status: 0 done, 1 an expectation was not met or the run failed, 2 a wrong option or a
replay file that cannot be replayed.`;

interface Settings extends WorldSettings {
  readonly replays: readonly string[];
  readonly json: boolean;
  readonly logs: boolean;
  readonly keepOpen: boolean;
}

/** The settings of the command line; undefined when it asked for --help (already printed). */
function readSettings(): Settings | undefined {
  const parsed = parseCommandLine(USAGE, {
    ...WORLD_FLAGS,
    replay: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    logs: { type: 'boolean', default: false },
    'keep-open': { type: 'boolean', default: false },
  });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(`Unexpected argument ${positionals[0]}: a file to replay comes after --replay.`);
  if (values.replay?.some((path) => !path.trim()))
    throw new UsageError('--replay needs a file, such as test/dialogs/en-US/launch.json.');
  return {
    ...worldFromFlags(values),
    replays: values.replay ?? [],
    json: values.json,
    logs: values.logs,
    keepOpen: values['keep-open'],
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const inform = (line: string) => process.stderr.write(`${line}\n`);

function describeUser(user: SimulatedUser): string {
  const email = user.email === null ? 'no email on the profile' : user.email;
  const name = user.givenName === null ? 'no given name' : `given name ${user.givenName}`;
  return `${email}, ${name}, email permission ${user.emailPermission ? 'granted' : 'not granted'}`;
}

async function talk(simulator: Simulator, settings: Settings, skillId: string): Promise<number> {
  const locale = settings.locale ?? DEFAULT_LOCALE;
  const matcher = matcherFor(locale);
  const interactive = Boolean(process.stdin.isTTY);
  const [oneShot, launch] = matcher.examples();
  inform('');
  inform(
    `${skillName(locale) ?? matcher.invocationName}, offline, in ${locale}. The local SES outbox shows every mail at ${simulator.outboxUrl}`,
  );
  inform(`Simulated user: ${describeUser(simulator.user)}.`);
  inform(describeLimits(simulator.limit, settings.hosted === true));
  inform(`Try saying: ${oneShot}`);
  inform(`        or: ${launch}`);
  inform(interactive ? 'Type .quit or press Ctrl-D to leave.\n' : 'Reading what to say from standard input.\n');

  const conversation = simulator.converse({ locale, skillId });
  await runTerminal({
    input: process.stdin,
    output: process.stdout,
    messages: process.stderr,
    interactive,
    conversation,
    skillId,
    json: settings.json,
    logs: settings.logs,
  });
  return 0;
}

async function replayAll(simulator: Simulator, files: readonly ReplayFile[], settings: Settings): Promise<number> {
  const outcomes: ReplayOutcome[] = [];
  for (const file of files) {
    const locale = settings.locale ?? file.locale;
    (settings.json ? inform : say)(`Replaying ${file.path} (${locale})`);
    outcomes.push(
      await replay(simulator, file, {
        ...(settings.locale ? { locale: settings.locale } : {}),
        user: settings.user,
        ...(settings.ses ? { ses: SES_BEHAVIOURS[settings.ses] } : {}),
        onTurn: (turn) => printTurn(turn, { say, inform, echoUser: true, json: settings.json, logs: settings.logs }),
        inform,
      }),
    );
    if (!settings.json) say('');
  }
  return reportReplays(outcomes, inform);
}

runCommand(USAGE, 'The dialog simulator stopped', async () => {
  const settings = readSettings();
  if (!settings) return 0;
  let files: ReplayFile[];
  try {
    files = settings.replays.map((path) => readReplayFile(path));
  } catch (error) {
    if (!(error instanceof ReplayFileError)) throw error;
    inform(replayFileRefusal(error));
    return 2;
  }

  const skillId = await localSkillId(settings, files[0]?.skillId);
  // Loaded once the command line and the files are known to be good: the servers and the skill's
  // build bring most of the code, which --help and a usage mistake do not need.
  const { startSimulator } = await import('./simulator.ts');
  const simulator = await startSimulator({
    skillId,
    user: { ...DEFAULT_USER, ...settings.user },
    ...(settings.ses ? { ses: SES_BEHAVIOURS[settings.ses] } : {}),
    ...(settings.limit !== undefined ? { limit: settings.limit } : {}),
    ...(settings.bundleDir ? { bundleDir: settings.bundleDir } : {}),
    ...(settings.hosted ? { hosted: true } : {}),
    progress: inform,
  });
  try {
    if (settings.logs) for (const line of simulator.lambda.coldStartLogs) inform(logLine(line));
    const code =
      files.length > 0 ? await replayAll(simulator, files, settings) : await talk(simulator, settings, skillId);
    if (settings.keepOpen) {
      // The handler is in place before the line that invites Ctrl-C: a SIGINT that beats it would
      // kill the process with 130. It stays in place while the servers close, because under npm a
      // Ctrl-C arrives twice: from the terminal, and relayed by npm.
      const interrupted = new Promise<void>((resolve) => process.on('SIGINT', () => resolve()));
      inform(`The outbox stays open at ${simulator.outboxUrl}; press Ctrl-C to stop.`);
      await interrupted;
    }
    return code;
  } finally {
    await simulator.close();
  }
});
