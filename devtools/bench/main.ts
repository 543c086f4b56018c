// `npm run bench`: the Lambda bundle as the deploy ships it against a bare node, plain and with Lambda's flags,
// over HTTPS stand-ins. A benchmark, not a test: it reports, and fails only when the skill does not answer.

import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { configuredMemoryMb, lambdaNodeArguments } from '../../ops/build/lambdaRuntime.ts';
import { runCommand } from '../../ops/cli.ts';
import { writeLambdaZip } from '../../ops/deploy/lambdaZip.ts';
import { PROJECT_ROOT, shownPath } from '../../ops/paths.ts';
import { BENCH_SENDER, buildAll, startStandIns, WORK_DIR } from './builds.ts';
import { CHILD_ENV, measureColdStarts, runChild, type Scenario } from './cold.ts';
import { type BenchOptions, benchOptions, USAGE } from './options.ts';
import { coldResults, markdown, type Results, resultsJson, type SizeFigures, verdicts, warmFigures } from './report.ts';
import type { WarmReport } from './warmChild.ts';

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
  const options = await benchOptions(process.argv.slice(2));
  if (!options) return 0;
  try {
    return await measure(options);
  } finally {
    await rm(WORK_DIR, { recursive: true, force: true });
  }
}

async function measure({ settings, uncountedRound, out, chosen, page }: BenchOptions): Promise<number> {
  const { node, notLambdaMajor } = chosen;
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
      `[2/5] Cold starts: ${settings.runs} rounds of bare node, a LaunchRequest and a first mail, plain and with Lambda's flags${uncountedRound ? ', after one round that is not counted' : ''}`,
    );
    const onRound = (round: number) =>
      (round % 5 === 0 || round === settings.runs) && say(`      round ${round}/${settings.runs}`);
    const samples = await measureColdStarts(start, { project: builds.project }, settings.runs, uncountedRound, onRound);
    if (samples.starved > 0)
      say(`      ${samples.starved} starved cold children (profile deadline fired) were started again`);

    say('[3/5] Sizes: what each request loads, the zip');
    const loaded = (scenario: Scenario) =>
      samples.loaded[scenario].filter((file) => file.startsWith(builds.projectDir));
    const codeFiles = (await readdir(builds.projectDir, { recursive: true }))
      .filter((file) => file.endsWith('.js'))
      .map((file) => join(builds.projectDir, file));
    const zipPath = join(WORK_DIR, 'lambda.zip');
    const sizes = {
      launch: await sizeOf(loaded('launch')),
      mail: await sizeOf(loaded('mail')),
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
