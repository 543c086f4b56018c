// Runs the SMAPI commands of the ASK CLI installed with the project (ask-cli 2.x, a devDependency),
// the same program `npx ask smapi` starts, and turns its failures into one sentence.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { PROJECT_ROOT } from '../../ops/paths.ts';

// `ask smapi …` only loads every other ask command and then starts this program in a second
// process; starting it directly saves that process on every call (about 1.3 s of CPU each here).
const ASK_SMAPI = join(PROJECT_ROOT, 'node_modules/ask-cli/dist/bin/ask-smapi.js');

export class AskCliError extends Error {
  override readonly name = 'AskCliError';
}

// ask-cli 2.x drops SMAPI's error body and reports only the HTTP status: say what it usually means.
const STATUS_HINTS: Record<string, string> = {
  '400': 'SMAPI refused the request',
  '401': 'the ASK CLI sign-in is no longer valid: run `npx ask configure` again',
  '403': 'this Amazon developer account may not use that skill: check --profile and --skill-id',
  '404':
    'SMAPI knows no such skill or simulation: check --skill-id, and that `npx ask deploy` has enabled the skill for testing',
  '429': 'SMAPI is throttling: wait a minute and run again',
};

/** ask-cli writes "[Error]: message" or "[Error]: {"message": …, "stack": …}"; keep what a person needs. */
export function askErrorSentence(stderr: string, stdout: string): string {
  const text = stripVTControlCharacters(`${stderr}\n${stdout}`);
  const lines = text.split('\n');
  const marked = lines.findIndex((line) => line.startsWith('[Error]:'));
  const rest =
    marked >= 0
      ? lines
          .slice(marked)
          .join(' ')
          .replace(/^\[Error\]:\s*/, '')
      : text;
  const message = (rest.match(/"message"\s*:\s*"((?:[^"\\]|\\.)*)"/)?.[1] ?? rest).replace(/\s+/g, ' ').trim();
  const hint = STATUS_HINTS[message.match(/status code (\d{3})/)?.[1] ?? ''];
  if (!message) return 'the ASK CLI failed without a message';
  return hint ? `${hint} (${message})` : message;
}

export type AskRunner = (args: readonly string[]) => Promise<string>;

/** Runs `ask smapi ARGS`; resolves with its standard output, rejects with AskCliError. */
export function askSmapi(env: NodeJS.ProcessEnv = process.env): AskRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [ASK_SMAPI, ...args],
        { env, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) reject(new AskCliError(askErrorSentence(stderr, stdout)));
          else resolve(stdout);
        },
      );
    });
}
