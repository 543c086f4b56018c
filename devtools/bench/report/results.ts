// Everything one run of the benchmark measured, as written to docs/performance/results.json.

import type { MemoryRow } from '../memory.ts';
import type { Sizes } from '../sizes.ts';
import type { ThroughputFigures } from '../warm.ts';
import type { ColdResults, WarmFigures } from './figures.ts';
import type { Recommendation, Verdict } from './targets.ts';

export interface Results {
  readonly date: string;
  /** How long the run took, from the first build to the last figure. */
  readonly durationS: number;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly platform: string;
    /** 1, 5 and 15 minute load averages when the run started and when it ended. */
    readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  };
  readonly commit?: string;
  readonly settings: {
    readonly runs: number;
    readonly requests: number;
    readonly mails: number;
    readonly warmUp: number;
    readonly concurrency: number;
    readonly memoryRuns: number;
    readonly memoryRequests: number;
  };
  /** The one node every child ran on, the bare yardstick included. */
  readonly node: { readonly version: string; readonly path: string };
  /** Why Lambda's major was not measured, when it was not. */
  readonly notLambdaMajor?: string;
  /** The memory size in ask-resources.json, and the arguments Lambda's launcher passes for it. */
  readonly memoryMb: number;
  readonly lambdaArguments: readonly string[];
  /** With --limit-table: the abuse limits' DynamoDB table every first mail reserved its place in. */
  readonly limitTable?: string;
  /** The code cache the shipped build holds, or why it holds none. */
  readonly codeCache: { readonly node: string; readonly v8Flags: readonly string[] } | { readonly skipped: string };
  readonly cold: ColdResults;
  readonly warm: { readonly project?: WarmFigures; readonly baseline?: WarmFigures };
  readonly throughput: { readonly project?: ThroughputFigures; readonly baseline?: ThroughputFigures };
  readonly sizes: Sizes;
  readonly memory: {
    /** How each size's share of a CPU was given (a cgroup) or estimated. */
    readonly method: string;
    readonly rows: readonly MemoryRow[];
    readonly recommendation?: Recommendation;
  };
  readonly targets: readonly Verdict[];
}

/** Numbers rounded to the microsecond (or 0.001 of whatever unit): more digits are noise. */
function rounded(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

/** Indented JSON, with each list of raw figures on one line so that the file stays readable. */
export function resultsJson(results: Results): string {
  const indented = JSON.stringify(results, rounded, 2);
  return `${indented.replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, list: string) => `[${list.split(/,\s*/).join(', ')}]`)}\n`;
}
