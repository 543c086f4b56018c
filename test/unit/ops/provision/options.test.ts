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

describe('--hosted-role-arn', () => {
  const HOSTED = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';

  it('takes the ARN of a role, with a path or without', () => {
    for (const arn of [HOSTED, 'arn:aws:iam::210987654321:role/service-role/Other']) {
      const parsed = parseCommand(['--from', 'sender@example.com', '--hosted-role-arn', arn], {});
      expect(parsed.help === false && parsed.options.hostedRoleArn).toBe(arn);
    }
  });

  it.each([
    [['--hosted-role-arn', 'arn:aws:iam::210987654321:user/Someone'], 'is not an IAM role ARN'],
    [['--hosted-role-arn', 'arn:aws:iam::21098765432:role/Short'], 'is not an IAM role ARN'],
    [['--hosted-role-arn', 'arn:aws:iam::210987654321:role/*'], 'is not an IAM role ARN'],
    [['--hosted-role-arn', HOSTED, '--rotate-key'], 'makes a role and no key or user'],
    [['--hosted-role-arn', HOSTED, '--group', 'Senders'], 'makes a role and no key or user'],
  ])('refuses %j', (extra, reason) => {
    expect(() => parseCommand(['--from', 'sender@example.com', ...extra], {})).toThrow(reason);
  });

  it('is not a flag of --teardown, which removes the role anyway', () => {
    expect(() => parseCommand(['--teardown', '--hosted-role-arn', HOSTED], {})).toThrow(/^--teardown takes only/);
  });
});
