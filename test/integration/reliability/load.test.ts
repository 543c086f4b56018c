// The small load run (`npm run load` is the large one): concurrent SendEmailIntent
// requests through the skill against the local outbox. Every request is answered, the outbox
// holds exactly one mail per confirmation, nothing goes unhandled, and the live heap stays
// within a bound loose enough never to flake on a busy machine.
//
// 25 requests at once in one process are more than a Lambda container ever holds (it runs
// one at a time): on a busy machine a few of them wait past the skill's own deadlines, and
// the skill then apologises as it promises. The test accounts for each of those answers
// instead of hoping the machine is idle.

import { describe, expect, it } from 'vitest';
import { megabytes } from '../../../devtools/load/memory.ts';
import { heapGrowth, runLoad } from '../../../devtools/load/run.ts';
import { capturedOutput } from '../../helpers/outputCapture.ts';

/** What the SDK reports when the skill's own SES attempt deadline (or connection deadline) cuts a call short. */
const SES_DEADLINE_ERRORS = new Set(['AbortError', 'TimeoutError']);

describe('a small load run on loopback', () => {
  it('answers 400 concurrent SendEmailIntents with one mail per confirmation and no unhandled error', async () => {
    const figures = await runLoad({ warmUp: 100, requests: 300, concurrency: 25, waves: 3 });
    const logged = (capturedOutput()?.skillLogLines ?? []).map((line) => JSON.parse(line) as Record<string, unknown>);
    const failures = logged.filter((entry) => entry.event === 'profile-unavailable' || entry.event === 'mail-failed');
    const sesDeadlines = failures.filter(
      (entry) => entry.event === 'mail-failed' && SES_DEADLINE_ERRORS.has(String(entry.errorCode)),
    );
    const notDeadlines = failures.filter(
      (entry) =>
        !sesDeadlines.includes(entry) && !(entry.event === 'profile-unavailable' && entry.reason === 'timeout'),
    );

    expect(figures.requests).toBe(400);
    expect(figures.unhandledErrors).toBe(0);
    expect(logged.filter((entry) => entry.event === 'mail-sent')).toHaveLength(figures.confirmations);
    // Every request is confirmed, or answered with the apology of a deadline that fired, and nothing else failed.
    expect(figures.confirmations + figures.otherAnswers).toBe(400);
    expect(notDeadlines).toEqual([]);
    expect(failures).toHaveLength(figures.otherAnswers);
    // A deadline that fires for most requests is no longer load but a hang (a connection pool that never frees, say).
    expect(figures.confirmations).toBeGreaterThan(figures.requests / 2);
    // One mail per confirmation, in every wave: none lost, none sent twice. A mail SES took after
    // the skill gave up on it may also be there (never retried, so never twice).
    expect(figures.waves.map((wave) => wave.requests)).toEqual([100, 100, 100]);
    expect(figures.outboxMails).toBeGreaterThanOrEqual(figures.confirmations);
    expect(figures.outboxMails).toBeLessThanOrEqual(figures.confirmations + sesDeadlines.length);
    for (const wave of figures.waves) expect(wave.outboxMails).toBeGreaterThanOrEqual(wave.confirmations);
    // A sanity bound, not the measurement (that is `npm run load`): a leak of a mail per request would still pass here.
    expect(megabytes(heapGrowth(figures))).toBeLessThan(64);
  });

  it('reports the concurrency its waves reach, not a larger one they cannot hold', async () => {
    const figures = await runLoad({ warmUp: 5, requests: 20, concurrency: 50, waves: 2 });
    expect(figures.waves.map((wave) => wave.requests)).toEqual([10, 10]);
    expect(figures.concurrency).toBe(10);
  });
});
