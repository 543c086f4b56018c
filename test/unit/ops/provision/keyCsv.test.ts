// The IAM console's access key CSV, in both layouts it has produced: the key comes out, and a file
// that is not one is refused in one sentence that never holds the secret.

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../ops/cli.ts';
import { ProvisionError } from '../../../../ops/provision/errors.ts';
import { parseKeyCsv } from '../../../../ops/provision/keyCsv.ts';
import { parseCommand } from '../../../../ops/provision/options.ts';

// Shaped as the CSV reader accepts, not as an AWS key: the repository's secret scan must stay quiet.
const ID = 'TESTKEYIDNOTREAL0001';
const SECRET = 'TestSecretNotRealOnly/ForTests';

describe('the access key CSV file', () => {
  it('reads the current layout, with a byte order mark and CRLF', () => {
    expect(parseKeyCsv(`\uFEFFAccess key ID,Secret access key\r\n${ID},${SECRET}\r\n`, 'keys.csv')).toEqual({
      accessKeyId: ID,
      secretAccessKey: SECRET,
    });
  });

  it('reads the older layout, with its user name, a quoted password and the console link', () => {
    const text = `User name,Password,Access key ID,Secret access key,Console login link\nAlexaSkillMailSender,"pa,ss""word",${ID},${SECRET},https://123456789012.signin.aws.amazon.com/console\n`;
    expect(parseKeyCsv(text, 'keys.csv')).toEqual({
      accessKeyId: ID,
      secretAccessKey: SECRET,
      userName: 'AlexaSkillMailSender',
    });
  });

  it('reads a quoted password that runs over two lines, as RFC 4180 allows', () => {
    const text = `User name,Password,Access key ID,Secret access key\nAlexaSkillMailSender,"pass\nword",${ID},${SECRET}\n`;
    expect(parseKeyCsv(text, 'keys.csv')).toEqual({
      accessKeyId: ID,
      secretAccessKey: SECRET,
      userName: 'AlexaSkillMailSender',
    });
  });

  it.each([
    [
      'another CSV',
      `Name,Email\nTaro,taro@example.com\n`,
      'keys.csv is not an access key file as the IAM console downloads it',
    ],
    [
      'two keys',
      `Access key ID,Secret access key\n${ID},${SECRET}\n${ID},${SECRET}\n`,
      'it has 2 lines after the header',
    ],
    ['a short line', `Access key ID,Secret access key\n${ID}\n`, "its line does not have the header's 2 columns"],
    ['a mangled secret', `Access key ID,Secret access key\n${ID},${SECRET} x\n`, 'its secret access key is not one'],
  ])('refuses %s, never naming the secret', (_name, text, sentence) => {
    let error: unknown;
    try {
      parseKeyCsv(text, 'keys.csv');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as Error).message).toContain(sentence);
    expect((error as Error).message).not.toContain(SECRET);
  });
});

describe('--adopt-hand-made and --import-key on the command line', () => {
  it('takes --import-key only with --adopt-hand-made', () => {
    expect(() => parseCommand(['--from', 'sender@example.com', '--import-key', 'keys.csv'], {})).toThrow(UsageError);
  });

  it('keeps the CSV path, made absolute', () => {
    const parsed = parseCommand(['--from', 'sender@example.com', '--adopt-hand-made', '--import-key', 'keys.csv'], {});
    expect(parsed.help ? undefined : parsed.options).toMatchObject({
      adoptHandMade: true,
      importKey: expect.stringMatching(/^\/.*\/keys\.csv$/),
    });
  });

  it('is not for --teardown', () => {
    expect(() => parseCommand(['--teardown', '--adopt-hand-made'], {})).toThrow(UsageError);
  });
});
