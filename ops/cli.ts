// What every command of this project does the same way: parse flags with node:util
// parseArgs, answer --help, exit 2 on a usage error, and end a failure with one sentence.

import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses the flags; prints the usage and returns undefined for --help; throws UsageError on a bad flag. */
export function parseCommandLine<T extends Options>(usage: string, options: T, args: string[] = process.argv.slice(2)) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    return undefined;
  }
  return parsed;
}

/** A flag that counts something: absent gives the fallback, anything but a positive whole number is a usage error. */
export function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) throw new UsageError(`--${name} must be a positive whole number, not "${value}"`);
  return parsed;
}

/**
 * Runs a command's main function and exits with its code: 0 success, 1 failure, 2 usage.
 * A failure prints `${failure}: ${message}` — one sentence, never a stack trace.
 */
export function runCommand(usage: string, failure: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        // The one sentence first, then only the usage line: the full help would bury it.
        const usageLine = usage.split('\n', 1)[0];
        process.stderr.write(`${error.message}\n\n${usageLine}\nAdd --help to see every option.\n`);
        process.exit(2);
      }
      process.stderr.write(`${failure}: ${(error as Error).message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
