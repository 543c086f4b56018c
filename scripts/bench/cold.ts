// Cold starts: a fresh `node` process per measurement that loads a build and answers one
// request, a LaunchRequest or the first SendEmailIntent of a container, next to a bare
// `node -e 0`. Every round runs each kind once, in an order that shifts from round to round,
// so that a machine slowing down or speeding up weighs on all of them alike.

import type { RequestEnvelope } from 'ask-sdk-model';
import { en } from '../../lambda/messages/en.ts';
import { runChild } from './children.ts';
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

export interface ColdSamples {
  readonly bare: number[];
  readonly runs: Record<Scenario, Partial<Record<VariantName, ColdSample[]>>>;
}

export interface ColdOptions {
  readonly runner: string;
  readonly variants: readonly Variant[];
  readonly rounds: number;
  readonly env: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<Scenario, RequestEnvelope>>;
  /** Called after each round, with the round's number (1-based). */
  readonly onRound?: (round: number) => void;
}

type Job = { readonly kind: 'bare' } | { readonly kind: Scenario; readonly variant: Variant };

function check(job: Job & { kind: Scenario }, report: ColdReport): void {
  const answered = job.kind === 'launch' ? report.speech.includes(en.launch) : report.cardTitle === en.sentCardTitle;
  if (!answered) throw new Error(`the ${job.variant.label} answered a cold ${job.kind === 'launch' ? 'LaunchRequest' : 'SendEmailIntent'} with "${report.speech.slice(0, 120)}"`);
}

async function runJob(job: Job, options: ColdOptions): Promise<{ job: Job; wallMs: number; report?: ColdReport }> {
  if (job.kind === 'bare') {
    const { wallMs } = await runChild(['-e', '0'], { env: options.env, expectReport: false });
    return { job, wallMs };
  }
  const env = { ...options.env, ...job.variant.env, [CHILD_ENV.bundle]: job.variant.entry, [CHILD_ENV.event]: JSON.stringify(options.events[job.kind]) };
  const { wallMs, report } = await runChild<ColdReport>([options.runner], { env });
  check(job, report!);
  return { job, wallMs, report: report! };
}

export async function measureColdStarts(options: ColdOptions): Promise<ColdSamples> {
  const jobs: Job[] = [{ kind: 'bare' }, ...options.variants.flatMap((variant) => variant.scenarios.map((kind): Job => ({ kind, variant })))];
  const samples: ColdSamples = { bare: [], runs: { launch: {}, mail: {} } };
  // One round first that counts for nothing: it fills the file cache and warms the local servers.
  for (const job of jobs) await runJob(job, options);
  for (let round = 1; round <= options.rounds; round++) {
    const shift = round % jobs.length;
    for (const job of [...jobs.slice(shift), ...jobs.slice(0, shift)]) {
      const { wallMs, report } = await runJob(job, options);
      if (job.kind === 'bare' || !report) {
        samples.bare.push(wallMs);
        continue;
      }
      (samples.runs[job.kind][job.variant.name] ??= []).push({
        wallMs,
        answeredMs: report.answeredMs,
        loadMs: report.loadedMs - report.loadStartMs,
        handleMs: report.answeredMs - report.loadedMs,
        cpuMs: report.cpuMs,
        maxRssKb: report.maxRssKb,
      });
    }
    options.onRound?.(round);
  }
  return samples;
}

/** The files require() loaded for one cold request (for a build that is not one bundle). */
export async function filesLoadedBy(runner: string, variant: Variant, scenario: Scenario, options: Pick<ColdOptions, 'env' | 'events'>): Promise<string[]> {
  const env = { ...options.env, [CHILD_ENV.bundle]: variant.entry, [CHILD_ENV.event]: JSON.stringify(options.events[scenario]), [CHILD_ENV.listFiles]: '1' };
  const { report } = await runChild<ColdReport>([runner], { env });
  return (report?.loadedFiles ?? []).filter((file) => file !== runner).sort();
}
