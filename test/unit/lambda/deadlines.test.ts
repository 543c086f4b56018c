// The time budget of one request: every external call's bound, summed, inside Alexa's deadline.

import { describe, expect, it } from 'vitest';
import {
  ALEXA_DEADLINE_MS,
  LIMIT_RESERVE_TIMEOUT_MS,
  PROFILE_TIMEOUT_MS,
  SEND_WORST_CASE_MS,
} from '../../../lambda/deadlines.ts';

describe('the time budget', () => {
  it('hides the reservation behind the profile call and keeps the worst case under Alexa’s deadline', () => {
    expect(LIMIT_RESERVE_TIMEOUT_MS).toBeLessThanOrEqual(PROFILE_TIMEOUT_MS);
    expect(SEND_WORST_CASE_MS).toBe(7_800);
    expect(SEND_WORST_CASE_MS).toBeLessThan(ALEXA_DEADLINE_MS);
  });
});
