// The replay format: a file `ask dialog --replay` refuses is refused here with the same reason
// (checked against ask-cli's own code in node_modules), every dialog file of test/dialogs is
// one `ask dialog` accepts, and our own keys (expect, simulate) are checked.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseReplayFile,
  ReplayFileError,
  readReplayFile,
  replayFileRefusal,
} from '../../../devtools/simulator/replayFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';

// ask-cli 2.x: the validation `ask dialog --replay FILE` runs before it talks to Amazon.
interface AskDialogCommand {
  _resolvedArguments(
    cmd: { replay: string },
    profile: string,
  ): { userInputs: string[]; skillId: string; locale: string };
}
const { DialogCommand } = createRequire(import.meta.url)('ask-cli/dist/lib/commands/dialog/index.js') as {
  DialogCommand: new (smapiClient: unknown, optionModel: unknown) => AskDialogCommand;
};
const askDialog = new DialogCommand({}, {});

function askDialogRefusal(path: string): string | undefined {
  try {
    askDialog._resolvedArguments({ replay: path }, 'default');
    return undefined;
  } catch (error) {
    return typeof error === 'string' ? error : (error as Error).message;
  }
}

function ourRefusal(path: string): string | undefined {
  try {
    readReplayFile(path);
    return undefined;
  } catch (error) {
    if (!(error instanceof ReplayFileError)) throw error;
    return error.message;
  }
}

const folder = mkdtempSync(join(tmpdir(), 'replay-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fileWith(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

const valid = {
  skillId: 'amzn1.ask.skill.test',
  locale: 'en-US',
  type: 'text',
  userInput: ['open mail sender', 'help'],
};

describe('a file ask dialog refuses', () => {
  it.each([
    ['an empty userInput string', { ...valid, userInput: ['open mail sender', ''] }],
    ['a blank userInput string', { ...valid, userInput: ['   '] }],
    ['no skillId', { ...valid, skillId: undefined }],
    ['a blank skillId', { ...valid, skillId: ' ' }],
    ['no locale', { ...valid, locale: undefined }],
    ['a locale that is not a string', { ...valid, locale: 7 }],
  ])('is refused with the same reason: %s', (name, content) => {
    const path = fileWith(`${name.replace(/\W+/g, '-')}.json`, JSON.stringify(content));
    const reason = askDialogRefusal(path);
    expect(reason).toBeTruthy();
    expect(ourRefusal(path)).toBe(reason);
  });

  it('is refused when userInput is not a list of strings, where ask dialog only crashes', () => {
    expect(() => parseReplayFile({ ...valid, userInput: 'help' }, 'x.json')).toThrow(
      "Replay file's userInput must be a list of strings.",
    );
    expect(() => parseReplayFile({ ...valid, userInput: ['help', 3] }, 'x.json')).toThrow(
      "Replay file's userInput must be a list of strings.",
    );
  });

  it('is refused with ask dialog’s words when the skill has no such locale', () => {
    expect(() => parseReplayFile({ ...valid, locale: 'fr-FR' }, 'x.json')).toThrow(
      'Locale fr-FR was not found for your skill. Ensure the locale you want to simulate exists in your publishingInformation.',
    );
  });
});

// ask dialog's own words here ("File missing.json not exists.", a raw EISDIR) help nobody: ours say what to give.
describe('a file that cannot be read', () => {
  const refusal = (path: string) => {
    try {
      readReplayFile(path);
    } catch (error) {
      expect(error).toBeInstanceOf(ReplayFileError);
      return replayFileRefusal(error as ReplayFileError);
    }
    throw new Error(`${path} was read`);
  };

  it('is named when it does not exist', () => {
    expect(askDialogRefusal(join(folder, 'missing.json'))).toBeTruthy();
    expect(refusal(join(folder, 'missing.json'))).toBe(`There is no replay file at ${join(folder, 'missing.json')}.`);
  });

  it('is a folder, and a file in it is suggested', () => {
    const dialogs = join(PROJECT_ROOT, 'test/dialogs/en-US');
    expect(refusal(dialogs)).toBe(
      `${dialogs} is a folder: give a replay file, such as ${join(dialogs, 'fallback.json')}.`,
    );
  });

  it('is not JSON, said in one line with one full stop', () => {
    const path = fileWith('broken.json', '{"skillId": ');
    expect(askDialogRefusal(path)).toMatch(/^Failed to parse file: /);
    expect(refusal(path)).toMatch(new RegExp(`^The replay file ${path} is not JSON: [^\\n]+[^.]\\.$`));
    // V8 quotes the text it choked on, with its line break: shown as \n, not as a second line.
    expect(refusal(fileWith('words.json', 'not json\n'))).toMatch(
      /^The replay file .+ is not JSON: [^\n]*"not json\\n"[^\n]*\.$/,
    );
  });

  it('keeps ask dialog’s words, after ours and the file’s name, as one sentence', () => {
    const blank = fileWith('blank.json', JSON.stringify({ ...valid, userInput: [' '] }));
    expect(refusal(blank)).toBe(
      `The replay file ${blank} was refused: Replay file's userInput cannot contain empty string.`,
    );
    const other = fileWith('package.json', JSON.stringify({ name: 'not-a-replay-file' }));
    expect(refusal(other)).toBe(`The replay file ${other} was refused: Replay file must contain skillId.`);
  });
});

describe('a file ask dialog accepts', () => {
  const dialogFiles = ['en-US', 'ja-JP'].flatMap((locale) =>
    readdirSync(join(PROJECT_ROOT, 'test/dialogs', locale)).map((name) =>
      join(PROJECT_ROOT, 'test/dialogs', locale, name),
    ),
  );

  it.each(dialogFiles.map((path) => [path.slice(PROJECT_ROOT.length + 1), path]))(
    '%s is valid for ask dialog and for us',
    (_, path) => {
      expect(askDialogRefusal(path)).toBeUndefined();
      const ours = readReplayFile(path);
      expect(ours.userInput).toEqual(askDialog._resolvedArguments({ replay: path }, 'default').userInputs);
      expect(ours.expect?.length).toBe(ours.userInput.length);
    },
  );

  it('has its utterances trimmed, as ask dialog trims them', () => {
    expect(parseReplayFile({ ...valid, userInput: ['  open mail sender ', 'help\n'] }, 'x.json').userInput).toEqual([
      'open mail sender',
      'help',
    ]);
  });

  it('may carry keys neither of us knows', () => {
    expect(parseReplayFile({ ...valid, comment: 'kept for people' }, 'x.json').skillId).toBe(valid.skillId);
  });
});

describe('our own keys', () => {
  it('accepts an expect entry per utterance, not counting commands', () => {
    const file = parseReplayFile(
      {
        ...valid,
        userInput: ['open mail sender', 'help', '.quit'],
        expect: [{ speech: 'Welcome' }, { speech: 'sends', card: null, mails: 0, sessionEnded: false }],
      },
      'x.json',
    );
    expect(file.expect).toHaveLength(2);
  });

  it.each([
    [
      'too few expect entries',
      { expect: [{ speech: 'x' }] },
      "Replay file's expect has 1 entries but userInput has 2 utterances",
    ],
    [
      'an entry without speech',
      { expect: [{ speech: 'x' }, { mails: 1 }] },
      "Replay file's expect[1] must have required property 'speech'.",
    ],
    [
      'a negative mail count',
      { expect: [{ speech: 'x' }, { speech: 'y', mails: -1 }] },
      "Replay file's expect[1].mails must be >= 0.",
    ],
    [
      'a key expect does not know',
      { expect: [{ speech: 'x' }, { speech: 'y', mail: 1 }] },
      'must NOT have additional properties "mail"',
    ],
    [
      'a speech that is no regular expression',
      { expect: [{ speech: 'x' }, { speech: '(unclosed' }] },
      "Replay file's expect[1].speech is not a regular expression",
    ],
    [
      'an SES behaviour that does not exist',
      { simulate: { ses: 'explode' } },
      "Replay file's simulate.ses must be equal to one of the allowed values (accept, slow, hang, stall, throttling",
    ],
    [
      'a simulated address that is not one',
      { simulate: { email: 'notanemail' } },
      'Replay file\'s simulate: "notanemail" is not an email address, such as you@example.com.',
    ],
    ['a blank given name', { simulate: { name: ' ' } }, "Replay file's simulate: a given name cannot be blank."],
    [
      'an email permission that is not a boolean',
      { simulate: { emailPermission: 'no' } },
      "Replay file's simulate.emailPermission must be boolean.",
    ],
  ])('refuses %s, saying which', (_, extra, reason) => {
    expect(() => parseReplayFile({ ...valid, ...extra }, 'x.json')).toThrow(reason);
  });
});
