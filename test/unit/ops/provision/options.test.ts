// The provisioning command line: what goes into a policy document is one exact identity, so a
// wildcard in an address or a domain is a usage error before anything is read.

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../ops/cli.ts';
import { parseCommand } from '../../../../ops/provision/options.ts';

describe('addresses and domains that go into the policy', () => {
  it.each([
    [['--from', '*@example.com'], '--from "*@example.com" holds * or ?'],
    [['--from', 'sender@example.com', '--verify-recipient', '*@*.*'], '--verify-recipient "*@*.*" holds * or ?'],
    [
      ['--from', 'sender@example.com', '--verify-recipient', 'me@exampl?.com'],
      '--verify-recipient "me@exampl?.com" holds',
    ],
    [['--from', 'sender@example.com', '--domain', '*.com'], '--domain "*.com" holds * or ?'],
  ])('refuses a wildcard: %j', (argv, start) => {
    expect(() => parseCommand(argv, {})).toThrow(UsageError);
    expect(() => parseCommand(argv, {})).toThrow(start);
  });

  it('says why in one sentence', () => {
    expect(() => parseCommand(['--from', 'sender@example.com', '--verify-recipient', '*@*.*'], {})).toThrow(
      /^--verify-recipient "\*@\*\.\*" holds \* or \?, which IAM would read as a wildcard in the policy: give one exact address\.$/,
    );
  });

  it('accepts exact addresses and domains', () => {
    const parsed = parseCommand(
      ['--from', 'skill@mail.example.com', '--verify-recipient', 'taro+alexa@example.com', '--domain', 'example.com'],
      {},
    );
    expect(parsed.help).toBe(false);
  });
});
