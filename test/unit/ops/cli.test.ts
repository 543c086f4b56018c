// The flag parsing every command shares: mistakes come back as one sentence in our words,
// and flags that npm took for itself are named with the fix.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { flagsNpmTook, parseFlags, UsageError } from '../../../ops/cli.ts';

const OPTIONS = { replay: { type: 'string' }, 'keep-open': { type: 'boolean' }, yes: { type: 'boolean' } } as const;

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

  it('does not mistake an .npmrc setting such as yes=false for a typed flag', () => {
    const env = { npm_lifecycle_event: 'provision', npm_config_yes: 'false' };
    expect(flagsNpmTook(OPTIONS, env)).toEqual([]);
    expect(flagsNpmTook(OPTIONS, { ...env, npm_config_yes: 'true' })).toEqual(['yes']);
    expect(flagsNpmTook(OPTIONS, { npm_config_yes: 'true' })).toEqual([]);
  });
});
