// The terminal session, driven the way a user or CI drives it: `npm start` with lines on
// standard input, `npm run dialog -- --replay FILE`, their options, output and exit codes.
// A few runs go through npm and tsx, the user's own path; the rest run main.ts as bundled once for
// the run (test/builtCommands.ts), the same code without tsx compiling it again in every child
// (about 1 s of CPU each).

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../devtools/simulator/simulator.ts';
import { PROMPT, runTerminal } from '../../../devtools/simulator/terminal.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';
import { builtCommand } from '../../helpers/tsxCommand.ts';

let scratch: string;
// Each run is its own process group, as a shell starts it, so Ctrl-C (SIGINT to the group) reaches npm and the simulator alike.
const running = new Set<number>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dialog-terminal-'));
});
afterAll(async () => {
  // A run a failed test left waiting must not outlive the suite.
  for (const group of running) process.kill(-group, 'SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

type Launcher = 'start' | 'dialog' | 'start-without-dashes' | 'dialog-without-dashes' | 'built';

const LAUNCHERS: Record<Exclude<Launcher, 'built'>, string[]> = {
  start: ['npm', 'start', '--silent', '--'],
  dialog: ['npm', 'run', '--silent', 'dialog', '--'],
  // As a user forgets the --: npm then takes the options for itself.
  'start-without-dashes': ['npm', 'start', '--silent'],
  'dialog-without-dashes': ['npm', 'run', '--silent', 'dialog'],
};

/** `npm start -- ARGS`, `npm run dialog -- ARGS` or the bundled script, with INPUT piped to standard input. */
function launch(
  launcher: Launcher,
  args: string[],
  input = '',
  onStderr?: (text: string, interrupt: () => void) => void,
): Promise<Run> {
  // The bundled script is also what Ctrl-C is tried on: npm's shell (sh -c) dies of the SIGINT the
  // terminal sends the whole group, so npm's own exit status is the signal's whatever the simulator does.
  const built = builtCommand('devtools/simulator/main.ts');
  const [command = 'npm', ...prefix] = launcher === 'built' ? [built.command, ...built.args] : LAUNCHERS[launcher];
  const bundle = launcher.endsWith('-without-dashes') ? [] : ['--bundle-dir', skillBundleDir()];
  const child = spawn(command, [...prefix, ...args, ...bundle], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
    detached: true,
  });
  const group = child.pid ?? 0;
  running.add(group);
  const interrupt = () => process.kill(-group, 'SIGINT');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    onStderr?.(stderr, interrupt);
  });
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      running.delete(group);
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter((line) => line.length > 0) });
    }),
  );
}

// One Japanese session serves the test of its answer and the test of its .mail: both are about what
// it prints, and each start of the simulator costs about a second of CPU.
let japaneseSession: Promise<Run> | undefined;
function japaneseRequestThenMail(): Promise<Run> {
  japaneseSession ??= launch('built', ['--locale', 'ja-JP'], 'メールセンダーでメールを送って\n.mail\n');
  return japaneseSession;
}

describe('npm start with lines on standard input', () => {
  it('answers "ask mail sender to send me an email" with Alexa’s words and the mail it sent, then exits', async () => {
    const run = await launch('start', [], 'ask mail sender to send me an email\n');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /Mail Sender, offline, in en-US\. The local SES outbox shows every mail at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(run.stderr).toContain('Try saying: ask mail sender to send me an email');
    expect(run.stderr).toContain('        or: open mail sender');
    expect(run.lines).toEqual([
      'User  > ask mail sender to send me an email',
      'Email > to=you@example.com subject="A message from Mail Sender"',
      'Alexa > Done. I sent an email to your address that starts with y, at example.com.',
      'Card  > Simple "Email sent": Sent to y***@example.com. Check your inbox, and your spam folder the first time.',
      'Session ended',
    ]);
  });

  it("counts the mails of the session's user against --limit, and sends a repeated one once", async () => {
    const run = await launch(
      'built',
      ['--limit', '2', '--logs'],
      [
        'send me an email saying buy milk',
        'send me an email saying buy milk',
        'send me an email saying call mom',
        'send me an email saying water the plants',
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'Abuse limits: at most 2 mails a day per Alexa user (a UTC day), counted in memory; the same mail asked again within a minute is sent once.',
    );
    expect(run.lines.filter((line) => line.startsWith('Alexa > '))).toEqual([
      'Alexa > Done. I sent an email to your address that starts with y, at example.com, with your note: buy milk.',
      "Alexa > I sent you that email a moment ago, so I won't send it twice. Check your inbox, and your spam folder. If it hasn't arrived, ask me again in a minute.",
      'Alexa > Done. I sent an email to your address that starts with y, at example.com, with your note: call mom.',
      expect.stringMatching(
        /^Alexa > Sorry, you've reached today's limit of 2 emails\. You can ask again in (a minute|\d+ minutes|an hour|\d+ hours) or less\.$/,
      ),
    ]);
    expect(run.lines.filter((line) => line.startsWith('Email > '))).toHaveLength(2);
    expect(run.stderr).toMatch(/^Log {3}> \{"level":"info","event":"mail-limit-reached".*"cap":2/m);
  });

  it('speaks Japanese with --locale ja-JP', async () => {
    const run = await japaneseRequestThenMail();
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('メールセンダー, offline, in ja-JP.');
    expect(run.stderr).toContain('Try saying: メールセンダーでメールを送って');
    expect(run.lines.slice(0, 3)).toEqual([
      'User  > メールセンダーでメールを送って',
      'Email > to=you@example.com subject="メールセンダーからのメール"',
      'Alexa > 送信しました。example.com の、y で始まるあなたのアドレスにメールを送りました。',
    ]);
  });

  it('holds a conversation across lines, and takes the simulated user from the options', async () => {
    const run = await launch(
      'built',
      ['--email', 'sam@example.org', '--name', 'Sam', '--logs'],
      'open mail sender\nhelp\nsend me an email saying call mom\n',
    );
    expect(run.code).toBe(0);
    // The skill's own log lines: on standard error with --logs, never in the conversation.
    expect(run.stderr).toMatch(/^Log {3}> \{"level":"info","event":"mail-sent".*"to":"s\*\*\*@example\.org"/m);
    expect(run.lines.every((line) => /^(User |Alexa|Email|Card |Session ended)/.test(line))).toBe(true);
    expect(run.stderr).toContain('Simulated user: sam@example.org, given name Sam, email permission granted.');
    expect(run.lines.filter((line) => line.startsWith('User  > '))).toEqual([
      'User  > open mail sender',
      'User  > help',
      'User  > send me an email saying call mom',
    ]);
    expect(run.lines).toContain('Email > to=sam@example.org subject="Your note from Mail Sender"');
    expect(run.lines.at(-1)).toBe('Session ended');
  });

  it('lists its commands on .help, and shows the last mail on .mail', async () => {
    const run = await launch(
      'built',
      [],
      'open mail sender\n.help\n.mail\nsend me an email saying buy milk\n.mail\n.frobnicate\n',
    );
    expect(run.code).toBe(0);
    const afterWelcome = run.lines.slice(run.lines.findIndex((line) => line.startsWith('Alexa > Welcome')) + 1);
    expect(afterWelcome.slice(0, 4)).toEqual([
      '.record FILE [--append-quit] saves what you said as a replay file;',
      '.mail shows the last mail the skill sent (headers, text part, attachments); .help lists these;',
      '.quit (or Ctrl-D) leaves.',
      'The skill has sent no mail yet in this session.',
    ]);
    const mail = run.lines.slice(run.lines.indexOf('Session ended') + 1);
    expect(mail.slice(0, 5)).toEqual([
      'From:     "Mail Sender" <mail-sender@example.com>',
      'To:       you@example.com',
      'Subject:  Your note from Mail Sender',
      'Attached: note.txt (text/plain, 8 bytes)',
      'Hi Alex,',
    ]);
    expect(mail).toContain('buy milk');
    expect(run.lines.at(-1)).toBe('Unknown command .frobnicate: use .record FILE, .mail, .help or .quit.');
  });

  it('shows a Japanese sender’s name on .mail as a mail reader does, not as the encoded word sent', async () => {
    // Without a note the skill sends with SendEmail, whose Source carries the name RFC 2047-encoded.
    const run = await japaneseRequestThenMail();
    expect(run.code).toBe(0);
    const mail = run.lines.slice(run.lines.indexOf('Session ended') + 1);
    expect(mail.slice(0, 3)).toEqual([
      'From:     "メールセンダー" <mail-sender@example.com>',
      'To:       you@example.com',
      'Subject:  メールセンダーからのメール',
    ]);
  });

  it('shows the consent card when the permission is withheld', async () => {
    const run = await launch('built', ['--no-email-permission'], 'ask mail sender to send me an email\n');
    expect(run.lines).toContain(
      'Card  > AskForPermissionsConsent: alexa::profile:email:read, alexa::profile:given_name:read',
    );
    expect(run.lines.some((line) => line.startsWith('Email > '))).toBe(false);
  });

  it('keeps the outbox open with --keep-open, its page holds the mail, and Ctrl-C stops it cleanly', async () => {
    let page: { html: string; subjects: string[] } | undefined;
    const run = await launch(
      'built',
      ['--keep-open'],
      'ask mail sender to send me an email saying buy milk\n',
      (stderr, interrupt) => {
        const url = /The outbox stays open at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
        if (!url || page) return;
        page = { html: '', subjects: [] };
        void (async () => {
          page.html = await (await fetch(url)).text();
          page.subjects = (
            (await (await fetch(`${url}/store`)).json()) as { emails: { subject: string }[] }
          ).emails.map((mail) => mail.subject);
          interrupt();
        })();
      },
    );
    expect(run.code).toBe(0);
    expect(page?.html).toContain('aws-ses-v2-local');
    expect(page?.subjects).toEqual(['Your note from Mail Sender']);
  });

  it('prints one JSON object per turn with --json', async () => {
    const run = await launch('built', ['--json'], 'open mail sender\nsend me an email\n');
    expect(run.code).toBe(0);
    const turns = run.lines.map(
      (line) =>
        JSON.parse(line) as {
          user: string | null;
          exchanges: { request: { request: { type: string } } }[];
          mails: unknown[];
          speech?: string;
        },
    );
    expect(turns.map((turn) => turn.user)).toEqual(['open mail sender', 'send me an email']);
    expect(turns.map((turn) => turn.exchanges.map((exchange) => exchange.request.request.type))).toEqual([
      ['LaunchRequest'],
      ['IntentRequest'],
    ]);
    expect(turns.map((turn) => turn.mails.length)).toEqual([0, 1]);
  });
});

describe('npm run dialog -- --replay FILE', () => {
  it('replays what .record saved in a session, and the file meets its expectations', async () => {
    const recorded = join(scratch, 'recorded.json');
    const session = await launch(
      'built',
      [],
      `open mail sender\nsend me an email\n.record ${recorded} --append-quit\n`,
    );
    expect(session.lines).toContain(`Created replay file at ${recorded} (appended ".quit" to list of utterances).`);
    const file = JSON.parse(await readFile(recorded, 'utf8')) as { userInput: string[]; locale: string; type: string };
    expect(file).toMatchObject({
      locale: 'en-US',
      type: 'text',
      userInput: ['open mail sender', 'send me an email', '.quit'],
    });

    const replayed = await launch('built', ['--replay', recorded]);
    expect(replayed.code).toBe(0);
    expect(replayed.lines).toEqual([
      `Replaying ${recorded} (en-US)`,
      ...session.lines.filter((line) => !line.startsWith('Created replay file')),
    ]);
  });

  it('replays both locales of test/dialogs in one run', async () => {
    const run = await launch('built', [
      '--replay',
      'test/dialogs/en-US/note.json',
      '--replay',
      'test/dialogs/ja-JP/note.json',
    ]);
    expect(run.code).toBe(0);
    expect(run.lines).toContain('Replaying test/dialogs/ja-JP/note.json (ja-JP)');
    expect(run.lines).toContain('User  > 卵を買う、とメールして。');
    expect(run.stderr).toContain('Replayed 2 file(s); every expectation of the 2 with an "expect" list was met.');
  });

  it('exits 1 and says which turn differs when an expectation is not met', async () => {
    const path = join(scratch, 'unmet.json');
    await writeFile(
      path,
      JSON.stringify({
        skillId: 'amzn1.ask.skill.x',
        locale: 'en-US',
        type: 'text',
        userInput: ['open mail sender'],
        expect: [{ speech: '^Goodbye' }],
      }),
    );
    const run = await launch('built', ['--replay', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Not met in .*unmet\.json: turn 1 \("open mail sender"\): Alexa said "Welcome to Mail Sender\..*", which does not match \/\^Goodbye\//,
    );
    expect(run.stderr).toContain('1 expectation(s) were not met');
  });

  it.each([
    ['nope.json', 'There is no replay file at nope.json.'],
    [
      'test/dialogs/ja-JP',
      'test/dialogs/ja-JP is a folder: give a replay file, such as test/dialogs/ja-JP/fallback.json.',
    ],
  ])('says in a sentence why it cannot read --replay %s, and exits 2', async (path, sentence) => {
    const run = await launch('built', ['--replay', path]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(sentence);
  });

  it('says where -- goes when npm took --replay for itself (npm run dialog --replay FILE)', async () => {
    const run = await launch('dialog-without-dashes', ['--replay', 'test/dialogs/en-US/launch.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'npm took --replay for itself: put -- between npm run dialog and the options, as in npm run dialog -- --replay VALUE.',
    );
    // Not the misleading sentence about the file npm passed on alone.
    expect(run.stderr).not.toContain('Unexpected argument');
  });

  it('refuses a file ask dialog would refuse, with the same reason, and exits 2', async () => {
    const path = join(scratch, 'empty-input.json');
    await writeFile(
      path,
      JSON.stringify({
        skillId: 'amzn1.ask.skill.x',
        locale: 'en-US',
        type: 'text',
        userInput: ['open mail sender', ' '],
      }),
    );
    const run = await launch('built', ['--replay', path]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `The replay file ${path} was refused: Replay file's userInput cannot contain empty string.`,
    );
  });

  it('names the file and ends the sentence when a JSON file is no replay file', async () => {
    const run = await launch('built', ['--replay', 'package.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('The replay file package.json was refused: Replay file must contain skillId.\n');
  });

  it('says in one line why a file is not JSON', async () => {
    const path = join(scratch, 'not-json.json');
    await writeFile(path, 'not json\n');
    const run = await launch('built', ['--replay', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `The replay file ${path} is not JSON: Unexpected token 'o', "not json\\n" is not valid JSON.\n`,
    );
  });

  it('says where -- goes as npm start, not npm run start, when npm took a flag (npm start --locale ja-JP)', async () => {
    const run = await launch('start-without-dashes', ['--locale', 'ja-JP']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'npm took --locale for itself: put -- between npm start and the options, as in npm start -- --locale VALUE.',
    );
  });

  it('catches a forgotten -- before a boolean flag too (npm start --no-email-permission), and sends no mail', async () => {
    const run = await launch(
      'start-without-dashes',
      ['--no-email-permission'],
      'ask mail sender to send me an email\n',
    );
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'npm took --no-email-permission for itself: put -- between npm start and the options, as in npm start -- --no-email-permission.',
    );
    expect(run.stdout).not.toContain('Email >');
  });

  it('shows the usage line of npm run dialog, not npm start’s, after a mistake in npm run dialog', async () => {
    const run = await launch('dialog', ['--replay']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/^--replay needs a value/);
    expect(run.stderr).toContain(
      '\nUsage: npm run dialog -- --replay FILE [options]\nAdd --help to see every option.\n',
    );
    expect(run.stderr).not.toContain('npm start');
  });
});

// Every sentence of the world flags is held in test/unit/simulator/world.test.ts; here, that each
// kind of mistake reaches the user as one line and exit status 2.
describe.concurrent('usage', () => {
  it.each([
    [['--locale', 'fr-FR'], '--locale: fr-FR is not a locale of the skill: use en-US or ja-JP.'],
    [['--email', 'notanemail'], '--email: "notanemail" is not an email address, such as you@example.com.'],
    [
      ['--email', '--name', 'Sam'],
      '--email needs a value before the next option (one that starts with - is written --email=-VALUE).',
    ],
    [['--replay', ''], '--replay needs a file, such as test/dialogs/en-US/launch.json.'],
    [['--limit', '-1'], '--limit: "-1" is not a whole number from 0 (no cap) to 10000.'],
    [['--frobnicate'], 'There is no option --frobnicate.'],
    [
      ['test/dialogs/en-US/launch.json'],
      'Unexpected argument test/dialogs/en-US/launch.json: a file to replay comes after --replay.',
    ],
  ])('%j exits 2 with one sentence and the usage', async (args, sentence) => {
    const run = await launch('built', args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(sentence);
    expect(run.stderr).toContain('Usage: npm start');
  });

  it('--help lists every option', async () => {
    const run = await launch('built', ['--help']);
    expect(run.code).toBe(0);
    for (const option of [
      '--locale',
      '--email',
      '--name',
      '--no-email',
      '--no-email-permission',
      '--ses',
      '--limit',
      '--skill-id',
      '--replay',
      '--json',
      '--logs',
      '--keep-open',
    ]) {
      expect(run.stdout).toContain(option);
    }
  });
});

describe('on a terminal', () => {
  it('prompts "User  > " before each line and prints Alexa’s answer', async () => {
    const simulator = await startSimulator({ bundleDir: skillBundleDir() });
    try {
      const input = new PassThrough();
      const output = new PassThrough();
      let printed = '';
      output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      // Resolves once the terminal has printed `text`, however long the skill takes to answer.
      const printedAtLast = (text: string) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!printed.includes(text)) return;
            output.off('data', check);
            resolve();
          };
          output.on('data', check);
          check();
        });
      const conversation = simulator.converse({ locale: 'en-US', skillId: LOCAL_SKILL_ID });
      const session = runTerminal({
        input,
        output,
        messages: new PassThrough(),
        interactive: true,
        conversation,
        skillId: LOCAL_SKILL_ID,
      });
      input.write('open mail sender\r');
      await printedAtLast('Alexa > Welcome to Mail Sender.');
      input.write('.quit\r');
      await session;
      // A prompt before the first line and before the next one.
      expect(printed.split(PROMPT).length).toBeGreaterThanOrEqual(3);
      expect(printed.indexOf(PROMPT)).toBeLessThan(printed.indexOf('Alexa > '));
      // The terminal shows what was typed as it is typed: the session adds no "User  >" line of its own.
      expect(printed.split('open mail sender').length).toBe(2);
      expect(printed).toContain('Session ended');
    } finally {
      await simulator.close();
    }
  });
});
