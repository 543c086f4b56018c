// The interactive session, a line at a time as `ask dialog` runs it: with its `User  > ` prompt on a
// terminal; from a pipe (CI), echoing each line so that the transcript reads the same.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { CapturedMail } from '../../testkit/aws/ses/standIn.ts';
import type { Conversation, Turn } from './conversation.ts';
import { isCommand } from './replayFile.ts';
import { mailLines, printTurn } from './transcript.ts';

export const PROMPT = 'User  > ';

/** What `.help` prints, and the usage text repeats. */
export const SESSION_COMMANDS = `.record FILE [--append-quit] saves what you said as a replay file;
.mail shows the last mail the skill sent (headers, text part, attachments); .help lists these;
.quit (or Ctrl-D) leaves.`;

interface TerminalOptions {
  readonly input: NodeJS.ReadableStream;
  /** The conversation goes here (standard output). */
  readonly output: NodeJS.WritableStream;
  /** Everything else: confirmations, the skill's logs (standard error). */
  readonly messages: NodeJS.WritableStream;
  /** True on a terminal: prompt, and do not echo what the user typed. */
  readonly interactive: boolean;
  readonly conversation: Conversation;
  readonly skillId: string;
  readonly json?: boolean;
  readonly logs?: boolean;
}

const RECORD_FORMAT = 'Please use the format: ".record <fileName>" or ".record <fileName> --append-quit"';

export async function runTerminal(options: TerminalOptions): Promise<void> {
  const { conversation, interactive, output, messages } = options;
  const utterances: string[] = [];
  let lastMail: CapturedMail | undefined;
  const reader = createInterface({
    input: options.input,
    ...(interactive ? { output, prompt: PROMPT, terminal: true } : { terminal: false }),
  });
  reader.on('SIGINT', () => reader.close());

  const show = (turn: Turn) =>
    printTurn(turn, {
      say: (line) => output.write(`${line}\n`),
      inform: (line) => messages.write(`${line}\n`),
      echoUser: !interactive,
      json: options.json ?? false,
      logs: options.logs ?? false,
    });
  const tell = (line: string) => (options.json ? messages : output).write(`${line}\n`);

  const record = (argumentsText: string) => {
    const [path, flag, ...extra] = argumentsText.trim().split(/\s+/).filter(Boolean);
    if (!path || extra.length > 0 || (flag !== undefined && flag !== '--append-quit')) {
      tell(`Incorrect format. ${RECORD_FORMAT}`);
      return;
    }
    const userInput = flag ? [...utterances, '.quit'] : [...utterances];
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      `${JSON.stringify({ skillId: options.skillId, locale: conversation.locale, type: 'text', userInput }, null, 2)}\n`,
    );
    tell(`Created replay file at ${path}${flag ? ' (appended ".quit" to list of utterances).' : ''}`);
  };

  const showLastMail = () => {
    if (!lastMail) tell('The skill has sent no mail yet in this session.');
    else for (const line of mailLines(lastMail)) tell(line);
  };

  if (interactive) reader.prompt();
  for await (const raw of reader) {
    const line = raw.trim();
    const [command] = line.split(/\s/, 1);
    if (command === '.quit') break;
    if (command === '.record') record(line.slice('.record'.length));
    else if (command === '.mail') showLastMail();
    else if (command === '.help') tell(SESSION_COMMANDS);
    else if (isCommand(line)) tell(`Unknown command ${line}: use .record FILE, .mail, .help or .quit.`);
    else if (line) {
      utterances.push(line);
      const turn = await conversation.say(line);
      lastMail = turn.mails.at(-1) ?? lastMail;
      show(turn);
    }
    if (interactive) reader.prompt();
  }
  reader.close();
  const closing = await conversation.finish();
  if (closing) show(closing);
}
