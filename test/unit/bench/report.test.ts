// What the benchmark concludes from its figures: the verdict on each performance target for
// each node, the measurement it gives for a missed one, whether the compile cache is worth
// turning on, and the Lambda settings it recommends.

import { describe, expect, it } from 'vitest';
import type { ColdSample } from '../../../devtools/bench/cold.ts';
import {
  coldFigures,
  compileCacheAdvice,
  DEADLINE_CEILING_MS,
  markdown,
  type NodeResults,
  type Results,
  recommend,
  resultsJson,
  type Sizes,
  verdicts,
  warmFigures,
} from '../../../devtools/bench/report.ts';
import { summarize } from '../../../devtools/bench/stats.ts';

const sample = (wallMs: number, extra: Partial<ColdSample> = {}): ColdSample => ({
  wallMs,
  answeredMs: wallMs - 5,
  loadMs: 5,
  handleMs: 2,
  cpuMs: wallMs,
  maxRssKb: 50 * 1024,
  ...extra,
});
const cold = (wallMs: number, extra: Partial<ColdSample> = {}) =>
  coldFigures([sample(wallMs, extra), sample(wallMs, extra), sample(wallMs, extra)]);
const size = (kilobytes: number) => ({ files: 1, bytes: kilobytes * 1024, gzipBytes: kilobytes * 256 });

const SIZES: Sizes = { project: { launch: size(117), mail: size(311), all: size(586) } };

function measured(
  project: { launch: number; mail: number; overheadMs: number; rssMb?: number },
  node = 'v20.0.0',
): Omit<NodeResults, 'targets'> {
  const raw = Array.from({ length: 100 }, () => 1);
  return {
    node,
    path: '/usr/bin/node',
    coldStart: {
      bareMs: summarize([20, 20, 20]),
      bareSamples: [20, 20, 20],
      launch: { project: cold(project.launch), askSdkAlone: cold(26), askSdkLogging: cold(27) },
      mail: { project: cold(project.mail, { maxRssKb: (project.rssMb ?? 50) * 1024 }), sesClientAlone: cold(64) },
    },
    warm: {
      project: warmFigures({
        warmUp: 1,
        skillMs: raw.map((ms) => ms + project.overheadMs),
        rawMs: raw,
        confirmed: 101,
        rawAccepted: 101,
      }),
    },
    throughput: {},
  };
}

function results(nodes: Omit<NodeResults, 'targets'>[], extra: Partial<Results> = {}): Results {
  return {
    date: '2026-01-01T00:00:00.000Z',
    machine: { cpu: 'Test CPU', cores: 2, memoryGb: 4, platform: 'linux x64' },
    settings: { runs: 3, requests: 100, mails: 10, warmUp: 1, concurrency: 2 },
    nodes: nodes.map((node) => ({ ...node, targets: verdicts(node, SIZES) })),
    sizes: SIZES,
    recommendation: { node: nodes.at(-1)!.node, ...recommend(75, 50) },
    ...extra,
  };
}

describe('the benchmark report', () => {
  it('meets a target only within its limit, and counts a ratio of exactly the limit as met', () => {
    const met = verdicts(measured({ launch: 28, mail: 40, overheadMs: 1 }), SIZES);
    expect(met.map((verdict) => verdict.met)).toEqual([true, true, true, true, true]);
    expect(met.map((verdict) => verdict.value)).toEqual([
      '1.40×',
      '2.00×',
      '117 KB',
      '50.0 MB (highest of 3)',
      '1.00 ms',
    ]);
  });

  it('explains a missed cold-start target with the floors measured in the same run', () => {
    const [launch, mail, , rss, overhead] = verdicts(
      measured({ launch: 30, mail: 80, overheadMs: 3, rssMb: 90 }),
      SIZES,
    );
    expect(launch).toMatchObject({ met: false, value: '1.50×' });
    expect(launch?.why).toContain('ask-sdk-core alone answering it with one handler takes 1.30× (26.0 ms)');
    expect(launch?.why).toContain('this skill adds 3.0 ms to the last');
    expect(mail).toMatchObject({ met: false, value: '4.00×' });
    expect(mail?.why).toContain(
      'the SES client alone, loaded as the skill loads it, sending one mail takes 3.20× (64.0 ms)',
    );
    expect(rss?.met).toBe(false);
    expect(overhead).toMatchObject({ met: false, value: '3.00 ms' });
  });

  it('recommends the smallest memory size whose cold first mail fits the CPU budget at Lambda speed', () => {
    // 1 vCPU at 1,769 MB: 70 ms here is about 967 ms at 128 MB, 100 ms about 691 ms at 256 MB.
    expect(recommend(70, 50).memoryMb).toBe(128);
    expect(recommend(100, 50).memoryMb).toBe(256);
    // Peak RSS must stay under half of the memory size, whatever the CPU says.
    expect(recommend(10, 70).memoryMb).toBe(256);
    const { timeoutS, estimatedColdCpuMs } = recommend(100, 50);
    expect(estimatedColdCpuMs['256']).toBe(691);
    expect(timeoutS).toBe(Math.ceil((DEADLINE_CEILING_MS + 691) / 1000) + 1);
  });

  it('prints every target with a verdict for each node, why a missed one was missed, and the settings it recommends', () => {
    const text = markdown(
      results([
        measured({ launch: 28, mail: 80, overheadMs: 1 }),
        measured({ launch: 30, mail: 80, overheadMs: 1 }, 'v22.0.0'),
      ]),
    );
    expect(text).toContain('| Target | Node v20.0.0 | Node v22.0.0 |');
    expect(text).toContain('| cold start to a LaunchRequest answer ≤ 1.4× bare node | ✅ **1.40×** | ❌ **1.50×** |');
    expect(text).toContain('| code a cold start loads ≤ 300 KB minified | ✅ **117 KB** | ✅ **117 KB** |');
    expect(text).toContain(
      '- Node v22.0.0, cold start to a LaunchRequest answer ≤ 1.4× bare node: bare node takes 20.0 ms;',
    );
    expect(text).not.toContain('- Node v20.0.0, cold start to a LaunchRequest answer');
    expect(text).toContain('| Cold start on Node v20.0.0, ms: median (p10–p90) |');
    expect(text).toContain('| **LaunchRequest answered** (spawn → exit) | 20.0 (20.0–20.0) |');
    expect(text).toContain('### Lambda settings these figures argue for (Node v22.0.0)');
    expect(text).toContain('**memory 256 MB**');
  });

  it("says so when no node of Lambda's major was measured", () => {
    const text = markdown(
      results([measured({ launch: 28, mail: 40, overheadMs: 1 })], {
        notMeasured: "Node 22, the major of Lambda's nodejs22.x: it is missing",
      }),
    );
    expect(text).toContain("**Not measured:** Node 22, the major of Lambda's nodejs22.x: it is missing.");
  });
});

describe('the compile cache verdict', () => {
  const plain = { launch: cold(30), mail: cold(80) };
  const cached = (empty: [number, number], warm: [number, number]) => ({
    empty: { launch: cold(empty[0]), mail: cold(empty[1]) },
    warm: { launch: cold(warm[0]), mail: cold(warm[1]) },
  });

  it('advises against the cache when a start with an empty cache is slower, however much a warm one saves', () => {
    const advice = compileCacheAdvice(plain, cached([29, 82], [20, 60]));
    expect(advice.enable).toBe(false);
    expect(advice.why).toContain(
      'fresh Lambda container has it: −1.0 ms for a LaunchRequest, +2.0 ms for a first mail',
    );
    expect(advice.why).toContain(
      'as a second process would find it: −10.0 ms for a LaunchRequest, −20.0 ms for a first mail',
    );
  });

  it('advises the cache only when a start with an empty cache is not slower on either request', () => {
    expect(compileCacheAdvice(plain, cached([30, 79], [28, 70])).enable).toBe(true);
  });

  it('prints the three cold starts side by side with the verdict', () => {
    const node = measured({ launch: 30, mail: 80, overheadMs: 1 }, 'v22.0.0');
    const runs = cached([31, 83], [28, 75]);
    const withCache = {
      ...node,
      coldStart: {
        ...node.coldStart,
        compileCache: { runs, written: { launch: { files: 2, bytes: 20 * 1024 } }, ...compileCacheAdvice(plain, runs) },
      },
    };
    const text = markdown(results([withCache]));
    expect(text).toContain('### Compile cache on Node v22.0.0');
    expect(text).toContain(
      '| **first mail sent** (spawn → exit) | 80.0 (80.0–80.0) | 83.0 (83.0–83.0) | 75.0 (75.0–75.0) | 1.04× | 0.94× |',
    );
    expect(text).toContain('**Not worth turning on**: with an empty cache folder');
    expect(text).toContain('In the folder, a LaunchRequest writes 2 files, 20 KB.');
  });
});

describe('the results file', () => {
  it('holds every figure, rounded to three decimals, with each list of raw figures on one line', () => {
    const all = results([measured({ launch: 30.123456, mail: 80, overheadMs: 1 })]);
    const text = resultsJson(all);
    expect(text).toContain('"bareSamples": [20, 20, 20]');
    const parsed = JSON.parse(text) as Results;
    expect(parsed.nodes[0]?.coldStart.launch.project?.wallMs.median).toBe(30.123);
    expect(parsed.recommendation).toEqual(all.recommendation);
    expect(parsed.nodes[0]?.targets).toEqual(all.nodes[0]?.targets);
  });
});
