// Cold starts: a fresh `node` process per measurement that loads a build and answers one request,
// a LaunchRequest or the first SendEmailIntent of a container, next to a bare `node -e 0` of the
// same executable started the same way. Two settings: plain node, and node with the flags Lambda
// passes for the configured memory size. Every round runs each kind once, in an order that shifts
// from round to round, so that a machine slowing down or speeding up weighs on all of them alike.

import { randomUUID } from 'node:crypto';
import type { RequestEnvelope } from 'ask-sdk-model';
import { PROFILE_TIMEOUT_MS } from '../../lambda/deadlines.ts';
import { en } from '../../lambda/messages/en.ts';
import { type Launcher, runChild } from './children.ts';
import type { NodeBinary } from './nodes.ts';
import { CHILD_ENV, type ColdReport } from './protocol.ts';
import type { Scenario, Setting, Variant, VariantName } from './variants.ts';

export interface ColdSample {
  readonly wallMs: number;
  /** From the process start (performance.now()) to the answer, in the child. */
  readonly answeredMs: number;
  /** require() of index.js. */
  readonly loadMs: number;
  /** From index.js loaded to the answer. */
  readonly handleMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

/**
 * The bare nodes: `node -e 0`, the yardstick; the same trusting the local certificate, as every
 * measured child does; and node requiring 'http', as Lambda's runtime client does before it loads
 * any handler (its RAPIDClient), so that the skill pays for none of it in Lambda.
 */
export type Bare = 'bare' | 'trusted' | 'http';
// Each reports its CPU time on file descriptor 3, as the measured children do: load-independent,
// where the time from spawn to exit on a busy machine is not. fs is loaded before any script runs.
const REPORT_CPU =
  "const c=process.cpuUsage();require('fs').writeSync(3,JSON.stringify({cpuMs:(c.user+c.system)/1000}))";
const BARE_SCRIPT: Record<Bare, string> = {
  bare: REPORT_CPU,
  trusted: REPORT_CPU,
  http: `require('http');${REPORT_CPU}`,
};

export interface BareSample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface ColdSamples {
  /** A bare `node -e 0` in each setting: the yardstick. */
  readonly bare: Record<Setting, BareSample[]>;
  /** A bare plain `node -e 0` trusting the local certificate: what that trust costs a start. */
  readonly bareTrusted: BareSample[];
  /** node -e "require('http')" in each setting. */
  readonly bareHttp: Record<Setting, BareSample[]>;
  readonly runs: Record<Setting, Record<Scenario, Partial<Record<VariantName, ColdSample[]>>>>;
  /** Cold children that answered with the profile apology and were started again (starved: see STARVED_RETRIES). */
  readonly starved: number;
}

/** What a cold child is started with, in one setting or the other. */
export interface ColdStart {
  readonly runner: string;
  readonly node: NodeBinary;
  /** The environment every child gets, the bare ones included: like Lambda's, nothing of this shell's. */
  readonly env: Readonly<Record<string, string>>;
  /** What only the measured children get: the local certificate to trust (NODE_EXTRA_CA_CERTS). */
  readonly trust: Readonly<Record<string, string>>;
  /** Node arguments per setting. */
  readonly nodeArguments: Readonly<Record<Setting, readonly string[]>>;
  readonly events: Readonly<Record<Scenario, RequestEnvelope>>;
}

export interface ColdOptions extends ColdStart {
  readonly variants: readonly Variant[];
  readonly rounds: number;
  /** Builds whose code cache V8 must take in their settings: a refused cache would mislabel their figures. */
  readonly cached: ReadonlySet<VariantName>;
  /** Called after each round, with the round's number (1-based). */
  readonly onRound?: (round: number) => void;
}

type Job =
  | { readonly kind: 'bare'; readonly setting: Setting; readonly bare: Bare }
  | { readonly kind: Scenario; readonly setting: Setting; readonly variant: Variant };

const WORDS: Record<Scenario, string> = { launch: 'LaunchRequest', mail: 'SendEmailIntent' };

/**
 * Whether a cold first mail answered with the apology for a profile that did not come in time:
 * on loopback the profile API answers at once, so its deadline fires only when the machine starved
 * the child of CPU (a memory size's small share, a busy machine) while it loaded the SES client.
 */
export function missedProfileDeadline(report: ColdReport): boolean {
  return report.speech.includes(en.profileUnavailable);
}

/**
 * How often a starved cold sample is started again before the benchmark gives up: it is a fact of
 * the machine, not of the skill, until it keeps happening.
 */
export const STARVED_RETRIES = 3;

/**
 * Runs `take` until its child answered other than with the profile apology, at most
 * STARVED_RETRIES times more; `onStarved` counts each one started again. Throws when every try was starved.
 */
export async function unlessStarved<T extends { report?: ColdReport | undefined }>(
  take: () => Promise<T>,
  who: string,
  onStarved: () => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const run = await take();
    if (!run.report || !missedProfileDeadline(run.report)) return run;
    if (attempt === STARVED_RETRIES)
      throw new Error(
        `${who} answered a cold SendEmailIntent with the profile apology ${attempt + 1} times in a row: its ${PROFILE_TIMEOUT_MS / 1000} s profile deadline fired every time, so this machine is too busy to measure on`,
      );
    onStarved();
  }
}

/** Throws when the child did not answer as the skill does, or ran without the cache it was meant to use. */
export function checkAnswer(scenario: Scenario, report: ColdReport, who: string, cacheExpected: boolean): void {
  const answered = scenario === 'launch' ? report.speech.includes(en.launch) : report.cardTitle === en.sentCardTitle;
  if (!answered) throw new Error(`${who} answered a cold ${WORDS[scenario]} with "${report.speech.slice(0, 120)}"`);
  checkCodeCache(report, who, cacheExpected);
}

/** Throws when the child ran without the code cache it was meant to use. */
export function checkCodeCache(report: ColdReport, who: string, cacheExpected: boolean): void {
  const refused = Object.entries(report.codeCache ?? {}).filter(([, outcome]) => outcome !== 'accepted');
  if (cacheExpected && (!report.codeCache || refused.length > 0))
    throw new Error(`${who}: V8 refused the code cache of ${refused.map(([file]) => file).join(', ') || 'every file'}`);
}

/** One bare node, started as the measured children are in that setting. */
export async function runBareChild(
  start: ColdStart,
  setting: Setting,
  bare: Bare,
  launcher?: Launcher,
): Promise<BareSample> {
  const { wallMs, report } = await runChild<{ cpuMs: number }>(
    [...start.nodeArguments[setting], '-e', BARE_SCRIPT[bare]],
    {
      node: start.node.path,
      env: { ...start.env, ...(bare === 'trusted' ? start.trust : {}) },
      ...(launcher ? { launcher } : {}),
    },
  );
  return { wallMs, cpuMs: report!.cpuMs };
}

/** One cold child: the runner answering one request with one build. */
export async function runColdChild(
  start: ColdStart,
  setting: Setting,
  what: { readonly variant: Variant; readonly scenario: Scenario },
  launcher?: Launcher,
): Promise<{ wallMs: number; report?: ColdReport | undefined }> {
  const nodeArguments = start.nodeArguments[setting];
  const event = start.events[what.scenario];
  const env = {
    ...start.env,
    ...start.trust,
    ...what.variant.env,
    [CHILD_ENV.bundle]: what.variant.entry,
    [CHILD_ENV.event]: JSON.stringify(what.scenario === 'mail' ? asNewUser(event) : event),
  };
  return runChild<ColdReport>([...nodeArguments, start.runner], {
    node: start.node.path,
    env,
    ...(launcher ? { launcher } : {}),
  });
}

/**
 * The same request from a user of its own: with a limit table, which every child shares, the same
 * mail from the same user would meet the repeat guard instead of being sent.
 */
function asNewUser(event: RequestEnvelope): RequestEnvelope {
  const user = { ...event.context.System.user, userId: `amzn1.ask.account.bench-cold-${randomUUID()}` };
  return {
    ...event,
    ...(event.session ? { session: { ...event.session, user } } : {}),
    context: { ...event.context, System: { ...event.context.System, user } },
  };
}

export function sampleOf(wallMs: number, report: ColdReport): ColdSample {
  return {
    wallMs,
    answeredMs: report.answeredMs,
    loadMs: report.loadedMs - report.loadStartMs,
    handleMs: report.answeredMs - report.loadedMs,
    cpuMs: report.cpuMs,
    maxRssKb: report.maxRssKb,
  };
}

function jobsOf(variants: readonly Variant[]): Job[] {
  const jobs: Job[] = [
    { kind: 'bare', setting: 'plain', bare: 'bare' },
    { kind: 'bare', setting: 'plain', bare: 'trusted' },
    { kind: 'bare', setting: 'plain', bare: 'http' },
    { kind: 'bare', setting: 'lambda', bare: 'bare' },
    { kind: 'bare', setting: 'lambda', bare: 'http' },
  ];
  for (const variant of variants)
    for (const setting of variant.settings)
      for (const scenario of variant.scenarios) jobs.push({ kind: scenario, setting, variant });
  return jobs;
}

/** How many processes a round starts. */
export function roundSize(variants: readonly Variant[]): number {
  return jobsOf(variants).length;
}

export async function measureColdStarts(options: ColdOptions): Promise<ColdSamples> {
  const samples: Omit<ColdSamples, 'starved'> = {
    bare: { plain: [], lambda: [] },
    bareTrusted: [],
    bareHttp: { plain: [], lambda: [] },
    runs: { plain: { launch: {}, mail: {} }, lambda: { launch: {}, mail: {} } },
  };
  let starved = 0;
  const jobs = jobsOf(options.variants);
  const measureOne = async (job: Job, counted: boolean) => {
    if (job.kind === 'bare') {
      const sample = await runBareChild(options, job.setting, job.bare);
      if (!counted) return;
      if (job.bare === 'trusted') samples.bareTrusted.push(sample);
      else (job.bare === 'http' ? samples.bareHttp : samples.bare)[job.setting].push(sample);
      return;
    }
    const who = `the ${job.variant.name} build on Node ${options.node.version} (${job.setting})`;
    const { wallMs, report } = await unlessStarved(
      () => runColdChild(options, job.setting, { variant: job.variant, scenario: job.kind }),
      who,
      () => starved++,
    );
    checkAnswer(job.kind, report!, who, options.cached.has(job.variant.name));
    if (!counted) return;
    const byVariant = samples.runs[job.setting][job.kind];
    byVariant[job.variant.name] = [...(byVariant[job.variant.name] ?? []), sampleOf(wallMs, report!)];
  };
  // One round first that counts for nothing: it fills the file cache and warms the local servers.
  for (const job of jobs) await measureOne(job, false);
  for (let round = 1; round <= options.rounds; round++) {
    const shift = round % jobs.length;
    for (const job of [...jobs.slice(shift), ...jobs.slice(0, shift)]) await measureOne(job, true);
    options.onRound?.(round);
  }
  return { ...samples, starved };
}

/** The files require() loaded for one cold request (for a build that is not one bundle). */
export async function filesLoadedBy(start: ColdStart, variant: Variant, scenario: Scenario): Promise<string[]> {
  const env = {
    ...start.env,
    ...start.trust,
    [CHILD_ENV.bundle]: variant.entry,
    [CHILD_ENV.event]: JSON.stringify(start.events[scenario]),
    [CHILD_ENV.listFiles]: '1',
  };
  const { report } = await runChild<ColdReport>([start.runner], { node: start.node.path, env });
  return (report?.loadedFiles ?? []).filter((file) => file !== start.runner).sort();
}
