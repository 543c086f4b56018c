// What the build tells its code cache training run (trainer.ts) and what the run answers: shared by
// both sides so that neither can drift.

import type { CacheOutcome } from '../../lambda/codeCache.ts';

export const TRAINER_ENV = {
  step: 'CODE_CACHE_STEP',
  bundleDir: 'CODE_CACHE_BUNDLE_DIR',
  requests: 'CODE_CACHE_REQUESTS',
  /** The cache the train step made: what the renumber and check steps read. */
  manifest: 'CODE_CACHE_MANIFEST',
} as const;

/**
 * train: answer the requests and write what they compiled. renumber: load that cache in a process
 * that runs nothing and write it again, so that its bytes depend on the bundle alone. check: answer
 * the requests through the cache and say whether V8 took it.
 */
export type TrainerStep = 'train' | 'renumber' | 'check';

export const CACHE_DIR = 'code-cache';

/** The trainer reports here, so that the skill's own log lines on stdout stay apart. */
export const REPORT_FD = 3;

export interface TrainerReport {
  readonly node: string;
  /** What each request was answered, as speech; a sent mail answers "Done…". */
  readonly answers: readonly string[];
  /** Training: bundle file → cache file, in file name order. */
  readonly files: Readonly<Record<string, string>>;
  /** Checking: what V8 did with each file's cache. */
  readonly outcomes: Readonly<Record<string, CacheOutcome>>;
}

/** Why a step did not use the caches it was given, in one sentence; undefined when V8 took each one. A missing file is no refusal. */
export function cachesNotTaken(outcomes: Iterable<readonly [string, CacheOutcome | undefined]>): string | undefined {
  const missing: string[] = [];
  const refused: string[] = [];
  for (const [file, outcome] of outcomes)
    if (outcome === 'rejected') refused.push(file);
    else if (outcome !== 'accepted') missing.push(file);
  const reasons = [
    ...(missing.length > 0 ? [`found no cache file for ${missing.join(', ')}`] : []),
    ...(refused.length > 0 ? [`V8 refused the cache just trained for ${refused.join(', ')}`] : []),
  ];
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
