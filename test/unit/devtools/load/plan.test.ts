// What `npm run load` sends for the flags given, and the first line it prints about it.

import { describe, expect, it } from 'vitest';
import { describePlan, inFlight, planLoad } from '../../../../devtools/load/plan.ts';

describe('the load plan', () => {
  it('is 2,000 warm-up and 2,000 measured requests in 8 waves of 250, 50 at once, by default', () => {
    const plan = planLoad({});
    expect(plan).toEqual({ requests: 2_000, concurrency: 50, waves: 8, warmUp: 2_000 });
    expect(describePlan(plan)).toBe(
      'Sending 2,000 warm-up and 2,000 measured SendEmailIntent requests at a concurrency of 50 on loopback, in 8 waves of 250…',
    );
  });

  it('makes --requests 200 a small run: as many warm-up requests, and waves that hold 50 at once', () => {
    const plan = planLoad({ requests: 200 });
    expect(plan).toEqual({ requests: 200, concurrency: 50, waves: 4, warmUp: 200 });
    expect(describePlan(plan)).toBe(
      'Sending 200 warm-up and 200 measured SendEmailIntent requests at a concurrency of 50 on loopback, in 4 waves of 50…',
    );
  });

  it('keeps the default warm-up for a longer run, and what the flags set', () => {
    expect(planLoad({ requests: 12_000, waves: 12 })).toEqual({
      requests: 12_000,
      concurrency: 50,
      waves: 12,
      warmUp: 2_000,
    });
    expect(planLoad({ requests: 200, warmUp: 10, concurrency: 5, waves: 3 })).toEqual({
      requests: 200,
      concurrency: 5,
      waves: 3,
      warmUp: 10,
    });
  });

  it('says the concurrency the waves reach, and why, when they cannot hold --concurrency', () => {
    const plan = planLoad({ requests: 200, waves: 8 });
    expect(inFlight(plan)).toBe(25);
    expect(describePlan(plan)).toBe(
      'Sending 200 warm-up and 200 measured SendEmailIntent requests at a concurrency of 25 (--concurrency 50, but a wave holds 25: give fewer --waves or more --requests) on loopback, in 8 waves of 25…',
    );
    expect(describePlan(planLoad({ requests: 30 }))).toBe(
      'Sending 30 warm-up and 30 measured SendEmailIntent requests at a concurrency of 30 (--concurrency 50, but a wave holds 30: give fewer --waves or more --requests) on loopback, in 1 wave of 30…',
    );
    expect(describePlan(planLoad({ requests: 100, waves: 3, concurrency: 10 }))).toContain('in 3 waves of up to 34…');
  });
});
