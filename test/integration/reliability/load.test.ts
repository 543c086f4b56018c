// The small load run (`npm run load` is the large one): concurrent SendEmailIntent
// requests through the skill against the local outbox. Every request is answered and
// confirmed, the outbox holds exactly one mail per confirmation, nothing goes unhandled, and
// the live heap stays within a bound loose enough never to flake on a busy machine.

import { describe, expect, it } from 'vitest';
import { megabytes } from '../../../devtools/load/memory.ts';
import { heapGrowth, runLoad } from '../../../devtools/load/run.ts';

describe('a small load run on loopback', () => {
  it('answers 400 concurrent SendEmailIntents with one mail per confirmation and no unhandled error', async () => {
    const figures = await runLoad({ warmUp: 100, requests: 300, concurrency: 25, waves: 3 });

    expect(figures.requests).toBe(400);
    expect(figures.unhandledErrors).toBe(0);
    expect(figures.otherAnswers).toBe(0);
    expect(figures.confirmations).toBe(400);
    expect(figures.outboxMails).toBe(figures.confirmations);
    for (const wave of figures.waves) expect(wave.outboxMails).toBe(wave.confirmations);
    expect(figures.logLinesByEvent.get('mail-sent')).toBe(400);
    // A sanity bound, not the measurement (that is `npm run load`): a leak of a mail per request would still pass here.
    expect(megabytes(heapGrowth(figures))).toBeLessThan(64);
  });
});
