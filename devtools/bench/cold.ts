// Cold starts: a fresh `node` process per measurement that loads a build and answers one
// request, a LaunchRequest or the first SendEmailIntent of a container, next to a bare
// `node -e 0` of the same executable. Every round runs each kind once on every node, in an
// order that shifts from round to round, so that a machine slowing down or speeding up weighs
// on all of them alike. On a node with the module compile cache (Node ≥ 22.1), the project
// also runs with NODE_COMPILE_CACHE pointing at an empty folder (a fresh Lambda container: the
// cache is written, not read) and at a folder an earlier process filled (a second process).

import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestEnvelope } from 'ask-sdk-model';
import { en } from '../../lambda/messages/en.ts';
import { runChild } from './children.ts';
import type { NodeBinary } from './nodes.ts';
import { CHILD_ENV, type ColdReport } from './protocol.ts';
import type { Scenario, Variant, VariantName } from './variants.ts';

export type { Scenario } from './variants.ts';

export interface ColdSample {
  readonly wallMs: number;
  /** From the process start (performance.now()) to the answer, in the child. */
  readonly answeredMs: number;
  /** require() of the bundle. */
  readonly loadMs: number;
  /** From the bundle loaded to the answer. */
  readonly handleMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

/** The state of the compile cache folder when the process starts. */
export type CacheState = 'empty' | 'warm';
export const CACHE_STATES: readonly CacheState[] = ['empty', 'warm'];

export interface CacheFiles {
  readonly files: number;
  readonly bytes: number;
}

export interface CompileCacheSamples {
  readonly runs: Record<CacheState, Record<Scenario, ColdSample[]>>;
  /** What the first process that answered each request left in the folder. */
  readonly written: Partial<Record<Scenario, CacheFiles>>;
}

export interface ColdSamples {
  readonly bare: number[];
  readonly runs: Record<Scenario, Partial<Record<VariantName, ColdSample[]>>>;
  /** The project with the compile cache on, on a node that has one. */
  readonly compileCache?: CompileCacheSamples;
}

export interface ColdNode {
  readonly node: NodeBinary;
  readonly variants: readonly Variant[];
  /** Also run this build with the compile cache empty and warm (ignored on a node without one). */
  readonly compileCache?: Variant | undefined;
}

export interface ColdOptions {
  readonly runner: string;
  readonly nodes: readonly ColdNode[];
  readonly rounds: number;
  readonly env: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<Scenario, RequestEnvelope>>;
  /** A folder of its own, for the compile cache folders. */
  readonly cacheDir: string;
  /** Called after each round, with the round's number (1-based). */
  readonly onRound?: (round: number) => void;
}

type Job =
  | { readonly node: number; readonly kind: 'bare' }
  | {
      readonly node: number;
      readonly kind: Scenario;
      readonly variant: Variant;
      readonly cache?: { readonly state: CacheState; readonly dir: string };
    };

/** NODE_COMPILE_CACHE: read by Node ≥ 22.1 at startup, the same switch as module.enableCompileCache(). */
const COMPILE_CACHE_ENV = 'NODE_COMPILE_CACHE';

function check(job: Job & { kind: Scenario }, report: ColdReport, version: string): void {
  const answered = job.kind === 'launch' ? report.speech.includes(en.launch) : report.cardTitle === en.sentCardTitle;
  if (!answered)
    throw new Error(
      `the ${job.variant.label} on Node ${version} answered a cold ${job.kind === 'launch' ? 'LaunchRequest' : 'SendEmailIntent'} with "${report.speech.slice(0, 120)}"`,
    );
  if (job.cache && !report.compileCacheDir)
    throw new Error(`Node ${version} did not turn its compile cache on for ${COMPILE_CACHE_ENV}=${job.cache.dir}`);
}

/** Every file under a folder, with its size. */
async function filesUnder(dir: string): Promise<CacheFiles> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let files = 0;
  let bytes = 0;
  for (const entry of entries.filter((found) => found.isFile())) {
    files += 1;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

async function runJob(job: Job, options: ColdOptions): Promise<{ wallMs: number; report?: ColdReport | undefined }> {
  const { node } = options.nodes[job.node]!;
  if (job.kind === 'bare') return runChild(['-e', '0'], { node: node.path, env: options.env, expectReport: false });
  let cacheDir = job.cache?.dir;
  if (job.cache?.state === 'empty') cacheDir = await mkdtemp(join(job.cache.dir, 'run-'));
  const env = {
    ...options.env,
    ...job.variant.env,
    [CHILD_ENV.bundle]: job.variant.entry,
    [CHILD_ENV.event]: JSON.stringify(options.events[job.kind]),
    ...(cacheDir ? { [COMPILE_CACHE_ENV]: cacheDir } : {}),
  };
  const { wallMs, report } = await runChild<ColdReport>([options.runner], { node: node.path, env });
  check(job, report!, node.version);
  if (cacheDir && job.cache?.state === 'empty') {
    // A cache that was never written would make this a plain cold start under another name.
    if ((await filesUnder(cacheDir)).files === 0)
      throw new Error(`Node ${node.version} wrote nothing to an empty compile cache folder`);
    await rm(cacheDir, { recursive: true, force: true });
  }
  return { wallMs, report: report! };
}

function sampleOf(wallMs: number, report: ColdReport): ColdSample {
  return {
    wallMs,
    answeredMs: report.answeredMs,
    loadMs: report.loadedMs - report.loadStartMs,
    handleMs: report.answeredMs - report.loadedMs,
    cpuMs: report.cpuMs,
    maxRssKb: report.maxRssKb,
  };
}

function jobsFor(index: number, setup: ColdNode, cacheDir: string): Job[] {
  const jobs: Job[] = [
    { node: index, kind: 'bare' },
    ...setup.variants.flatMap((variant) => variant.scenarios.map((kind): Job => ({ node: index, kind, variant }))),
  ];
  const project = setup.compileCache;
  if (!project || !setup.node.compileCache) return jobs;
  for (const state of CACHE_STATES) {
    for (const kind of project.scenarios)
      jobs.push({
        node: index,
        kind,
        variant: project,
        cache: { state, dir: join(cacheDir, `node-${index}`, `${state}-${kind}`) },
      });
  }
  return jobs;
}

/** The processes one round starts, and the mails they send. */
export function roundSize(nodes: readonly ColdNode[]): { processes: number; mails: number } {
  const jobs = nodes.flatMap((setup, index) => jobsFor(index, setup, ''));
  return { processes: jobs.length, mails: jobs.filter(({ kind }) => kind === 'mail').length };
}

export async function measureColdStarts(options: ColdOptions): Promise<ColdSamples[]> {
  const jobs = options.nodes.flatMap((setup, index) => jobsFor(index, setup, options.cacheDir));
  for (const job of jobs) if (job.kind !== 'bare' && job.cache) await mkdir(job.cache.dir, { recursive: true });
  const samples: ColdSamples[] = options.nodes.map((setup) => ({
    bare: [],
    runs: { launch: {}, mail: {} },
    ...(setup.compileCache && setup.node.compileCache
      ? { compileCache: { runs: { empty: { launch: [], mail: [] }, warm: { launch: [], mail: [] } }, written: {} } }
      : {}),
  }));
  // One round first that counts for nothing: it fills the file cache, warms the local servers,
  // and writes the compile cache that the "warm" runs then read.
  for (const job of jobs) await runJob(job, options);
  for (const job of jobs) {
    if (job.kind === 'bare' || job.cache?.state !== 'warm') continue;
    const written = await filesUnder(job.cache.dir);
    if (written.files === 0)
      throw new Error(`Node ${options.nodes[job.node]!.node.version} left its compile cache folder empty`);
    samples[job.node]!.compileCache!.written[job.kind] = written;
  }
  for (let round = 1; round <= options.rounds; round++) {
    const shift = round % jobs.length;
    for (const job of [...jobs.slice(shift), ...jobs.slice(0, shift)]) {
      const { wallMs, report } = await runJob(job, options);
      const into = samples[job.node]!;
      if (job.kind === 'bare' || !report) into.bare.push(wallMs);
      else if (job.cache) into.compileCache!.runs[job.cache.state][job.kind].push(sampleOf(wallMs, report));
      else {
        const runs = into.runs[job.kind][job.variant.name] ?? [];
        into.runs[job.kind][job.variant.name] = runs;
        runs.push(sampleOf(wallMs, report));
      }
    }
    options.onRound?.(round);
  }
  return samples;
}

/** The files require() loaded for one cold request (for a build that is not one bundle). */
export async function filesLoadedBy(
  node: string,
  runner: string,
  variant: Variant,
  scenario: Scenario,
  options: Pick<ColdOptions, 'env' | 'events'>,
): Promise<string[]> {
  const env = {
    ...options.env,
    [CHILD_ENV.bundle]: variant.entry,
    [CHILD_ENV.event]: JSON.stringify(options.events[scenario]),
    [CHILD_ENV.listFiles]: '1',
  };
  const { report } = await runChild<ColdReport>([runner], { node, env });
  return (report?.loadedFiles ?? []).filter((file) => file !== runner).sort();
}
