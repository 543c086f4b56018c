// `npm run fuzz`: the property of test/integration/reliability/fuzz.test.ts, many more runs, a fresh
// seed each time unless one is given, and the figures of docs/reliability.md (written by --markdown).

import { cpus } from 'node:os';
import fc from 'fast-check';
import { parseCommandLine, positiveInteger, runCommand, UsageError } from '../../ops/cli.ts';
import { markdownFlag } from '../generatedBlock.ts';
import { type FuzzTally, startFuzzRig } from './rig.ts';

const DEFAULT_RUNS = 50_000;

const USAGE = `Usage: npm run fuzz -- [--runs N] [--seed N] [--markdown PAGE]

Sends generated Alexa requests, valid and broken, to the skill on loopback (a local
Customer Profile API and a recording SES endpoint) and checks every invariant of
docs/reliability.md on each: a well-formed response or a clean skill-ID refusal, well-formed SSML,
no mail but the one a SendEmailIntent asks for, to the profile address only, no header
holding user text, no address in the logs.

Options:
  --runs N         how many requests to generate (default ${DEFAULT_RUNS.toLocaleString('en-US')})
  --seed N         replay a run: the seed a previous run printed (default: a fresh one)
  --markdown PAGE  also write the figures into PAGE between its <!-- fuzz:start --> and
                   <!-- fuzz:end --> lines, stamped with the command, machine and date
                   (npm run fuzz -- --markdown docs/reliability.md)
  -h, --help       show this help`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const count = (n: number) => n.toLocaleString('en-US');

function figureLines(tally: FuzzTally, seconds: number, seed: number): string[] {
  return [
    `Fuzzed ${count(tally.runs)} requests in ${seconds.toFixed(1)} s (seed ${seed}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}):`,
    ...[...tally.requestTypes]
      .sort((a, b) => b[1] - a[1])
      .map(([type, runs]) => `  ${count(runs).padStart(8)}  ${type}`),
    `  broken envelopes: ${count(tally.brokenEnvelopes)}; refused for a foreign or missing skill ID: ${count(tally.refusals)}; mails sent: ${count(tally.mailsSent)}`,
  ];
}

runCommand(USAGE, 'Fuzzing failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    runs: { type: 'string' },
    seed: { type: 'string' },
    markdown: { type: 'string' },
  });
  if (!parsed) return 0;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const runs = positiveInteger('runs', parsed.values.runs, DEFAULT_RUNS);
  const seed = parsed.values.seed === undefined ? Date.now() % 2 ** 31 : positiveInteger('seed', parsed.values.seed, 0);
  const page = await markdownFlag(parsed.values.markdown, 'fuzz', 'npm run fuzz');

  say('Starting the local Customer Profile API and the recording SES endpoint on loopback…');
  const rig = await startFuzzRig();
  say(`Fuzzing ${count(runs)} requests (seed ${seed})…`);
  const started = performance.now();
  const progress = setInterval(
    () => say(`  ${count(rig.tally.runs)} / ${count(runs)} requests, ${count(rig.tally.mailsSent)} mails`),
    5_000,
  );
  try {
    const details = await fc.check(rig.property(), { seed, numRuns: runs });
    clearInterval(progress);
    const figures = figureLines(rig.tally, (performance.now() - started) / 1_000, seed);
    const verdict = details.failed
      ? `An invariant broke; replay it with \`npm run fuzz -- --seed ${seed} --runs ${runs}\`.`
      : `All invariants held for ${count(rig.tally.runs)} requests.`;
    say('');
    for (const line of figures) say(line);
    if (page) {
      say(`Writing the figures into ${page.page}`);
      await page.write(['```text', ...figures, verdict, '```'].join('\n'));
    }
    if (details.failed) {
      say('');
      say(fc.defaultReportMessage(details) ?? 'A property failed.');
      say('');
      say(`What broke: ${(details.errorInstance as Error | undefined)?.message ?? String(details.errorInstance)}`);
      say(
        `Fuzzing failed: an invariant broke (see above); replay it with \`npm run fuzz -- --seed ${seed} --runs ${runs}\`.`,
      );
      return 1;
    }
    say(verdict);
    return 0;
  } finally {
    clearInterval(progress);
    await rig.close();
  }
});
