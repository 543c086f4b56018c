// The limits' windows on the Lambda's clock: the UTC day the caps count in, and the wait a refused
// user hears until it starts again, in both locales.

import { describe, expect, it } from 'vitest';
import { nextUtcMidnight, utcDay, waitForReset } from '../../../../lambda/limits/window.ts';
import { en } from '../../../../lambda/messages/en.ts';
import { ja } from '../../../../lambda/messages/ja.ts';

const NOON = Date.UTC(2026, 10, 30, 12);
const MINUTE = 60_000;

describe('the UTC day', () => {
  it('counts from midnight UTC to midnight UTC', () => {
    expect(utcDay(Date.UTC(2026, 10, 30, 23, 59, 59, 999))).toBe('2026-11-30');
    expect(utcDay(Date.UTC(2026, 11, 1))).toBe('2026-12-01');
    expect(nextUtcMidnight(NOON)).toBe(Date.UTC(2026, 11, 1));
    expect(nextUtcMidnight(Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2027, 0, 1));
  });
});

describe('the wait a user hears', () => {
  it.each([
    [12 * 60 * MINUTE, { unit: 'hours', count: 12 }],
    [(5 * 60 + 10) * MINUTE, { unit: 'hours', count: 6 }],
    [61 * MINUTE, { unit: 'hours', count: 2 }],
    [46 * MINUTE, { unit: 'hours', count: 1 }],
    [45 * MINUTE, { unit: 'minutes', count: 45 }],
    [12 * MINUTE, { unit: 'minutes', count: 15 }],
    [MINUTE + 1, { unit: 'minutes', count: 5 }],
    [30_000, { unit: 'minutes', count: 1 }],
    [0, { unit: 'minutes', count: 1 }],
  ])('%d ms before the reset is %o, never less than the truth', (left, wait) => {
    expect(waitForReset(NOON, NOON + left)).toEqual(wait);
  });

  it('reads naturally in both locales', () => {
    expect(en.dailyLimitReached(10, { unit: 'hours', count: 1 })).toBe(
      "Sorry, you've reached today's limit of 10 emails. You can ask again in an hour or less.",
    );
    expect(en.dailyLimitReached(1, { unit: 'minutes', count: 1 })).toBe(
      "Sorry, you've reached today's limit of one email. You can ask again in a minute or less.",
    );
    expect(ja.dailyLimitReached(10, { unit: 'minutes', count: 15 })).toBe(
      'すみません、今日送れるメールの上限、10通に達しました。あと15分以内に、また送れるようになります。',
    );
  });
});
