// `npm run load`: the bounded load run behind docs/reliability.md's figures. It fails when a request
// went unhandled, when the outbox and the confirmations disagree, when an answer came after
// Alexa's deadline, or when the live heap grew across the run.

import { cpus, totalmem } from 'node:os';
import { ALEXA_DEADLINE_MS } from '../../lambda/deadlines.ts';
import { parseCommandLine, positiveInteger, runCommand, UsageError } from '../../ops/cli.ts';
import { markdownFlag } from '../generatedBlock.ts';
import { megabytes } from './memory.ts';
import { describePlan, LOAD_DEFAULTS, planLoad } from './plan.ts';
import { heapGrowth, heapSlope, type LoadFigures, runLoad } from './run.ts';

/**
 * Flat means: less than this much more live heap at the end than after the warm-up, i.e. under
 * 1 KB per request over the default run. Keeping one mail or one response per request alive
 * would exceed it; what settles after the warm-up (compiled code, pools) does not.
 */
const FLAT_HEAP_TOLERANCE_MB = 2;

const USAGE = `Usage: npm run load -- [--requests N] [--concurrency N] [--waves N] [--warm-up N] [--markdown PAGE]

Sends SendEmailIntent requests through the skill on loopback (local SES outbox and
Customer Profile API), N at a time, in waves; counts the outbox against the spoken
confirmations and measures the live heap (after a full GC) after every wave. Each
request comes from its own Alexa user: the abuse limits (docs/limits.md) reserve
every mail in memory and refuse none, so the figures measure sending.

Options:
  --requests N     measured requests, after the warm-up (default ${LOAD_DEFAULTS.requests})
  --concurrency N  requests in flight at once (default ${LOAD_DEFAULTS.concurrency}; never more than a wave holds)
  --waves N        waves the measured requests are sent in (default ${LOAD_DEFAULTS.waves}, fewer when a
                   wave would hold less than --concurrency: --requests 200 sends 4 waves of 50)
  --warm-up N      requests sent before the baseline heap sample (default: as many as
                   --requests, at most ${LOAD_DEFAULTS.warmUp})
  --markdown PAGE  also write the figures into PAGE between its <!-- load:start --> and
                   <!-- load:end --> lines, stamped with the command, machine and date
                   (npm run load -- --markdown docs/reliability.md)
  -h, --help       show this help

Fails (exit 1) on any unhandled error, a mismatch between outbox and confirmations,
an answer slower than Alexa's ${ALEXA_DEADLINE_MS} ms, or live-heap growth over ${FLAT_HEAP_TOLERANCE_MB} MB.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${megabytes(bytes).toFixed(1)} MB`;

function problemsOf(figures: LoadFigures): string[] {
  const problems: string[] = [];
  if (figures.unhandledErrors > 0) problems.push(`${figures.unhandledErrors} unhandled error(s)`);
  if (figures.outboxMails !== figures.confirmations)
    problems.push(`${figures.outboxMails} mails in the outbox for ${figures.confirmations} confirmations`);
  if (figures.confirmations !== figures.requests)
    problems.push(`${figures.requests - figures.confirmations} request(s) not confirmed`);
  if (figures.latencyMs.max >= ALEXA_DEADLINE_MS)
    problems.push(
      `the slowest answer took ${Math.round(figures.latencyMs.max)} ms, past Alexa's ${ALEXA_DEADLINE_MS} ms`,
    );
  const growth = megabytes(heapGrowth(figures));
  if (growth > FLAT_HEAP_TOLERANCE_MB) problems.push(`the live heap grew by ${growth.toFixed(1)} MB`);
  return problems;
}

/** What the run measured, as printed and as written into a docs page. */
function summaryLines(figures: LoadFigures): string[] {
  const [baseline] = figures.memory;
  const last = figures.memory.at(-1);
  const lines = [
    `${figures.requests.toLocaleString('en-US')} requests (${figures.warmUp.toLocaleString('en-US')} warm-up) at concurrency ${figures.concurrency} in ${figures.seconds.toFixed(1)} s (${Math.round(figures.requests / figures.seconds)} requests/s) on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${mb(totalmem())} RAM, Node ${process.version}:`,
    `  one Alexa user per request, one address for all: the daily cap (${figures.limitPerUserPerDay} a user and an address) and the duplicate guard on, counting in memory, refusing none`,
    `  confirmations ${figures.confirmations}, mails in the outbox ${figures.outboxMails}, other answers ${figures.otherAnswers}, unhandled errors ${figures.unhandledErrors}`,
    `  answer time p50 ${figures.latencyMs.p50.toFixed(0)} ms, p99 ${figures.latencyMs.p99.toFixed(0)} ms, max ${figures.latencyMs.max.toFixed(0)} ms (Alexa's deadline ${ALEXA_DEADLINE_MS} ms)`,
  ];
  if (baseline && last) {
    lines.push(
      `  live heap after GC: ${mb(baseline.heapUsed)} after the warm-up, ${mb(last.heapUsed)} at the end (${heapGrowth(figures) >= 0 ? '+' : ''}${mb(heapGrowth(figures))}, slope ${Math.round(heapSlope(figures))} bytes/request); RSS ${mb(baseline.rss)} → ${mb(last.rss)}`,
    );
  }
  lines.push(`  log lines: ${[...figures.logLinesByEvent].map(([event, count]) => `${event} ${count}`).join(', ')}`);
  return lines;
}

runCommand(USAGE, 'Load run failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    waves: { type: 'string' },
    'warm-up': { type: 'string' },
    markdown: { type: 'string' },
  });
  if (!parsed) return 0;
  if (parsed.positionals.length > 0)
    throw new UsageError(`Unexpected argument "${parsed.positionals[0]}": options start with --.`);
  const { values } = parsed;
  // Left undefined when not given: what is left out follows what is set (plan.ts).
  const count = (name: string, value: string | undefined) =>
    value === undefined ? undefined : positiveInteger(name, value, 0);
  const plan = planLoad({
    requests: count('requests', values.requests),
    concurrency: count('concurrency', values.concurrency),
    waves: count('waves', values.waves),
    warmUp: count('warm-up', values['warm-up']),
  });
  const page = await markdownFlag(values.markdown, 'load', 'npm run load');

  say(describePlan(plan));
  const figures = await runLoad({
    ...plan,
    onWave: (wave) =>
      say(
        `  wave ${wave.wave}: ${wave.requests} requests in ${wave.seconds.toFixed(1)} s, ${wave.confirmations} confirmed, ${wave.outboxMails} in the outbox; heap ${mb(wave.memory.heapUsed)}, RSS ${mb(wave.memory.rss)}`,
      ),
  });

  const summary = summaryLines(figures);
  const problems = problemsOf(figures);
  const verdict =
    problems.length > 0
      ? `Load run failed: ${problems.join('; ')}.`
      : 'Load run passed: every request answered and confirmed, one mail each, no unhandled error, heap flat.';
  say('');
  for (const line of summary) say(line);
  if (page) {
    say(`Writing the figures into ${page.page}`);
    await page.write(['```text', ...summary, verdict, '```'].join('\n'));
  }
  say(verdict);
  return problems.length > 0 ? 1 : 0;
});
