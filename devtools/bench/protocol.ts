// What the benchmark's child processes are told (environment variables) and what they answer
// (one JSON line on file descriptor 3), shared by both sides so that neither can drift.

import type { CacheOutcome } from '../../lambda/codeCache.ts';

/** The child writes its one report here, so the skill's own log lines on stdout stay apart. */
export const REPORT_FD = 3;

export const CHILD_ENV = {
  /** Absolute path of the index.js to load. */
  bundle: 'BENCH_BUNDLE',
  /** The request envelope, as JSON. */
  event: 'BENCH_EVENT',
  /** Report the files require() loaded (for the size of an unbundled baseline). */
  listFiles: 'BENCH_LIST_FILES',
  /** Warm child: 'latency' or 'throughput'. */
  mode: 'BENCH_MODE',
  /** Warm child: measured requests (latency) or mails (throughput). */
  requests: 'BENCH_REQUESTS',
  /** Warm child: requests answered before measuring. */
  warmUp: 'BENCH_WARM_UP',
  /** Warm child: requests in flight at once (throughput). */
  concurrency: 'BENCH_CONCURRENCY',
  /** Warm child: absolute path of the build's lambda/mail/sesSdk.ts, the SES client the skill itself sends with. */
  rawSdk: 'BENCH_RAW_SDK',
  /** Warm child: the card title of a confirmed mail. */
  confirmation: 'BENCH_CONFIRMATION',
} as const;

export interface ColdReport {
  /** Milliseconds since the process started (process.uptime()) when the bundle started loading, when it was loaded, when the answer came. */
  readonly loadStartMs: number;
  readonly loadedMs: number;
  readonly answeredMs: number;
  /** User + system CPU time of the whole process until the answer. */
  readonly cpuMs: number;
  /** process.resourceUsage().maxRSS: peak resident set size, in KB. */
  readonly maxRssKb: number;
  readonly speech: string;
  readonly cardTitle?: string;
  /** With BENCH_LIST_FILES: every file in require.cache. */
  readonly loadedFiles?: string[];
  /** What V8 did with each file's code cache, when the build has the project's loader (index.js). */
  readonly codeCache?: Readonly<Record<string, CacheOutcome>>;
}

export interface LatencyReport {
  readonly warmUp: number;
  /** Per request, in order: the skill answering a SendEmailIntent, and a raw SDK SendEmail of the same mail. */
  readonly skillMs: number[];
  readonly rawMs: number[];
  /** Skill answers that confirmed a sent mail, and raw sends SES accepted, warm-up included. */
  readonly confirmed: number;
  readonly rawAccepted: number;
}

export interface ThroughputReport {
  readonly warmUp: number;
  readonly mails: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Skill answers that confirmed a sent mail, warm-up included. */
  readonly confirmed: number;
}

export interface FailureReport {
  readonly error: string;
}
