// What every command of this project does the same way: parse flags with node:util parseArgs
// in our own words, answer --help, exit 2 on a usage error, and end a failure with one sentence.

import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * npm takes the flags written before `--` for itself (`npm run dialog --replay f.json` runs the
 * command with `f.json` alone) and leaves each as an npm_config_* variable: the flags of ours it took.
 */
export function flagsNpmTook(options: Options, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!env.npm_lifecycle_event) return [];
  return Object.keys(options).filter((name) => {
    const value = env[`npm_config_${name.replace(/-/g, '_')}`];
    // An .npmrc setting such as `yes=false` arrives the same way; only a flag typed on the line is "true" or a value.
    return value !== undefined && value !== '' && value !== 'false';
  });
}

/** parseArgs's own messages, in this project's words: one sentence that names the flag. */
function usageSentence(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  const option = /'(-{1,2}[^' <]+)/.exec(text)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `There is no option ${option ?? text}.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(text)) return `${option} needs a value.`;
      // `--email --name Sam`: parseArgs will not take the next option as the value.
      if (/argument is ambiguous/.test(text))
        return `${option} needs a value before the next option (one that starts with - is written ${option}=-VALUE).`;
      return `${option} takes no value.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument "${/'([^']*)'/.exec(text)?.[1] ?? text}".`;
    default:
      return text;
  }
}

/**
 * Parses flags with node:util parseArgs, strictly. Every mistake is a UsageError of one sentence;
 * when npm took some of the flags for itself, that is the sentence, since nothing else would explain it.
 */
export function parseFlags<T extends Options>(options: T, args: readonly string[], allowPositionals = true) {
  const took = flagsNpmTook(options);
  if (took.length > 0) {
    const script = process.env.npm_lifecycle_event;
    const flags = took.map((name) => `--${name}`).join(', ');
    // npm keeps a value only when it was written `--from=VALUE`; otherwise the value went on as an argument.
    const example = took.map((name) => {
      const kept = process.env[`npm_config_${name.replace(/-/g, '_')}`];
      if (options[name]?.type !== 'string') return `--${name}`;
      return kept && kept !== 'true' ? `--${name} ${kept}` : `--${name} VALUE`;
    });
    throw new UsageError(
      `npm took ${flags} for itself: put -- between npm run ${script} and the options, as in npm run ${script} -- ${example.join(' ')}.`,
    );
  }
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(usageSentence(error));
  }
}

/** Parses the flags; prints the usage and returns undefined for --help; throws UsageError on a bad flag. */
export function parseCommandLine<T extends Options>(usage: string, options: T, args: string[] = process.argv.slice(2)) {
  const parsed = parseFlags({ ...options, help: { type: 'boolean', short: 'h' } }, args);
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
  if (!Number.isSafeInteger(parsed) || parsed <= 0)
    throw new UsageError(`--${name} must be a positive whole number, not "${value}"`);
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
