// The measurements summarized: each cold figure's median and spread, and the warm overhead of the
// skill over a raw SDK call of the same mail.

import type { BareSample, ColdSample, ColdSamples } from '../cold.ts';
import type { LatencyReport } from '../protocol.ts';
import { type Summary, summarize } from '../stats.ts';
import type { Scenario, Setting, VariantName } from '../variants.ts';

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

export type ColdRuns = Record<Scenario, Partial<Record<VariantName, ColdFigures>>>;

export interface BareFigures {
  readonly wallMs: Summary;
  readonly cpuMs: Summary;
  readonly raw: { readonly wallMs: readonly number[]; readonly cpuMs: readonly number[] };
}

export interface ColdResults {
  /** A bare `node -e 0` in each setting. */
  readonly bare: Record<Setting, BareFigures>;
  /** A bare plain `node -e 0` trusting the local certificate: what that trust costs a start. */
  readonly bareTrusted: BareFigures;
  /** node -e "require('http')": what Lambda's runtime client loads before any handler. */
  readonly bareHttp: Record<Setting, BareFigures>;
  readonly runs: Record<Setting, ColdRuns>;
  /** Cold first mails that answered with the profile apology (a starved process) and were started again. */
  readonly starved: number;
}

export interface WarmFigures {
  readonly skillMs: Summary;
  readonly rawMs: Summary;
  /** The skill's own share: its percentile minus the raw SDK's. */
  readonly overheadP50Ms: number;
  readonly overheadP99Ms: number;
  readonly samples: LatencyReport;
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

function runsOf(byScenario: ColdSamples['runs'][Setting]): ColdRuns {
  const scenario = (name: Scenario) =>
    Object.fromEntries(
      Object.entries(byScenario[name]).map(([variant, runs]) => [variant, coldFigures(runs ?? [])]),
    ) as Partial<Record<VariantName, ColdFigures>>;
  return { launch: scenario('launch'), mail: scenario('mail') };
}

export function bareFigures(samples: readonly BareSample[]): BareFigures {
  const raw = { wallMs: samples.map(({ wallMs }) => wallMs), cpuMs: samples.map(({ cpuMs }) => cpuMs) };
  return { wallMs: summarize(raw.wallMs), cpuMs: summarize(raw.cpuMs), raw };
}

export function coldResults(samples: ColdSamples): ColdResults {
  return {
    bare: { plain: bareFigures(samples.bare.plain), lambda: bareFigures(samples.bare.lambda) },
    bareTrusted: bareFigures(samples.bareTrusted),
    bareHttp: { plain: bareFigures(samples.bareHttp.plain), lambda: bareFigures(samples.bareHttp.lambda) },
    runs: { plain: runsOf(samples.runs.plain), lambda: runsOf(samples.runs.lambda) },
    starved: samples.starved,
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
