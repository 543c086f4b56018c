// The memory table: at each memory size, the project built as a deploy for that size would be
// (its code cache trained with that size's flags) and run as Lambda would run it: with that
// size's flags and, where cgroups allow, that size's share of a CPU. A cold first mail next to
// a bare node started the same way, a warm SendEmailIntent, and what a month of mails costs.

import type { RequestEnvelope } from 'ask-sdk-model';
import { lambdaNodeArguments } from '../../ops/build/lambdaRuntime.ts';
import type { SesOutbox } from '../../testkit/aws/ses/outbox.ts';
import {
  type ColdSample,
  type ColdStart,
  checkAnswer,
  checkCodeCache,
  missedProfileDeadline,
  runBareChild,
  runColdChild,
  sampleOf,
} from './cold.ts';
import { type CpuShares, vcpuShare } from './cpuShare.ts';
import { monthlyCostUsd } from './pricing.ts';
import { type ColdFigures, coldFigures } from './report/figures.ts';
import { type Summary, summarize } from './stats.ts';
import type { ProjectBuild, Variant } from './variants.ts';
import { measureLatency } from './warm.ts';

export interface MemoryRow {
  readonly memoryMb: number;
  readonly nodeArguments: readonly string[];
  /** The share of one vCPU Lambda gives this size. */
  readonly vcpu: number;
  /**
   * Every cold run, those included whose profile deadline fired (they answered with an apology after
   * waiting for it, and are billed as long): the time a user waits and Lambda bills at this size.
   */
  readonly coldMail: ColdFigures;
  /** Cold runs whose 1.5 s profile deadline fired because the share of a CPU starved the process. */
  readonly profileDeadlineMissed: number;
  /** A bare `node -e 0` with the same flags and share. */
  readonly bareMs: Summary;
  /** A cold first mail, from the process start to the answer: at the share when throttled, else the CPU time stretched to it. */
  readonly coldMailAtShareMs: Summary;
  /** Warm SendEmailIntents, one process. */
  readonly warmMs: Summary;
  /** Dollars a month for the mails of a day, every one a cold start, or every one warm. */
  readonly costUsd: { readonly allCold: number; readonly allWarm: number };
}

export interface MemoryOptions {
  readonly start: ColdStart;
  readonly bySize: ReadonlyMap<number, ProjectBuild>;
  readonly shares: CpuShares;
  readonly rounds: number;
  readonly warmRequests: number;
  readonly warmUp: number;
  readonly warmRunner: string;
  readonly mailEvent: RequestEnvelope;
  readonly outbox: SesOutbox;
  readonly onStep: (line: string) => void;
}

/** What a stretch to the CPU share would make of a figure measured at full speed: the CPU part slows, the rest does not. */
function atShare(sample: ColdSample, share: number): number {
  return sample.answeredMs - sample.cpuMs + sample.cpuMs / share;
}

export async function measureMemorySizes(options: MemoryOptions): Promise<MemoryRow[]> {
  const { start, bySize, shares } = options;
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const settingFor = (memoryMb: number): ColdStart => ({
    ...start,
    nodeArguments: { plain: [], lambda: lambdaNodeArguments(memoryMb, start.node.major) },
  });
  const variantFor = (memoryMb: number): Variant => {
    const build = bySize.get(memoryMb)!;
    return { name: 'project', kind: 'build', scenarios: ['mail'], settings: ['lambda'], entry: build.entry };
  };
  const cold = new Map<number, ColdSample[]>(sizes.map((size) => [size, []]));
  const bare = new Map<number, number[]>(sizes.map((size) => [size, []]));
  const missedBySize = new Map<number, number>();
  for (let round = 0; round <= options.rounds; round++) {
    for (const memoryMb of round % 2 === 0 ? sizes : [...sizes].reverse()) {
      const launcher = shares.launcher(memoryMb);
      const setting = settingFor(memoryMb);
      const variant = variantFor(memoryMb);
      const bareRun = await runBareChild(setting, 'lambda', 'bare', launcher);
      const { wallMs, report } = await runColdChild(setting, 'lambda', { variant, scenario: 'mail' }, launcher);
      const cached = !('skipped' in bySize.get(memoryMb)!.codeCache);
      const who = `the project for ${memoryMb} MB`;
      // At a small share of a CPU the profile deadline may fire: a finding about that size, not a failure.
      const missed = missedProfileDeadline(report!);
      if (missed) checkCodeCache(report!, who, cached);
      else checkAnswer('mail', report!, who, cached);
      // The first round counts for nothing, as in the main cold runs.
      if (round === 0) continue;
      if (missed) missedBySize.set(memoryMb, (missedBySize.get(memoryMb) ?? 0) + 1);
      bare.get(memoryMb)!.push(bareRun.wallMs);
      cold.get(memoryMb)!.push(sampleOf(wallMs, report!));
    }
    if (round > 0) options.onStep(`      round ${round}/${options.rounds}`);
  }
  await options.outbox.clear();

  const rows: MemoryRow[] = [];
  for (const memoryMb of sizes) {
    options.onStep(`      warm at ${memoryMb} MB: ${options.warmRequests} SendEmailIntents`);
    const nodeArguments = lambdaNodeArguments(memoryMb, start.node.major);
    const latency = await measureLatency(
      { ...variantFor(memoryMb), rawSdk: `${bySize.get(memoryMb)!.dir}/chunks/sesSdk.js` },
      options.warmRequests,
      options.warmUp,
      {
        node: start.node.path,
        nodeArguments,
        launcher: shares.launcher(memoryMb),
        runner: options.warmRunner,
        env: { ...start.env, ...start.trust },
        event: options.mailEvent,
        outbox: options.outbox,
      },
    );
    const share = vcpuShare(memoryMb);
    const samples = cold.get(memoryMb)!;
    const coldMailAtShareMs =
      shares.how === 'cgroup'
        ? summarize(samples.map((sample) => sample.answeredMs))
        : summarize(samples.map((sample) => atShare(sample, share)));
    const warmMs = summarize(latency.skillMs);
    rows.push({
      memoryMb,
      nodeArguments,
      vcpu: share,
      coldMail: coldFigures(samples),
      profileDeadlineMissed: missedBySize.get(memoryMb) ?? 0,
      bareMs: summarize(bare.get(memoryMb)!),
      coldMailAtShareMs,
      warmMs,
      costUsd: {
        allCold: monthlyCostUsd(memoryMb, coldMailAtShareMs.median),
        allWarm: monthlyCostUsd(memoryMb, warmMs.median),
      },
    });
  }
  return rows;
}
