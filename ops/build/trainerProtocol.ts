// What the build tells its code cache training run (trainer.ts) and what the run answers: shared by
// both sides so that neither can drift.

import type { CacheOutcome } from '../../lambda/codeCache.ts';

export const TRAINER_ENV = {
  bundleDir: 'CODE_CACHE_BUNDLE_DIR',
  requests: 'CODE_CACHE_REQUESTS',
  /** Present to check a trained cache rather than make one. */
  manifest: 'CODE_CACHE_MANIFEST',
} as const;

export const CACHE_DIR = 'code-cache';

/** The trainer reports here, so that the skill's own log lines on stdout stay apart. */
export const REPORT_FD = 3;

export interface TrainerReport {
  readonly node: string;
  /** What each request was answered, as speech; a sent mail answers "Done…". */
  readonly answers: readonly string[];
  /** Training: bundle file → cache file. */
  readonly files: Readonly<Record<string, string>>;
  /** Checking: what V8 did with each file's cache. */
  readonly outcomes: Readonly<Record<string, CacheOutcome>>;
}
