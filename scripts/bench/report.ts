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
import type { ColdSample, ColdSamples } from './cold.ts';
import type { LatencyReport } from './protocol.ts';
import { ratio, summarize, type Summary } from './stats.ts';
import type { ThroughputFigures } from './warm.ts';
import type { Scenario, SizeFigures, VariantName } from './variants.ts';

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

export interface Results {
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly platform: string };
  readonly node: string;
  readonly commit?: string;
  readonly settings: { readonly runs: number; readonly requests: number; readonly mails: number; readonly warmUp: number; readonly concurrency: number };
  readonly coldStart: { readonly bareMs: Summary; readonly bareSamples: readonly number[] } & Record<Scenario, Partial<Record<VariantName, ColdFigures>>>;
  readonly warm: Partial<Record<VariantName, WarmFigures>>;
  readonly throughput: Partial<Record<VariantName, ThroughputFigures>>;
  readonly sizes: Partial<Record<VariantName, { readonly launch: SizeFigures; readonly mail: SizeFigures; readonly all?: SizeFigures }>>;
  readonly targets: readonly Verdict[];
  readonly recommendation: Recommendation;
}

const COLD_KEYS = ['wallMs', 'answeredMs', 'loadMs', 'handleMs', 'cpuMs', 'maxRssKb'] as const satisfies readonly (keyof ColdSample)[];

export function coldFigures(samples: readonly ColdSample[]): ColdFigures {
  const raw = Object.fromEntries(COLD_KEYS.map((key) => [key, samples.map((sample) => sample[key])])) as Record<keyof ColdSample, number[]>;
  return { wallMs: summarize(raw.wallMs), answeredMs: summarize(raw.answeredMs), loadMs: summarize(raw.loadMs), handleMs: summarize(raw.handleMs), cpuMs: summarize(raw.cpuMs), maxRssKb: summarize(raw.maxRssKb), raw };
}

export function coldResults(samples: ColdSamples): Results['coldStart'] {
  const scenario = (name: Scenario) =>
    Object.fromEntries(Object.entries(samples.runs[name]).map(([variant, runs]) => [variant, coldFigures(runs ?? [])])) as Partial<Record<VariantName, ColdFigures>>;
  return { bareMs: summarize(samples.bare), bareSamples: samples.bare, launch: scenario('launch'), mail: scenario('mail') };
}

export function warmFigures(report: LatencyReport): WarmFigures {
  const skillMs = summarize(report.skillMs);
  const rawMs = summarize(report.rawMs);
  return { skillMs, rawMs, overheadP50Ms: skillMs.median - rawMs.median, overheadP99Ms: skillMs.p99 - rawMs.p99, samples: report };
}

/** The smallest memory size at which a cold first mail stays within the CPU budget, with peak RSS under half of it. */
export function recommend(coldMailCpuMs: number, peakRssMb: number): Recommendation {
  const atMemory = (memoryMb: number) => Math.round((coldMailCpuMs * LAMBDA_MB_PER_VCPU) / memoryMb);
  const largest = MEMORY_CHOICES_MB[MEMORY_CHOICES_MB.length - 1] as number;
  const memoryMb: number = MEMORY_CHOICES_MB.find((memory) => atMemory(memory) <= COLD_CPU_BUDGET_MS && peakRssMb <= memory / 2) ?? largest;
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

export function verdicts(results: Omit<Results, 'targets' | 'recommendation'>): Verdict[] {
  const bare = results.coldStart.bareMs.median;
  const cold = (scenario: Scenario, variant: VariantName) => results.coldStart[scenario][variant]?.wallMs.median;
  const vsBare = (ms: number) => ratio(ms, bare);
  const list: Verdict[] = [];
  /** For a missed target: what the floors take, and what this skill adds to the nearest one. */
  const floorsSay = (scenario: Scenario, project: number, floors: readonly [VariantName, string][]): string | undefined => {
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
    list.push({ target: `cold start to ${what} ≤ ${limit.toFixed(1)}× bare node`, value: `${value.toFixed(2)}×`, met: value <= limit, ...(why ? { why } : {}) });
  };
  coldTarget('launch', TARGETS.launchVsBare, 'a LaunchRequest answer', [
    ['askSdkAlone', 'ask-sdk-core alone answering it with one handler'],
    ['askSdkLogging', 'the same writing one JSON log line to stdout, as the skill does'],
  ]);
  coldTarget('mail', TARGETS.mailVsBare, 'a sent mail', [['sesClientAlone', 'the SES client alone, loaded as the skill loads it, sending one mail']]);
  const sizes = results.sizes.project;
  if (sizes) {
    list.push({ target: `code a cold start loads ≤ ${TARGETS.startupKb} KB minified`, value: `${kb(sizes.launch.bytes).toFixed(0)} KB`, met: kb(sizes.launch.bytes) <= TARGETS.startupKb });
  }
  const mail = results.coldStart.mail.project;
  if (mail) {
    const peak = mail.maxRssKb.max / 1024;
    list.push({ target: `peak RSS of a cold process that sent one mail ≤ ${TARGETS.peakRssMb} MB`, value: `${peak.toFixed(1)} MB (highest of ${mail.maxRssKb.n})`, met: peak <= TARGETS.peakRssMb });
  }
  const warm = results.warm.project;
  if (warm) {
    list.push({ target: `warm skill overhead p99 < ${TARGETS.overheadP99Ms} ms`, value: `${warm.overheadP99Ms.toFixed(2)} ms`, met: warm.overheadP99Ms < TARGETS.overheadP99Ms });
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
const spread = (summary: Summary, format = ms) => `${format(summary.median)} (${format(summary.p10)}–${format(summary.p90)})`;
const times = (value: number) => `${value.toFixed(2)}×`;
const sizeCell = (size: SizeFigures | undefined) => (size ? `${kb(size.bytes).toFixed(0)} KB (${kb(size.gzipBytes).toFixed(0)} KB gz, ${size.files} files)` : '—');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
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

function coldTable(results: Results): string {
  const { coldStart } = results;
  const bare = coldStart.bareMs;
  const mb = (value: number) => (value / 1024).toFixed(1);
  const row = (label: string, scenario: Scenario, key: keyof Omit<ColdFigures, 'raw'>, withBare: boolean, format = ms): string[] => {
    const project = coldStart[scenario].project?.[key];
    const baseline = coldStart[scenario].baseline?.[key];
    return [
      label,
      withBare ? spread(bare) : '',
      ...COLD_COLUMNS.map((variant) => {
        const summary = coldStart[scenario][variant]?.[key];
        return summary ? spread(summary, format) : '';
      }),
      project && baseline ? times(ratio(project.median, baseline.median)) : '',
      project && withBare ? times(ratio(project.median, bare.median)) : '',
    ];
  };
  return table(
    ['Cold start, ms: median (p10–p90)', 'bare `node -e 0`', ...COLD_COLUMNS.map((variant) => LABELS[variant]), 'project ÷ baseline', 'project ÷ bare'],
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

function warmTable(results: Results): string {
  const { warm, throughput, settings } = results;
  const columns = BUILDS.filter((variant) => warm[variant] || throughput[variant]);
  const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
  const cell = (variant: VariantName, value: (figures: WarmFigures) => string) => (warm[variant] ? value(warm[variant]) : '—');
  return table(
    ['Warm, one process', ...columns.map((variant) => LABELS[variant])],
    [
      [`SendEmailIntent answered, ms p50 / p99 (${settings.requests} requests)`, ...columns.map((variant) => cell(variant, (w) => pair(w.skillMs.median, w.skillMs.p99)))],
      ['raw SDK SendEmail of the same mail, ms p50 / p99', ...columns.map((variant) => cell(variant, (w) => pair(w.rawMs.median, w.rawMs.p99)))],
      ["**the skill's own overhead**, ms p50 / p99", ...columns.map((variant) => cell(variant, (w) => pair(w.overheadP50Ms, w.overheadP99Ms)))],
      [
        `throughput, mails/s (${settings.mails} mails, ${settings.concurrency} in flight)`,
        ...columns.map((variant) => {
          const figures = throughput[variant];
          return figures ? `${figures.mailsPerSecond.toFixed(0)} (${figures.lost} lost, ${figures.duplicated} duplicated)` : '—';
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

export function markdown(results: Results): string {
  const { settings, recommendation: r } = results;
  const targets = results.targets.flatMap((verdict) => [
    `- ${verdict.met ? '✅' : '❌'} ${verdict.target}: **${verdict.value}**`,
    ...(verdict.why ? [`  - why: ${verdict.why}.`] : []),
  ]);
  const estimates = MEMORY_CHOICES_MB.map((memory) => `${memory} MB ≈ ${r.estimatedColdCpuMs[`${memory}`]} ms`).join(', ');
  return [
    `## Benchmark ${results.date.slice(0, 10)}: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.node}`,
    '',
    `${settings.runs} cold runs of each kind, alternating, in a clean environment like Lambda's. The baseline's sizes are its files as loaded from node_modules (not minified).`,
    '',
    coldTable(results),
    '',
    warmTable(results),
    '',
    sizeTable(results),
    '',
    '### Targets',
    '',
    ...targets,
    '',
    '### Lambda settings these figures argue for',
    '',
    `- **memory ${r.memoryMb} MB**: a cold first mail takes ${r.coldMailCpuMs} ms of CPU here (p90); at Lambda's share of a vCPU (1 vCPU per ${LAMBDA_MB_PER_VCPU} MB) that is ${estimates}. ${r.memoryMb} MB is the smallest within ${COLD_CPU_BUDGET_MS} ms, and peak RSS (${r.peakRssMb} MB) is under half of it.`,
    `- **timeout ${r.timeoutS} s**: the skill's own deadlines (${DEADLINE_CEILING_MS / 1000} s at most, retry included) plus that cold start, rounded up, plus 1 s, so that the skill, not Lambda, ends a slow request and logs why.`,
  ].join('\n');
}
