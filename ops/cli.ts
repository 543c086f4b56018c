// What every command of this project does the same way: parse flags with node:util parseArgs
// in our own words, answer --help, exit 2 on a usage error, and end a failure with one sentence.

import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// npm's own short forms: `npm start`, never `npm run start`, is what a user types and reads.
const NPM_SHORT_FORMS = new Set(['start', 'test', 'stop', 'restart']);

/** How a user runs the npm script `script`. */
export function npmCommand(script: string): string {
  return NPM_SHORT_FORMS.has(script) ? `npm ${script}` : `npm run ${script}`;
}

/**
 * The usage line of the command the user ran, for a usage that names several (npm start and
 * npm run dialog share one), without the description beside it; the first line otherwise.
 */
export function usageLine(usage: string, env: NodeJS.ProcessEnv = process.env): string {
  const lines = usage.split('\n');
  const end = lines.indexOf('');
  const heading = lines.slice(0, end === -1 ? lines.length : end).map((line) => line.replace(/^(Usage:)?\s*/, ''));
  const script = env.npm_lifecycle_event;
  const ran = script ? heading.find((line) => `${line} `.startsWith(`${npmCommand(script)} `)) : undefined;
  return `Usage: ${(ran ?? heading[0] ?? '').split(/\s{3,}/)[0]}`;
}

/** The npm_config_* variable npm leaves for a flag it took: `--no-x` is npm's own way of writing x=false. */
function npmVariable(name: string, negated: boolean): string {
  return `npm_config_${(negated ? name.slice('no-'.length) : name).replace(/-/g, '_')}`;
}

/** Whether a boolean option is one npm reads as a negation (`--no-email-permission`: email-permission=false). */
const isNegated = (name: string, options: Options) => options[name]?.type === 'boolean' && name.startsWith('no-');

/**
 * npm takes the flags written before `--` for itself (`npm run dialog --replay f.json` runs the
 * command with `f.json` alone) and leaves each as an npm_config_* variable: the flags of ours it took.
 * npm 11 leaves `--x` as "true", `--x VALUE` as "true" too (the value goes on as an argument),
 * `--x=VALUE` as VALUE, and `--no-x` as x set to "" (false).
 */
export function flagsNpmTook(options: Options, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!env.npm_lifecycle_event) return [];
  return Object.keys(options).filter((name) => {
    const negated = isNegated(name, options);
    const value = env[npmVariable(name, negated)];
    if (value === undefined) return false;
    // An .npmrc setting such as `yes=false` arrives the same way; only a flag typed on the line is "true" or a value.
    return negated ? value === '' || value === 'false' : value !== '' && value !== 'false';
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
 * `--limit -1`: parseArgs would take -1 for an option and ask for a value. No option is a number,
 * so the number is the flag's value, for the flag's own check to accept or refuse in its words.
 */
function negativeNumbersAsValues(options: Options, args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') return [...joined, ...args.slice(index)];
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    const next = args[index + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else joined.push(arg);
  }
  return joined;
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
      if (options[name]?.type !== 'string') return `--${name}`;
      const kept = process.env[npmVariable(name, false)];
      return kept && kept !== 'true' ? `--${name} ${kept}` : `--${name} VALUE`;
    });
    const command = npmCommand(script ?? '');
    throw new UsageError(
      `npm took ${flags} for itself: put -- between ${command} and the options, as in ${command} -- ${example.join(' ')}.`,
    );
  }
  try {
    return parseArgs({ args: negativeNumbersAsValues(options, args), options, allowPositionals, strict: true });
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
    throw new UsageError(`--${name} must be a positive whole number, not "${value}".`);
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
        process.stderr.write(`${error.message}\n\n${usageLine(usage)}\nAdd --help to see every option.\n`);
        process.exit(2);
      }
      process.stderr.write(`${failure}: ${(error as Error).message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
