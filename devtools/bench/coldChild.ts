// Runs in a fresh `node` process, as Lambda's runtime would: loads one bundle, answers one
// request, reports how long each step took on file descriptor 3, and exits. runners.ts builds
// it into a small CommonJS file, so that nothing but node itself runs before the bundle loads.

import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import type { CacheOutcome } from '../../lambda/codeCache.ts';
import { CHILD_ENV, type ColdReport, type FailureReport, REPORT_FD } from './protocol.ts';

interface Bundle {
  handler(event: RequestEnvelope): Promise<ResponseEnvelope>;
  /** The project's loader says what V8 did with each file's code cache. */
  codeCacheOutcomes?(): Record<string, CacheOutcome>;
}

function finish(report: ColdReport | FailureReport, code: number): void {
  writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
  // Lambda freezes the process after the answer; exiting is the nearest thing here.
  process.exit(code);
}

const bundle = process.env[CHILD_ENV.bundle] ?? '';
const event = JSON.parse(process.env[CHILD_ENV.event] ?? '{}') as RequestEnvelope;
// process.uptime() reads the process's own clock: performance.now() would first load perf_hooks,
// a cost of the measuring that the bare node it is compared with never pays.
const now = () => process.uptime() * 1000;
const loadStartMs = now();
const load = createRequire(bundle);
const loaded = load(bundle) as Bundle;
const loadedMs = now();

loaded.handler(event).then(
  (response) => {
    const answeredMs = now();
    const cpu = process.cpuUsage();
    const codeCache = loaded.codeCacheOutcomes?.();
    const speech = response.response.outputSpeech;
    finish(
      {
        loadStartMs,
        loadedMs,
        answeredMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssKb: process.resourceUsage().maxRSS,
        speech: speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? ''),
        ...(response.response.card?.type === 'Simple' ? { cardTitle: response.response.card.title ?? '' } : {}),
        ...(process.env[CHILD_ENV.listFiles] ? { loadedFiles: Object.keys(load.cache) } : {}),
        ...(codeCache ? { codeCache } : {}),
      },
      0,
    );
  },
  (error: unknown) => finish({ error: `the handler threw ${(error as Error)?.message ?? String(error)}` }, 1),
);
