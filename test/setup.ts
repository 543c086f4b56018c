// Vitest setup file (vitest.config.ts `setupFiles`), run before every test file of the suite.
// It captures everything the file prints (stdout, stderr, console) and every line the skill's
// logger writes, including lines a test sends to its own sink (testkit/skillHarness.ts),
// and after the file's last test fails it if that output holds a secret anywhere, or a full
// email address in a line the skill logged. The promise: the key and the user's address never leak.
//
// What is written straight to stdout or stderr (the built bundle's log lines, a tool's progress) is
// held back, not passed on: vitest labels console output, but prints a worker's raw writes as they
// come, in the middle of its report. A test that fails shows what it held, unless a secret is in it.
//
// Robust rather than clever: the scan looks for the exact secrets the suites use (the
// placeholder key, every *SECRET*/*TOKEN*/*PASSWORD* environment value, secrets a suite
// declares) plus anything shaped like an AWS secret key; addresses are only searched in the
// skill's own log lines, because a tool showing a user the mail it captured is not a leak.

import { format } from 'node:util';
import { afterAll, beforeEach, vi } from 'vitest';
import {
  findAddressesInLogLines,
  findSecretsInOutput,
  type KnownSecret,
  type Leak,
  parseSkillLogLine,
} from './helpers/leaks.ts';
import { type CapturedOutput, capturedOutput } from './helpers/outputCapture.ts';

// A fresh store per test file, in place before any module of the file is imported.
const capture = vi.hoisted(() => {
  const store: CapturedOutput = {
    printed: [],
    held: [],
    skillLogLines: [],
    declaredSecrets: new Set<string>(),
  };
  (globalThis as Record<symbol, unknown>)[Symbol.for('alexa-ses-mailer.test.capturedOutput')] = store;
  return store;
});

// Observes, never alters: every logger the skill builds still writes to the sink it was given.
// The line goes to the store of the file running now, whichever file built the logger: in the unit
// project a worker runs file after file, and a logger one file's import built may log in the next.
vi.mock(import('../lambda/log.ts'), async (importOriginal) => {
  const original = await importOriginal();
  return {
    ...original,
    createLogger: (sink?: (line: string) => void, context?: Parameters<typeof original.createLogger>[1]) =>
      original.createLogger(
        sink
          ? (line) => {
              capturedOutput()?.skillLogLines.push(line);
              sink(line);
            }
          : undefined, // the default sink writes to stdout, which is captured below
        context,
      ),
  };
});

const INSTALLED = Symbol.for('alexa-ses-mailer.test.outputWrapped');
const ORIGINAL_CONSOLE_ERROR = Symbol.for('alexa-ses-mailer.test.consoleError');

type WriteCallback = (error?: Error | null) => void;

function wrapStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const store = capturedOutput();
    if (!store) return write(chunk, ...rest);
    const encoding = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
    const text =
      typeof chunk === 'string'
        ? Buffer.from(chunk, encoding).toString('utf8')
        : Buffer.from(chunk as Uint8Array).toString('utf8');
    store.printed.push(text);
    store.held.push(text);
    // Taken as written, as a stream would: a caller may wait for the callback (to exit, say).
    const callback = rest.find((argument): argument is WriteCallback => typeof argument === 'function');
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof stream.write;
}

function wrapConsole(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    if (method === 'error') registry[ORIGINAL_CONSOLE_ERROR] = original;
    console[method] = (...args: unknown[]) => {
      capturedOutput()?.printed.push(`${format(...args)}\n`);
      original(...args);
    };
  }
}

// A worker may run several files in one process: wrap once, and let each file's store fill.
const registry = globalThis as Record<symbol, unknown>;
if (!registry[INSTALLED]) {
  registry[INSTALLED] = true;
  wrapStream(process.stdout);
  wrapStream(process.stderr);
  wrapConsole();
}

const SECRET_VARIABLE = /SECRET|TOKEN|PASSWORD/i;

function secretsFromEnvironment(): KnownSecret[] {
  return Object.entries(process.env)
    .filter((entry): entry is [string, string] => SECRET_VARIABLE.test(entry[0]) && typeof entry[1] === 'string')
    .map(([name, value]) => ({ label: `the value of ${name}`, value }));
}

const atStart = secretsFromEnvironment();

// Each file starts from the environment the worker started with, whatever the files before it in
// the same worker set (an endpoint pointing at a stand-in they have closed, say). The worker's first
// copy is kept for its life and restored here, as each file starts, as well as after it: vitest runs
// no afterAll for a file whose tests were all skipped.
const WORKER_ENVIRONMENT = Symbol.for('alexa-mailer.workerEnvironment');
const worker = globalThis as { [WORKER_ENVIRONMENT]?: NodeJS.ProcessEnv };
worker[WORKER_ENVIRONMENT] ??= { ...process.env };
const environmentAtStart = worker[WORKER_ENVIRONMENT];
function restoreEnvironment(): void {
  for (const name of Object.keys(process.env)) if (!(name in environmentAtStart)) delete process.env[name];
  Object.assign(process.env, environmentAtStart);
}
restoreEnvironment();

// A late write of an earlier file in this worker (a timer, a child's stdout) lands in a later file's
// output, after the earlier file's environment is gone: every file's scan also looks for the secrets
// the files before it in this worker knew.
const SECRETS_SEEN = Symbol.for('alexa-mailer.secretsSeenByWorker');
const workerSecrets = globalThis as { [SECRETS_SEEN]?: Map<string, KnownSecret> };
workerSecrets[SECRETS_SEEN] ??= new Map();
const secretsSeenByWorker = workerSecrets[SECRETS_SEEN];

/** Every secret the scan looks for, as of now. */
async function knownSecrets(): Promise<KnownSecret[]> {
  // Imported late: most files have loaded the placeholders already, the others pay once.
  const { PLACEHOLDER_KEY } = await import('../testkit/placeholders.ts');
  const now = [
    ...atStart,
    ...secretsFromEnvironment(),
    ...[...capture.declaredSecrets].map((value) => ({ label: 'a secret this suite declared', value })),
  ];
  for (const secret of now) secretsSeenByWorker.set(secret.value, secret);
  return [
    { label: 'the placeholder secret key', value: PLACEHOLDER_KEY.secretAccessKey },
    ...secretsSeenByWorker.values(),
  ];
}

// What a test held back (with what came before it since the last test, from beforeAll say) is
// shown when it fails, through vitest's console so that the report labels it with the test.
beforeEach(({ onTestFinished }) => {
  onTestFinished(async ({ task }) => {
    const held = capture.held.splice(0).join('');
    if (task.result?.state !== 'fail' || !held) return;
    const show = registry[ORIGINAL_CONSOLE_ERROR] as (text: string) => void;
    show(
      findSecretsInOutput(held, await knownSecrets(), 'held').length > 0
        ? 'What this test wrote to stdout and stderr is not shown: it holds a secret (the leak check reports where).'
        : `What this test wrote to stdout and stderr (held back by test/setup.ts):\n${held.trimEnd()}`,
    );
  });
});

afterAll(async () => {
  // After the scan, which looks for the secrets the file put in the environment too.
  try {
    await failOnLeaks();
  } finally {
    restoreEnvironment();
  }
});

async function failOnLeaks(): Promise<void> {
  const secrets = await knownSecrets();
  const printed = capture.printed.join('');
  const printedLogLines = printed.split('\n').filter((line) => parseSkillLogLine(line) !== undefined);
  const leaks: Leak[] = [
    ...findSecretsInOutput(printed, secrets, 'stdout/stderr/console'),
    ...findSecretsInOutput(capture.skillLogLines.join('\n'), secrets, 'skill log'),
    ...findAddressesInLogLines(capture.skillLogLines, 'skill log'),
    ...findAddressesInLogLines(printedLogLines, 'skill log line printed to stdout, JSON'),
  ];
  if (leaks.length > 0) {
    throw new Error(
      `This test file's output leaked ${leaks.length} time(s):\n${leaks.map((leak) => `  ${leak.where}: ${leak.what}`).join('\n')}`,
    );
  }
}
