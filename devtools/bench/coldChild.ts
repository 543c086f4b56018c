// Runs in a fresh `node` process, as Lambda's runtime would: loads one bundle, answers one
// request, reports how long each step took on file descriptor 3, and exits. runners.ts builds
// it into a small CommonJS file, so that nothing but node itself runs before the bundle loads.

import { writeSync } from 'node:fs';
import * as nodeModule from 'node:module';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { CHILD_ENV, type ColdReport, type FailureReport, REPORT_FD } from './protocol.ts';

type Handler = (event: RequestEnvelope) => Promise<ResponseEnvelope>;
/** Node 22.8 and later; this project's types are Node 20's. */
type CompileCacheApi = { getCompileCacheDir?: () => string | undefined };

function finish(report: ColdReport | FailureReport, code: number): void {
  writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
  // Lambda freezes the process after the answer; exiting is the nearest thing here.
  process.exit(code);
}

const bundle = process.env[CHILD_ENV.bundle] ?? '';
const event = JSON.parse(process.env[CHILD_ENV.event] ?? '{}') as RequestEnvelope;
const loadStartMs = performance.now();
const load = nodeModule.createRequire(bundle);
const { handler } = load(bundle) as { handler: Handler };
const loadedMs = performance.now();

handler(event).then(
  (response) => {
    const answeredMs = performance.now();
    const cpu = process.cpuUsage();
    const compileCacheDir = (nodeModule as CompileCacheApi).getCompileCacheDir?.();
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
        ...(compileCacheDir ? { compileCacheDir } : {}),
      },
      0,
    );
  },
  (error: unknown) => finish({ error: `the handler threw ${(error as Error)?.message ?? String(error)}` }, 1),
);
