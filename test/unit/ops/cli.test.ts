// The flag parsing every command shares: mistakes come back as one sentence in our words,
// and flags that npm took for itself are named with the fix.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flagsNpmTook, npmCommand, parseFlags, UsageError, usageLine } from '../../../ops/cli.ts';

const OPTIONS = {
  replay: { type: 'string' },
  'keep-open': { type: 'boolean' },
  yes: { type: 'boolean' },
  email: { type: 'string' },
  'no-email': { type: 'boolean' },
  'no-email-permission': { type: 'boolean' },
} as const;

function sentence(args: string[]): string {
  try {
    parseFlags(OPTIONS, args, false);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('parsed without a usage error');
}

describe('parseFlags', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    [['--bogus'], 'There is no option --bogus.'],
    [['--replay'], '--replay needs a value.'],
    [
      ['--replay', '--keep-open'],
      '--replay needs a value before the next option (one that starts with - is written --replay=-VALUE).',
    ],
    [['--keep-open=yes'], '--keep-open takes no value.'],
    [['stray'], 'Unexpected argument "stray".'],
  ])('%j is refused with one sentence', (args, expected) => {
    vi.stubEnv('npm_lifecycle_event', '');
    expect(sentence(args)).toBe(expected);
  });

  it('names the flags npm took for itself and says where -- goes', () => {
    vi.stubEnv('npm_lifecycle_event', 'dialog');
    vi.stubEnv('npm_config_replay', 'true');
    vi.stubEnv('npm_config_keep_open', 'true');
    expect(sentence(['nope.json'])).toBe(
      'npm took --replay, --keep-open for itself: put -- between npm run dialog and the options, as in npm run dialog -- --replay VALUE --keep-open.',
    );
  });

  it('says npm start, as a user types it, for npm’s own short forms', () => {
    vi.stubEnv('npm_lifecycle_event', 'start');
    vi.stubEnv('npm_config_replay', 'true');
    expect(sentence([])).toBe(
      'npm took --replay for itself: put -- between npm start and the options, as in npm start -- --replay VALUE.',
    );
    expect([npmCommand('start'), npmCommand('test'), npmCommand('dialog')]).toEqual([
      'npm start',
      'npm test',
      'npm run dialog',
    ]);
  });

  it('takes a negative number as the value of the option before it, for that option’s own check', () => {
    vi.stubEnv('npm_lifecycle_event', '');
    expect(parseFlags(OPTIONS, ['--replay', '-1', '--keep-open'], false).values).toEqual({
      replay: '-1',
      'keep-open': true,
    });
    // Anything else that starts with - is still an option; after --, nothing is joined.
    expect(sentence(['--replay', '-x'])).toMatch(/^--replay needs a value before the next option/);
    expect(parseFlags(OPTIONS, ['--', '--replay', '-1']).positionals).toEqual(['--replay', '-1']);
  });

  it('names a --no-… flag npm took, which npm 11 leaves as an empty npm_config_ variable of the name without no-', () => {
    vi.stubEnv('npm_lifecycle_event', 'start');
    vi.stubEnv('npm_config_email_permission', '');
    expect(sentence([])).toBe(
      'npm took --no-email-permission for itself: put -- between npm start and the options, as in npm start -- --no-email-permission.',
    );
    const start = { npm_lifecycle_event: 'start' };
    // `--no-email` and `--email VALUE` leave the same variable, empty and "true".
    expect(flagsNpmTook(OPTIONS, { ...start, npm_config_email: '' })).toEqual(['no-email']);
    expect(flagsNpmTook(OPTIONS, { ...start, npm_config_email: 'true' })).toEqual(['email']);
    expect(flagsNpmTook(OPTIONS, { ...start, npm_config_email_permission: 'true' })).toEqual([]);
  });

  it('does not mistake an .npmrc setting such as yes=false for a typed flag', () => {
    const env = { npm_lifecycle_event: 'provision', npm_config_yes: 'false' };
    expect(flagsNpmTook(OPTIONS, env)).toEqual([]);
    expect(flagsNpmTook(OPTIONS, { ...env, npm_config_yes: 'true' })).toEqual(['yes']);
    expect(flagsNpmTook(OPTIONS, { npm_config_yes: 'true' })).toEqual([]);
  });
});

describe('usageLine', () => {
  const USAGE = `Usage: npm start [-- options]                   talk to the skill in this terminal
       npm run dialog -- --replay FILE [options]   replay a file made for ask dialog

Runs the skill.`;

  it('is the line of the command the user ran, without its description', () => {
    expect(usageLine(USAGE, { npm_lifecycle_event: 'dialog' })).toBe(
      'Usage: npm run dialog -- --replay FILE [options]',
    );
    expect(usageLine(USAGE, { npm_lifecycle_event: 'start' })).toBe('Usage: npm start [-- options]');
  });

  it('is the first line when the command is not npm’s, or not named', () => {
    expect(usageLine(USAGE, {})).toBe('Usage: npm start [-- options]');
    expect(usageLine(USAGE, { npm_lifecycle_event: 'dialog-copy' })).toBe('Usage: npm start [-- options]');
    expect(usageLine('Usage: npm run load -- [--requests N]\n\nSends.', { npm_lifecycle_event: 'load' })).toBe(
      'Usage: npm run load -- [--requests N]',
    );
  });
});
