// Runs in a fresh `node` process, as Lambda's runtime would: loads one bundle, answers one request,
// reports on file descriptor 3 and exits. builds.ts makes it a small CommonJS file, so that nothing
// but node itself runs before the bundle loads.

import { writeSync } from 'node:fs';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { CHILD_ENV, type ColdReport, REPORT_FD } from './cold.ts';

function finish(report: ColdReport | { error: string }, code: number): void {
  writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
  // Lambda freezes the process after the answer; exiting is the nearest thing here.
  process.exit(code);
}

// process.uptime() reads the process's own clock: performance.now() would first load perf_hooks,
// a cost of the measuring that the bare node it is compared with never pays.
const now = () => process.uptime() * 1000;
const { handler } = require(process.env[CHILD_ENV.bundle] ?? '') as {
  handler(event: RequestEnvelope): Promise<ResponseEnvelope>;
};
const loadedMs = now();

handler(JSON.parse(process.env[CHILD_ENV.event] ?? '{}') as RequestEnvelope).then(
  ({ response }) => {
    const answeredMs = now();
    const cpu = process.cpuUsage();
    const speech = response.outputSpeech;
    finish(
      {
        loadedMs,
        answeredMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssKb: process.resourceUsage().maxRSS,
        speech: speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? ''),
        ...(response.card?.type === 'Simple' ? { cardTitle: response.card.title ?? '' } : {}),
        files: Object.keys(require.cache),
      },
      0,
    );
  },
  (error: unknown) => finish({ error: `the handler threw ${(error as Error)?.message ?? String(error)}` }, 1),
);
