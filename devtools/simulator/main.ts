// `npm start` and `npm run dialog -- --replay FILE`: talk to the skill offline, or replay a file,
// the way `ask dialog` does with the deployed one.

import { ASK_STATES_FILE, readSkillId } from '../../ops/askStates.ts';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { LOCAL_SKILL_ID } from '../../testkit/envelopes.ts';
import { isSesBehaviourName, SES_BEHAVIOURS, type SesBehaviour } from '../../testkit/ses/standIn.ts';
import { matcherFor } from '../interaction-model/matcher.ts';
import { skillLocales, skillName } from '../interaction-model/skillPackage.ts';
import { type ReplayOutcome, replay, reportReplays } from './replay.ts';
import { type ReplayFile, ReplayFileError, readReplayFile } from './replayFile.ts';
import { DEFAULT_USER, type SimulatedUser, type Simulator, startSimulator } from './simulator.ts';
import { runTerminal } from './terminal.ts';
import { logLine, printTurn } from './transcript.ts';

const USAGE = `Usage: npm start [-- options]                   talk to the skill in this terminal
       npm run dialog -- --replay FILE [options]   replay a file made for \`ask dialog --replay\`

Runs the built skill (dist/lambda/index.js, rebuilt when lambda/ changed) against a local
SES outbox, whose page shows each mail, and a local Customer Profile API for one simulated
user. Needs no AWS or Amazon account. With no terminal on standard input, reads the lines
to say from it and exits at its end.

Options:
  --locale LOCALE         ${skillLocales().join(' or ')} (default: en-US; with --replay, the file's locale)
  --email ADDRESS         the simulated user's profile email (default: ${DEFAULT_USER.email})
  --name NAME             the simulated user's given name (default: ${DEFAULT_USER.givenName})
  --no-email              the profile has no email address
  --no-email-permission   the user has not granted the skill the email permission
  --ses BEHAVIOUR         how the local SES answers (default: accept): ${Object.keys(SES_BEHAVIOURS).join(', ')}
  --skill-id ID           the local skill's SKILL_ID and the ID in every request (default: the first
                          replayed file's skillId, else .ask/ask-states.json, else a local ID)
  --replay FILE           replay FILE and check its "expect" list; may be given more than once
  --json                  print one JSON object per turn (requests, responses, mails) instead of lines
  --logs                  also print the skill's own log lines, on standard error
  --keep-open             keep the outbox running after the input ends, to look at its page (Ctrl-C stops)
  --bundle-dir DIR        build and load the skill bundle in DIR (default: dist/lambda)
  -h, --help              show this help

Inside the session, ".quit" leaves and ".record FILE [--append-quit]" saves what you said
as a replay file. Exit status: 0 done, 1 an expectation was not met or the run failed,
2 a wrong option or a replay file \`ask dialog\` would refuse.`;

interface Settings {
  readonly locale?: string;
  readonly user: Partial<SimulatedUser>;
  readonly ses?: SesBehaviour;
  readonly skillId?: string;
  readonly replays: readonly string[];
  readonly json: boolean;
  readonly logs: boolean;
  readonly keepOpen: boolean;
  readonly bundleDir?: string;
}

/** The settings of the command line; undefined when it asked for --help (already printed). */
function readSettings(): Settings | undefined {
  const parsed = parseCommandLine(USAGE, {
    locale: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    'no-email': { type: 'boolean', default: false },
    'no-email-permission': { type: 'boolean', default: false },
    ses: { type: 'string' },
    'skill-id': { type: 'string' },
    replay: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    logs: { type: 'boolean', default: false },
    'keep-open': { type: 'boolean', default: false },
    'bundle-dir': { type: 'string' },
  });
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(`Unexpected argument ${positionals[0]}: a file to replay comes after --replay.`);
  if (values.locale !== undefined && !skillLocales().includes(values.locale)) {
    throw new UsageError(`Locale ${values.locale} was not found for your skill: use ${skillLocales().join(' or ')}.`);
  }
  if (values.email !== undefined && values['no-email'])
    throw new UsageError('--email and --no-email contradict each other: give one.');
  if (values.ses !== undefined && !isSesBehaviourName(values.ses)) {
    throw new UsageError(
      `--ses ${values.ses} is not a behaviour: use one of ${Object.keys(SES_BEHAVIOURS).join(', ')}.`,
    );
  }
  const user: Partial<SimulatedUser> = {
    ...(values.email !== undefined ? { email: values.email } : {}),
    ...(values['no-email'] ? { email: null } : {}),
    ...(values.name !== undefined ? { givenName: values.name } : {}),
    ...(values['no-email-permission'] ? { emailPermission: false } : {}),
  };
  return {
    ...(values.locale !== undefined ? { locale: values.locale } : {}),
    user,
    ...(values.ses !== undefined && isSesBehaviourName(values.ses) ? { ses: SES_BEHAVIOURS[values.ses] } : {}),
    ...(values['skill-id'] !== undefined ? { skillId: values['skill-id'] } : {}),
    replays: values.replay ?? [],
    json: values.json,
    logs: values.logs,
    keepOpen: values['keep-open'],
    ...(values['bundle-dir'] !== undefined ? { bundleDir: values['bundle-dir'] } : {}),
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
  const locale = settings.locale ?? 'en-US';
  const matcher = matcherFor(locale);
  const interactive = Boolean(process.stdin.isTTY);
  const [oneShot, launch] = matcher.examples();
  inform('');
  inform(
    `${skillName(locale) ?? matcher.invocationName}, offline, in ${locale}. The local SES outbox shows every mail at ${simulator.outboxUrl}`,
  );
  inform(`Simulated user: ${describeUser(simulator.user)}.`);
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
        ...(settings.ses ? { ses: settings.ses } : {}),
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
    inform(`The replay file was refused: ${error.message}`);
    return 2;
  }

  // The skill answers one skill ID, as in Lambda (its SKILL_ID): --skill-id, else the first replayed
  // file's, else the deployed skill's (which `ask deploy` recorded), else the local placeholder ID.
  const skillId =
    settings.skillId ?? files[0]?.skillId ?? (await readSkillId(ASK_STATES_FILE, 'default')).skillId ?? LOCAL_SKILL_ID;
  const simulator = await startSimulator({
    skillId,
    user: { ...DEFAULT_USER, ...settings.user },
    ...(settings.ses ? { ses: settings.ses } : {}),
    ...(settings.bundleDir ? { bundleDir: settings.bundleDir } : {}),
    progress: inform,
  });
  try {
    if (settings.logs) for (const line of simulator.lambda.coldStartLogs) inform(logLine(line));
    const code =
      files.length > 0 ? await replayAll(simulator, files, settings) : await talk(simulator, settings, skillId);
    if (settings.keepOpen) {
      inform(`The outbox stays open at ${simulator.outboxUrl}; press Ctrl-C to stop.`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return code;
  } finally {
    await simulator.close();
  }
});
