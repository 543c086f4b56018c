// Cold starts: a fresh node per sample answering one request (LaunchRequest or a first mail) beside a bare
// `node -e 0`, plain and with Lambda's flags, in an order that shifts each round so drift weighs on all alike.

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RequestEnvelope } from 'ask-sdk-model';
import { PROFILE_TIMEOUT_MS } from '../../lambda/deadlines.ts';
import { en } from '../../lambda/messages/en.ts';

/** The children write their one JSON report here, so the skill's own log lines on stdout stay apart. */
export const REPORT_FD = 3;
/** What a child is told: the index.js to load, the request (JSON); a warm child, how many to time and to answer before. */
export const CHILD_ENV = {
  bundle: 'BENCH_BUNDLE',
  event: 'BENCH_EVENT',
  requests: 'BENCH_REQUESTS',
  warmUp: 'BENCH_WARM_UP',
} as const;

export interface ColdReport {
  /** Milliseconds since the process started when the bundle was loaded and when the answer came. */
  readonly loadedMs: number;
  readonly answeredMs: number;
  /** User + system CPU time of the whole process until the answer. */
  readonly cpuMs: number;
  /** process.resourceUsage().maxRSS, in KB. */
  readonly maxRssKb: number;
  readonly speech: string;
  readonly cardTitle?: string;
  /** Every file require() loaded, read after the figures above. */
  readonly files: readonly string[];
}

export type Scenario = 'launch' | 'mail';
/** How a child node starts: as plain `node`, or with the flags Lambda passes for the memory size. */
export type Setting = 'plain' | 'lambda';
export const SETTINGS: readonly Setting[] = ['plain', 'lambda'];
export const SCENARIOS: readonly Scenario[] = ['launch', 'mail'];

/** One measured process: spawn to exit as the parent saw it, and what the child reported. */
export type ColdSample = Pick<ColdReport, 'answeredMs' | 'cpuMs' | 'maxRssKb'> & { wallMs: number; loadMs: number };

export interface ColdStart {
  readonly node: string;
  readonly runner: string;
  /** The environment every child gets, the bare ones included: like Lambda's, nothing of this shell's. */
  readonly env: Readonly<Record<string, string>>;
  /** What only the measured children get: the local certificate to trust (NODE_EXTRA_CA_CERTS). */
  readonly trust: Readonly<Record<string, string>>;
  readonly nodeArguments: Readonly<Record<Setting, readonly string[]>>;
  readonly events: Readonly<Record<Scenario, RequestEnvelope>>;
}

/** The samples of one setting: the bare node, and each build in each scenario. */
export type SettingSamples = { bare: ColdSample[] } & Record<Scenario, Record<string, ColdSample[]>>;
/** `loaded`: the files a counted child with Lambda's flags loaded for each request. */
export type ColdSamples = Record<Setting, SettingSamples> & { starved: number; loaded: Record<Scenario, string[]> };

/** Starts `node args`, times it from spawn to exit, and returns the JSON report it wrote on REPORT_FD. */
export function runChild<T>(
  node: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ wallMs: number; report: T }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(node, args, { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let wallMs = 0;
    let stderr = '';
    let report = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    (child.stdio[REPORT_FD] as Readable).on('data', (chunk: Buffer) => (report += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', () => (wallMs = performance.now() - start));
    child.on('error', (error) => reject(new Error(`could not start ${node}: ${error.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const parsed = report.trim()
        ? (JSON.parse(report.trim().split('\n').at(-1)!) as T | { error: string })
        : undefined;
      const failure = parsed && typeof parsed === 'object' && 'error' in parsed ? parsed.error : undefined;
      if (code === 0 && parsed && !failure) return resolve({ wallMs, report: parsed as T });
      const lastLine = stderr.trim().split('\n').at(-1);
      const why = failure ?? (signal ? `it was killed by ${signal}` : lastLine || `it exited with code ${code}`);
      reject(new Error(`${node} ${args.join(' ').slice(0, 80)} failed: ${why}`));
    });
  });
}

/**
 * Whether a cold first mail answered with the apology for a profile that did not come in time: on
 * loopback the profile API answers at once, so its deadline fires only in a child starved of CPU.
 */
export function missedProfileDeadline(report: ColdReport): boolean {
  return report.speech.includes(en.profileUnavailable);
}

/** How often a starved cold child is started again before the benchmark gives up on the machine. */
export const STARVED_RETRIES = 3;

/** Runs `take` until its child answered other than with the profile apology, at most STARVED_RETRIES times more. */
export async function unlessStarved<T extends { report: ColdReport }>(
  take: () => Promise<T>,
  who: string,
  onStarved: () => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const run = await take();
    if (!missedProfileDeadline(run.report)) return run;
    if (attempt === STARVED_RETRIES)
      throw new Error(
        `${who} answered a cold SendEmailIntent with the profile apology ${attempt + 1} times in a row: its ${PROFILE_TIMEOUT_MS / 1000} s profile deadline fired every time, so this machine is too busy to measure on`,
      );
    onStarved();
  }
}

// The bare node reports its CPU time as the measured children do; fs is loaded before any script runs.
const BARE_SCRIPT =
  "const c=process.cpuUsage();require('fs').writeSync(3,JSON.stringify({cpuMs:(c.user+c.system)/1000,maxRssKb:process.resourceUsage().maxRSS}))";

/** One cold child answering one request with one build. */
export function runColdChild(start: ColdStart, setting: Setting, bundle: string, scenario: Scenario) {
  const env = {
    ...start.env,
    ...start.trust,
    [CHILD_ENV.bundle]: bundle,
    [CHILD_ENV.event]: JSON.stringify(start.events[scenario]),
  };
  return runChild<ColdReport>(start.node, [...start.nodeArguments[setting], start.runner], env);
}

type Job = { readonly setting: Setting } & (
  | { readonly build?: undefined }
  | { readonly build: string; readonly scenario: Scenario }
);

/** `builds`: name → index.js. Every round: a bare node and each build in each scenario, in each setting. */
export async function measureColdStarts(
  start: ColdStart,
  builds: Readonly<Record<string, string>>,
  rounds: number,
  uncountedRound: boolean,
  onRound: (round: number) => void,
): Promise<ColdSamples> {
  const jobs: Job[] = SETTINGS.flatMap((setting) => [
    { setting },
    ...Object.keys(builds).flatMap((build) => SCENARIOS.map((scenario) => ({ setting, build, scenario }))),
  ]);
  const empty = (): SettingSamples => ({ bare: [], launch: {}, mail: {} });
  const samples: ColdSamples = { plain: empty(), lambda: empty(), starved: 0, loaded: { launch: [], mail: [] } };
  const measureOne = async (job: Job, counted: boolean) => {
    if (job.build === undefined) {
      const bareArguments = [...start.nodeArguments[job.setting], '-e', BARE_SCRIPT];
      const { wallMs, report } = await runChild<Pick<ColdSample, 'cpuMs' | 'maxRssKb'>>(start.node, bareArguments, {
        ...start.env,
      });
      if (counted) samples[job.setting].bare.push({ wallMs, answeredMs: wallMs, loadMs: 0, ...report });
      return;
    }
    const { build, scenario } = job;
    const who = `the ${build} build (${job.setting})`;
    const { wallMs, report } = await unlessStarved(
      () => runColdChild(start, job.setting, builds[build]!, scenario),
      who,
      () => samples.starved++,
    );
    const answered = scenario === 'launch' ? report.speech.includes(en.launch) : report.cardTitle === en.sentCardTitle;
    if (!answered) throw new Error(`${who} answered a cold ${scenario} with "${report.speech.slice(0, 120)}"`);
    if (!counted) return;
    if (job.setting === 'lambda') samples.loaded[scenario] = [...report.files];
    const { answeredMs, loadedMs: loadMs, cpuMs, maxRssKb } = report;
    const byBuild = samples[job.setting][scenario];
    byBuild[build] = [...(byBuild[build] ?? []), { wallMs, answeredMs, loadMs, cpuMs, maxRssKb }];
  };
  // One round first that counts for nothing: it fills the file cache and warms the local servers.
  if (uncountedRound) for (const job of jobs) await measureOne(job, false);
  for (let round = 1; round <= rounds; round++) {
    const shift = round % jobs.length;
    for (const job of [...jobs.slice(shift), ...jobs.slice(0, shift)]) await measureOne(job, true);
    onRound(round);
  }
  return samples;
}
