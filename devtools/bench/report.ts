// Turns the measurements into what the benchmark prints and stores: the figures with their
// medians and spreads, each project figure as a ratio to the baseline and to a bare node, the
// issue's targets with a verdict (and, for a missed one, the floor that explains it), and the
// Lambda memory size and timeout the figures argue for.

import {
  PROFILE_TIMEOUT_MS,
  SES_ATTEMPT_TIMEOUT_MS,
  SES_MAX_ATTEMPTS,
  SES_RETRY_DELAY_MS,
} from '../../lambda/deadlines.ts';
import { CACHE_STATES, type CacheFiles, type CacheState, type ColdSample, type ColdSamples } from './cold.ts';
import type { LatencyReport } from './protocol.ts';
import { ratio, type Summary, summarize } from './stats.ts';
import type { Scenario, SizeFigures, VariantName } from './variants.ts';
import type { ThroughputFigures } from './warm.ts';

export const TARGETS = {
  launchVsBare: 1.4,
  mailVsBare: 2.0,
  startupKb: 300,
  peakRssMb: 80,
  overheadP99Ms: 2,
} as const;

/** Lambda gives a function one vCPU's worth of CPU time per second at 1,769 MB, proportionally less below. */
export const LAMBDA_MB_PER_VCPU = 1769;
export const MEMORY_CHOICES_MB = [128, 256, 512, 1024] as const;
/**
 * Alexa waits about 8 s and the calls to others may take 5.5 s in a realistic worst case
 * (lambda/deadlines.ts): the CPU work of a cold first mail, at Lambda's speed, must stay well
 * under the 2.5 s left, since the runtime's own start and the TLS handshakes (plain HTTP here)
 * come on top of it.
 */
export const COLD_CPU_BUDGET_MS = 1000;
/** The longest a request can wait on others, retry included: the skill's own deadlines. */
export const DEADLINE_CEILING_MS =
  PROFILE_TIMEOUT_MS + SES_MAX_ATTEMPTS * SES_ATTEMPT_TIMEOUT_MS + (SES_MAX_ATTEMPTS - 1) * SES_RETRY_DELAY_MS;

export interface ColdFigures {
  readonly wallMs: Summary;
  readonly answeredMs: Summary;
  readonly loadMs: Summary;
  readonly handleMs: Summary;
  readonly cpuMs: Summary;
  readonly maxRssKb: Summary;
  /** Every measurement, one list per figure, in the order they were taken. */
  readonly raw: Readonly<Record<keyof ColdSample, readonly number[]>>;
}

export interface WarmFigures {
  readonly skillMs: Summary;
  readonly rawMs: Summary;
  /** The skill's own share: its percentile minus the raw SDK's. */
  readonly overheadP50Ms: number;
  readonly overheadP99Ms: number;
  readonly samples: LatencyReport;
}

export interface Verdict {
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
  /** For a missed target: the measurement that says why. */
  readonly why?: string;
}

export interface Recommendation {
  readonly memoryMb: number;
  readonly timeoutS: number;
  /** p90 of the CPU time of a cold process that sent one mail, on this machine. */
  readonly coldMailCpuMs: number;
  /** That CPU time at each memory size, at Lambda's CPU share. */
  readonly estimatedColdCpuMs: Readonly<Record<string, number>>;
  readonly peakRssMb: number;
}

export interface CompileCacheFigures {
  /** The project's cold starts with NODE_COMPILE_CACHE on a folder that starts empty, or that an earlier process filled. */
  readonly runs: Record<CacheState, Record<Scenario, ColdFigures>>;
  /** What the first process that answered each request wrote to the folder. */
  readonly written: Partial<Record<Scenario, CacheFiles>>;
  /** Whether the skill should turn the cache on: only if a start with an empty cache is not slower. */
  readonly enable: boolean;
  readonly why: string;
}

export interface ColdStart extends Record<Scenario, Partial<Record<VariantName, ColdFigures>>> {
  readonly bareMs: Summary;
  readonly bareSamples: readonly number[];
  readonly compileCache?: CompileCacheFigures;
}

/** Everything measured on one node executable. */
export interface NodeResults {
  /** process.version of the executable. */
  readonly node: string;
  readonly path: string;
  readonly coldStart: ColdStart;
  readonly warm: Partial<Record<VariantName, WarmFigures>>;
  readonly throughput: Partial<Record<VariantName, ThroughputFigures>>;
  readonly targets: readonly Verdict[];
}

export type Sizes = Partial<
  Record<VariantName, { readonly launch: SizeFigures; readonly mail: SizeFigures; readonly all?: SizeFigures }>
>;

export interface Results {
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly platform: string;
  };
  readonly commit?: string;
  readonly settings: {
    readonly runs: number;
    readonly requests: number;
    readonly mails: number;
    readonly warmUp: number;
    readonly concurrency: number;
  };
  readonly nodes: readonly NodeResults[];
  /** Why no node of Lambda's major was measured, when none was. */
  readonly notMeasured?: string;
  /** The same on every node: the files each build loads. */
  readonly sizes: Sizes;
  /** From the cold first mail on the node of Lambda's major, or the first node when none was measured. */
  readonly recommendation: Recommendation & { readonly node: string };
}

const COLD_KEYS = [
  'wallMs',
  'answeredMs',
  'loadMs',
  'handleMs',
  'cpuMs',
  'maxRssKb',
] as const satisfies readonly (keyof ColdSample)[];

export function coldFigures(samples: readonly ColdSample[]): ColdFigures {
  const raw = Object.fromEntries(COLD_KEYS.map((key) => [key, samples.map((sample) => sample[key])])) as Record<
    keyof ColdSample,
    number[]
  >;
  return {
    wallMs: summarize(raw.wallMs),
    answeredMs: summarize(raw.answeredMs),
    loadMs: summarize(raw.loadMs),
    handleMs: summarize(raw.handleMs),
    cpuMs: summarize(raw.cpuMs),
    maxRssKb: summarize(raw.maxRssKb),
    raw,
  };
}

/**
 * The compile cache earns its place only if the first process of a container, which finds the
 * folder empty and must write it, is not slower than one without the cache: on Lambda that is
 * the only process most containers run. Judged on the medians from spawn to exit.
 */
export function compileCacheAdvice(
  plain: Partial<Record<Scenario, ColdFigures | undefined>>,
  cached: Record<CacheState, Record<Scenario, ColdFigures>>,
): { enable: boolean; why: string } {
  const scenarios = (['launch', 'mail'] as const).filter((scenario) => plain[scenario]);
  const words: Record<Scenario, string> = { launch: 'a LaunchRequest', mail: 'a first mail' };
  const change = (scenario: Scenario, state: CacheState) =>
    cached[state][scenario].wallMs.median - plain[scenario]!.wallMs.median;
  const signed = (ms: number) => `${ms > 0 ? '+' : ms < 0 ? '−' : '±'}${Math.abs(ms).toFixed(1)} ms`;
  const slower = scenarios.filter((scenario) => change(scenario, 'empty') > 0);
  const effect = (state: CacheState) =>
    scenarios.map((scenario) => `${signed(change(scenario, state))} for ${words[scenario]}`).join(', ');
  const enable = scenarios.length > 0 && slower.length === 0;
  return {
    enable,
    why: `with an empty cache folder, as a fresh Lambda container has it: ${effect('empty')}; with a warm one, as a second process would find it: ${effect('warm')} (medians, spawn to exit, against no cache)`,
  };
}

export function coldResults(samples: ColdSamples): ColdStart {
  const scenario = (name: Scenario) =>
    Object.fromEntries(
      Object.entries(samples.runs[name]).map(([variant, runs]) => [variant, coldFigures(runs ?? [])]),
    ) as Partial<Record<VariantName, ColdFigures>>;
  const plain = { launch: scenario('launch'), mail: scenario('mail') };
  const cache = samples.compileCache;
  let compileCache: CompileCacheFigures | undefined;
  if (cache) {
    const byState = (state: CacheState) => ({
      launch: coldFigures(cache.runs[state].launch),
      mail: coldFigures(cache.runs[state].mail),
    });
    const runs = { empty: byState('empty'), warm: byState('warm') };
    compileCache = {
      runs,
      written: cache.written,
      ...compileCacheAdvice({ launch: plain.launch.project, mail: plain.mail.project }, runs),
    };
  }
  return {
    bareMs: summarize(samples.bare),
    bareSamples: samples.bare,
    ...plain,
    ...(compileCache ? { compileCache } : {}),
  };
}

export function warmFigures(report: LatencyReport): WarmFigures {
  const skillMs = summarize(report.skillMs);
  const rawMs = summarize(report.rawMs);
  return {
    skillMs,
    rawMs,
    overheadP50Ms: skillMs.median - rawMs.median,
    overheadP99Ms: skillMs.p99 - rawMs.p99,
    samples: report,
  };
}

/** The smallest memory size at which a cold first mail stays within the CPU budget, with peak RSS under half of it. */
export function recommend(coldMailCpuMs: number, peakRssMb: number): Recommendation {
  const atMemory = (memoryMb: number) => Math.round((coldMailCpuMs * LAMBDA_MB_PER_VCPU) / memoryMb);
  const largest = MEMORY_CHOICES_MB[MEMORY_CHOICES_MB.length - 1] as number;
  const memoryMb: number =
    MEMORY_CHOICES_MB.find((memory) => atMemory(memory) <= COLD_CPU_BUDGET_MS && peakRssMb <= memory / 2) ?? largest;
  // Longer than the skill's own deadlines plus a cold start, so that they, not Lambda, end a slow request, and it is logged.
  const timeoutS = Math.ceil((DEADLINE_CEILING_MS + atMemory(memoryMb)) / 1000) + 1;
  return {
    memoryMb,
    timeoutS,
    coldMailCpuMs: Math.round(coldMailCpuMs * 10) / 10,
    estimatedColdCpuMs: Object.fromEntries(MEMORY_CHOICES_MB.map((memory) => [`${memory}`, atMemory(memory)])),
    peakRssMb: Math.round(peakRssMb * 10) / 10,
  };
}

const kb = (bytes: number) => bytes / 1024;

export function verdicts(results: Omit<NodeResults, 'targets'>, sizesMeasured: Sizes): Verdict[] {
  const bare = results.coldStart.bareMs.median;
  const cold = (scenario: Scenario, variant: VariantName) => results.coldStart[scenario][variant]?.wallMs.median;
  const vsBare = (ms: number) => ratio(ms, bare);
  const list: Verdict[] = [];
  /** For a missed target: what the floors take, and what this skill adds to the nearest one. */
  const floorsSay = (
    scenario: Scenario,
    project: number,
    floors: readonly [VariantName, string][],
  ): string | undefined => {
    const measured = floors.flatMap(([name, label]) => {
      const ms = cold(scenario, name);
      return ms === undefined ? [] : [{ ms, text: `${label} takes ${vsBare(ms).toFixed(2)}× (${ms.toFixed(1)} ms)` }];
    });
    const nearest = measured.at(-1);
    if (!nearest) return undefined;
    return `bare node takes ${bare.toFixed(1)} ms; ${measured.map(({ text }) => text).join('; ')}; this skill adds ${(project - nearest.ms).toFixed(1)} ms to the last`;
  };
  const coldTarget = (scenario: Scenario, limit: number, what: string, floors: readonly [VariantName, string][]) => {
    const project = cold(scenario, 'project');
    if (project === undefined) return;
    const value = vsBare(project);
    const why = value > limit ? floorsSay(scenario, project, floors) : undefined;
    list.push({
      target: `cold start to ${what} ≤ ${limit.toFixed(1)}× bare node`,
      value: `${value.toFixed(2)}×`,
      met: value <= limit,
      ...(why ? { why } : {}),
    });
  };
  coldTarget('launch', TARGETS.launchVsBare, 'a LaunchRequest answer', [
    ['askSdkAlone', 'ask-sdk-core alone answering it with one handler'],
    ['askSdkLogging', 'the same writing one JSON log line to stdout, as the skill does'],
  ]);
  coldTarget('mail', TARGETS.mailVsBare, 'a sent mail', [
    ['sesClientAlone', 'the SES client alone, loaded as the skill loads it, sending one mail'],
  ]);
  const sizes = sizesMeasured.project;
  if (sizes) {
    list.push({
      target: `code a cold start loads ≤ ${TARGETS.startupKb} KB minified`,
      value: `${kb(sizes.launch.bytes).toFixed(0)} KB`,
      met: kb(sizes.launch.bytes) <= TARGETS.startupKb,
    });
  }
  const mail = results.coldStart.mail.project;
  if (mail) {
    const peak = mail.maxRssKb.max / 1024;
    list.push({
      target: `peak RSS of a cold process that sent one mail ≤ ${TARGETS.peakRssMb} MB`,
      value: `${peak.toFixed(1)} MB (highest of ${mail.maxRssKb.n})`,
      met: peak <= TARGETS.peakRssMb,
    });
  }
  const warm = results.warm.project;
  if (warm) {
    list.push({
      target: `warm skill overhead p99 < ${TARGETS.overheadP99Ms} ms`,
      value: `${warm.overheadP99Ms.toFixed(2)} ms`,
      met: warm.overheadP99Ms < TARGETS.overheadP99Ms,
    });
  }
  return list;
}

// ---- JSON ----

/** Numbers rounded to the microsecond (or 0.001 of whatever unit): more digits are noise. */
function rounded(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

/** Indented JSON, with each list of raw figures on one line so that the file stays readable. */
export function resultsJson(results: Results): string {
  const indented = JSON.stringify(results, rounded, 2);
  return `${indented.replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, list: string) => `[${list.split(/,\s*/).join(', ')}]`)}\n`;
}

// ---- Markdown ----

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (summary: Summary, format = ms) =>
  `${format(summary.median)} (${format(summary.p10)}–${format(summary.p90)})`;
const times = (value: number) => `${value.toFixed(2)}×`;
const sizeCell = (size: SizeFigures | undefined) =>
  size ? `${kb(size.bytes).toFixed(0)} KB (${kb(size.gzipBytes).toFixed(0)} KB gz, ${size.files} files)` : '—';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const BUILDS: readonly VariantName[] = ['baseline', 'naive', 'project'];
const COLD_COLUMNS: readonly VariantName[] = [...BUILDS, 'askSdkAlone', 'askSdkLogging', 'sesClientAlone'];
const LABELS: Record<VariantName, string> = {
  baseline: 'baseline (unbundled)',
  naive: 'naive bundle',
  project: 'project',
  askSdkAlone: 'floor: ask-sdk-core alone',
  askSdkLogging: 'floor: ask-sdk-core + 1 log line',
  sesClientAlone: 'floor: SES client alone',
};
const mb = (kilobytes: number) => (kilobytes / 1024).toFixed(1);

function coldTable({ node, coldStart }: NodeResults): string {
  const bare = coldStart.bareMs;
  const columns = COLD_COLUMNS.filter((variant) => coldStart.launch[variant] || coldStart.mail[variant]);
  const row = (
    label: string,
    scenario: Scenario,
    key: keyof Omit<ColdFigures, 'raw'>,
    withBare: boolean,
    format = ms,
  ): string[] => {
    const project = coldStart[scenario].project?.[key];
    const baseline = coldStart[scenario].baseline?.[key];
    return [
      label,
      withBare ? spread(bare) : '',
      ...columns.map((variant) => {
        const summary = coldStart[scenario][variant]?.[key];
        return summary ? spread(summary, format) : '';
      }),
      project && baseline ? times(ratio(project.median, baseline.median)) : '',
      project && withBare ? times(ratio(project.median, bare.median)) : '',
    ];
  };
  return table(
    [
      `Cold start on Node ${node}, ms: median (p10–p90)`,
      'bare `node -e 0`',
      ...columns.map((variant) => LABELS[variant]),
      'project ÷ baseline',
      'project ÷ bare',
    ],
    [
      row('**LaunchRequest answered** (spawn → exit)', 'launch', 'wallMs', true),
      row('**first mail sent** (spawn → exit)', 'mail', 'wallMs', true),
      row('LaunchRequest: process start → answer', 'launch', 'answeredMs', false),
      row('LaunchRequest: loading index.js', 'launch', 'loadMs', false),
      row('first mail: process start → answer', 'mail', 'answeredMs', false),
      row('first mail: index.js loaded → answer', 'mail', 'handleMs', false),
      row('first mail: CPU time of the process', 'mail', 'cpuMs', false),
      row('first mail: peak RSS (MB)', 'mail', 'maxRssKb', false, mb),
    ],
  );
}

function compileCacheSection({ node, coldStart }: NodeResults): string[] {
  const cache = coldStart.compileCache;
  const launch = coldStart.launch.project;
  const mail = coldStart.mail.project;
  if (!cache || !launch || !mail) return [];
  const plain = { launch, mail };
  const row = (label: string, scenario: Scenario, key: keyof Omit<ColdFigures, 'raw'>): string[] => [
    label,
    spread(plain[scenario][key]),
    ...CACHE_STATES.map((state) => spread(cache.runs[state][scenario][key])),
    ...CACHE_STATES.map((state) => times(ratio(cache.runs[state][scenario][key].median, plain[scenario][key].median))),
  ];
  const written = (['launch', 'mail'] as const).flatMap((scenario) => {
    const files = cache.written[scenario];
    return files
      ? [
          `${scenario === 'launch' ? 'a LaunchRequest' : 'a first mail'} writes ${files.files} files, ${kb(files.bytes).toFixed(0)} KB`,
        ]
      : [];
  });
  return [
    `### Compile cache on Node ${node}: the project, NODE_COMPILE_CACHE on a folder of its own`,
    '',
    table(
      [
        'ms: median (p10–p90)',
        'no cache',
        'empty cache (fresh container)',
        'warm cache (second process)',
        'empty ÷ none',
        'warm ÷ none',
      ],
      [
        row('**LaunchRequest answered** (spawn → exit)', 'launch', 'wallMs'),
        row('LaunchRequest: process start → answer', 'launch', 'answeredMs'),
        row('**first mail sent** (spawn → exit)', 'mail', 'wallMs'),
        row('first mail: process start → answer', 'mail', 'answeredMs'),
        row('first mail: CPU time of the process', 'mail', 'cpuMs'),
      ],
    ),
    '',
    `${cache.enable ? '**Worth turning on**' : '**Not worth turning on**'}: ${cache.why}. ${written.length > 0 ? `In the folder, ${written.join('; ')}.` : ''}`.trim(),
  ];
}

function warmTable(results: Results): string {
  const { settings } = results;
  const columns = results.nodes.flatMap((node) =>
    BUILDS.filter((variant) => node.warm[variant] || node.throughput[variant]).map((variant) => ({ node, variant })),
  );
  const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
  const cells = (value: (figures: WarmFigures) => string) =>
    columns.map(({ node, variant }) => (node.warm[variant] ? value(node.warm[variant]) : '—'));
  return table(
    ['Warm, one process', ...columns.map(({ node, variant }) => `${LABELS[variant]}, Node ${node.node}`)],
    [
      [
        `SendEmailIntent answered, ms p50 / p99 (${settings.requests} requests)`,
        ...cells((w) => pair(w.skillMs.median, w.skillMs.p99)),
      ],
      ['raw SDK SendEmail of the same mail, ms p50 / p99', ...cells((w) => pair(w.rawMs.median, w.rawMs.p99))],
      ["**the skill's own overhead**, ms p50 / p99", ...cells((w) => pair(w.overheadP50Ms, w.overheadP99Ms))],
      [
        `throughput, mails/s (${settings.mails} mails, ${settings.concurrency} in flight)`,
        ...columns.map(({ node, variant }) => {
          const figures = node.throughput[variant];
          return figures
            ? `${figures.mailsPerSecond.toFixed(0)} (${figures.lost} lost, ${figures.duplicated} duplicated)`
            : '—';
        }),
      ],
    ],
  );
}

function sizeTable(results: Results): string {
  const { sizes } = results;
  return table(
    ['Code loaded: bytes as shipped (gzip -6 per file)', ...BUILDS.map((variant) => LABELS[variant])],
    [
      ['**to answer a LaunchRequest**', ...BUILDS.map((variant) => sizeCell(sizes[variant]?.launch))],
      ['to send a first mail', ...BUILDS.map((variant) => sizeCell(sizes[variant]?.mail))],
      ['all code in the Lambda package', ...BUILDS.map((variant) => sizeCell(sizes[variant]?.all))],
    ],
  );
}

/** One row per target, one column per node; below it, why each missed one was missed. */
function targetsSection(nodes: readonly NodeResults[]): string[] {
  const targets = [...new Set(nodes.flatMap((node) => node.targets.map(({ target }) => target)))];
  const cell = (node: NodeResults, target: string) => {
    const verdict = node.targets.find((found) => found.target === target);
    return verdict ? `${verdict.met ? '✅' : '❌'} **${verdict.value}**` : '—';
  };
  const reasons = nodes.flatMap((node) =>
    node.targets.filter(({ why }) => why).map(({ target, why }) => `- Node ${node.node}, ${target}: ${why}.`),
  );
  return [
    table(
      ['Target', ...nodes.map(({ node }) => `Node ${node}`)],
      targets.map((target) => [target, ...nodes.map((node) => cell(node, target))]),
    ),
    ...(reasons.length > 0 ? ['', ...reasons] : []),
  ];
}

export function markdown(results: Results): string {
  const { settings, recommendation: r, nodes } = results;
  const estimates = MEMORY_CHOICES_MB.map((memory) => `${memory} MB ≈ ${r.estimatedColdCpuMs[`${memory}`]} ms`).join(
    ', ',
  );
  return [
    `## Benchmark ${results.date.slice(0, 10)}: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${nodes.map(({ node }) => node).join(' and ')}`,
    '',
    `${settings.runs} cold runs of each kind, alternating, ${nodes.length > 1 ? 'the nodes interleaved, ' : ''}in a clean environment like Lambda's; each node's ratios are to its own bare \`node -e 0\`. The baseline's sizes are its files as loaded from node_modules (not minified).`,
    ...(results.notMeasured ? ['', `**Not measured:** ${results.notMeasured}.`] : []),
    ...nodes.flatMap((node) => ['', coldTable(node)]),
    ...nodes.flatMap((node) => {
      const section = compileCacheSection(node);
      return section.length > 0 ? ['', ...section] : [];
    }),
    '',
    warmTable(results),
    '',
    sizeTable(results),
    '',
    '### Targets',
    '',
    ...targetsSection(nodes),
    '',
    `### Lambda settings these figures argue for (Node ${r.node})`,
    '',
    `- **memory ${r.memoryMb} MB**: a cold first mail takes ${r.coldMailCpuMs} ms of CPU here (p90); at Lambda's share of a vCPU (1 vCPU per ${LAMBDA_MB_PER_VCPU} MB) that is ${estimates}. ${r.memoryMb} MB is the smallest within ${COLD_CPU_BUDGET_MS} ms, and peak RSS (${r.peakRssMb} MB) is under half of it.`,
    `- **timeout ${r.timeoutS} s**: the skill's own deadlines (${DEADLINE_CEILING_MS / 1000} s at most, retry included) plus that cold start, rounded up, plus 1 s, so that the skill, not Lambda, ends a slow request and logs why.`,
  ].join('\n');
}
