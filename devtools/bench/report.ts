// The figures summarized (medians with their spread, ratios to a bare node), the verdict on each
// target, and the Markdown the benchmark prints and writes into docs/performance.md.

import type { ColdSample, ColdSamples, Scenario, Setting } from './cold.ts';
import { ratio, type Summary, summarize } from './stats.ts';
import type { WarmReport } from './warmChild.ts';

const TARGETS = { launchVsBare: 1.3, mailVsBare: 2.5, peakRssMb: 80, overheadP99Ms: 2 } as const;

/** Each figure summarized, and in `raw` every measurement, one list per figure, in the order they were taken. */
export type ColdFigures = Record<keyof ColdSample, Summary> & { readonly raw: Record<keyof ColdSample, number[]> };

/** Per setting: the bare node, and each build in each scenario. */
export type ColdResults = Record<
  Setting,
  { readonly bare: ColdFigures } & Record<Scenario, Readonly<Record<string, ColdFigures>>>
>;

export interface WarmFigures {
  readonly skillMs: Summary;
  readonly rawMs: Summary;
  /** The skill's own share: its percentile minus the raw SDK's. */
  readonly overheadP50Ms: number;
  readonly overheadP99Ms: number;
  readonly samples: WarmReport;
}

export interface SizeFigures {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** What a LaunchRequest and a first mail load, all the code, and the zip `ask deploy` uploads. */
export type Sizes = Record<'launch' | 'mail' | 'allCode', SizeFigures> & { readonly zipBytes: number };

export interface Verdict {
  readonly target: string;
  readonly value: string;
  /** Undefined for a figure that is only reported. */
  readonly met?: boolean;
}

export interface Results {
  readonly date: string;
  readonly durationS: number;
  readonly machine: { cpu: string; cores: number; memoryGb: number; platform: string; loadAverage: object };
  readonly commit?: string;
  readonly settings: { readonly runs: number; readonly requests: number; readonly warmUp: number };
  readonly node: { readonly version: string; readonly path: string };
  /** Why Lambda's Node major was not the one measured, when it was not. */
  readonly notLambdaMajor?: string;
  readonly memoryMb: number;
  readonly lambdaArguments: readonly string[];
  readonly cold: ColdResults;
  /** Cold first mails that answered with the profile apology (a starved process) and were started again. */
  readonly starved: number;
  readonly warm: WarmFigures;
  readonly sizes: Sizes;
  readonly targets: readonly Verdict[];
}

const COLD_KEYS = ['wallMs', 'answeredMs', 'loadMs', 'cpuMs', 'maxRssKb'] as const;

export function coldFigures(samples: readonly ColdSample[]): ColdFigures {
  const lists = COLD_KEYS.map((key) => [key, samples.map((sample) => sample[key])] as const);
  const raw = Object.fromEntries(lists) as Record<keyof ColdSample, number[]>;
  return {
    ...(Object.fromEntries(lists.map(([key, list]) => [key, summarize(list)])) as Record<keyof ColdSample, Summary>),
    raw,
  };
}

export function coldResults(samples: ColdSamples): ColdResults {
  const of = (setting: Setting) => {
    const byBuild = (scenario: Scenario) =>
      Object.fromEntries(Object.entries(samples[setting][scenario]).map(([build, list]) => [build, coldFigures(list)]));
    return { bare: coldFigures(samples[setting].bare), launch: byBuild('launch'), mail: byBuild('mail') };
  };
  return { plain: of('plain'), lambda: of('lambda') };
}

export function warmFigures(samples: WarmReport): WarmFigures {
  const skillMs = summarize(samples.skillMs);
  const rawMs = summarize(samples.rawMs);
  return {
    skillMs,
    rawMs,
    overheadP50Ms: skillMs.median - rawMs.median,
    overheadP99Ms: skillMs.p99 - rawMs.p99,
    samples,
  };
}

const SETTING_WORDS = (setting: Setting, memoryMb: number) =>
  setting === 'plain' ? 'plain node' : `Lambda's flags for ${memoryMb} MB`;
const SCENARIO_WORDS: Record<Scenario, string> = {
  launch: 'cold LaunchRequest answered',
  mail: 'cold first mail sent',
};
const kb = (bytes: number) => (bytes / 1024).toFixed(0);

/** Each target with the figure that judges it: the project as shipped, against a bare node of the same setting. */
export function verdicts(cold: ColdResults, memoryMb: number, warm: WarmFigures, zipBytes: number): Verdict[] {
  const project = 'project';
  const ratios = (['launch', 'mail'] as const).flatMap((scenario) =>
    (['plain', 'lambda'] as const).map((setting): Verdict => {
      const limit = scenario === 'launch' ? TARGETS.launchVsBare : TARGETS.mailVsBare;
      const figures = cold[setting][scenario][project]!;
      const wall = ratio(figures.wallMs.median, cold[setting].bare.wallMs.median);
      const cpu = ratio(figures.cpuMs.median, cold[setting].bare.cpuMs.median);
      return {
        target: `${SCENARIO_WORDS[scenario]} ≤ ${limit}× bare node (${SETTING_WORDS(setting, memoryMb)})`,
        value: `${wall.toFixed(2)}× (CPU time ${cpu.toFixed(2)}×)`,
        met: wall <= limit,
      };
    }),
  );
  const peak = cold.lambda.mail[project]!.maxRssKb.max / 1024;
  return [
    ...ratios,
    {
      target: `peak RSS of a cold first mail ≤ ${TARGETS.peakRssMb} MB (Lambda's flags)`,
      value: `${peak.toFixed(1)} MB (highest of ${cold.lambda.mail[project]!.maxRssKb.n})`,
      met: peak <= TARGETS.peakRssMb,
    },
    {
      target: `warm skill overhead p99 < ${TARGETS.overheadP99Ms} ms (Lambda's flags)`,
      value: `${warm.overheadP99Ms.toFixed(2)} ms`,
      met: warm.overheadP99Ms < TARGETS.overheadP99Ms,
    },
    { target: 'the zip `ask deploy` uploads', value: `${kb(zipBytes)} KB` },
  ];
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (summary: Summary, format = ms) =>
  `${format(summary.median)} (${format(summary.p10)}–${format(summary.p90)})`;
const sizeCell = (size: SizeFigures) => `${kb(size.bytes)} KB (${kb(size.gzipBytes)} KB gz, ${size.files} files)`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

type Metric = Exclude<keyof ColdFigures, 'raw'>;
/** Label, request, figure, and whether a bare node has that figure to divide by. */
const ROWS: readonly [string, Scenario, Metric, boolean][] = [
  ['**LaunchRequest answered** (spawn → exit)', 'launch', 'wallMs', true],
  ['LaunchRequest: CPU time of the process', 'launch', 'cpuMs', true],
  ['LaunchRequest: index.js loaded, from process start', 'launch', 'loadMs', false],
  ['**first mail sent** (spawn → exit)', 'mail', 'wallMs', true],
  ['first mail: CPU time of the process', 'mail', 'cpuMs', true],
  ['first mail: process start → answer', 'mail', 'answeredMs', false],
  ['first mail: peak RSS (MB)', 'mail', 'maxRssKb', true],
];

function coldTable(results: Results, setting: Setting): string {
  const cold = results.cold[setting];
  const rows = ROWS.map(([label, scenario, metric, divides]) => {
    const format = metric === 'maxRssKb' ? (kilobytes: number) => (kilobytes / 1024).toFixed(1) : ms;
    const [bare, project] = [cold.bare[metric], cold[scenario].project![metric]];
    if (!divides) return [label, '', spread(project, format), ''];
    return [label, spread(bare, format), spread(project, format), `${ratio(project.median, bare.median).toFixed(2)}×`];
  });
  const setup = `node ${results.node.version} with ${SETTING_WORDS(setting, results.memoryMb)}`;
  const header = `Cold start, ${setup}, ms: median (p10–p90)`;
  return table([header, 'bare `node -e 0`', 'project, as shipped', 'project ÷ bare'], rows);
}

/** The tables and the targets, as Markdown. */
export function markdown(results: Results): string {
  const { warm, sizes } = results;
  const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
  const warmTable = table(
    [
      `Warm, one process, Lambda's flags for ${results.memoryMb} MB (${results.settings.requests} requests each)`,
      'ms p50 / p99',
    ],
    [
      ['SendEmailIntent answered', pair(warm.skillMs.median, warm.skillMs.p99)],
      ['raw SDK SendEmail of the same mail', pair(warm.rawMs.median, warm.rawMs.p99)],
      ["**the skill's own overhead**", pair(warm.overheadP50Ms, warm.overheadP99Ms)],
    ],
  );
  const sizeTable = table(
    ['Code: bytes as shipped (gzip -6 per file)', 'project'],
    [
      ['**loaded to answer a LaunchRequest**', sizeCell(sizes.launch)],
      ['loaded to send a first mail', sizeCell(sizes.mail)],
      ['all code in the package', sizeCell(sizes.allCode)],
      ['**the zip `ask deploy` uploads**', `${kb(sizes.zipBytes)} KB`],
    ],
  );
  const targetTable = table(
    ['Target', `Node ${results.node.version}`],
    results.targets.map(({ target, value, met }) => [
      target,
      `${met === undefined ? '' : met ? '✅ ' : '❌ '}**${value}**`,
    ]),
  );
  const starved =
    results.starved > 0
      ? `\n\n${results.starved} cold first mails answered with the profile apology (a child starved of CPU past the profile deadline) and were started again.`
      : '';
  return [
    ...(results.notLambdaMajor ? [`**Not measured:** ${results.notLambdaMajor}.`] : []),
    coldTable(results, 'plain'),
    coldTable(results, 'lambda'),
    warmTable,
    sizeTable,
    `### Targets\n\n${targetTable}${starved}`,
  ].join('\n\n');
}

/** The results as the JSON file the benchmark writes: three decimals, each list of raw figures on one line. */
export function resultsJson(results: Results): string {
  const text = JSON.stringify(
    results,
    (_key, value) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value),
    2,
  );
  return `${text.replace(/\[\s+([-\d.e,\s]+?)\s+\]/g, (_match, list: string) => `[${list.split(/,\s+/).join(', ')}]`)}\n`;
}
