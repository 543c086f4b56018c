// The pieces of the abuse limits that need no server: the windows on the clock, the one rule that
// judges a reservation, the memory store's bound, and the time budget they fit in.

import { describe, expect, it } from 'vitest';
import {
  ALEXA_DEADLINE_MS,
  LIMIT_RESERVE_TIMEOUT_MS,
  PROFILE_TIMEOUT_MS,
  SEND_WORST_CASE_MS,
} from '../../../lambda/deadlines.ts';
import { memoryStore } from '../../../lambda/limits/memoryStore.ts';
import { judge, type Reservation } from '../../../lambda/limits/store.ts';
import { nextUtcMidnight, utcDay, waitForReset } from '../../../lambda/limits/window.ts';
import { en } from '../../../lambda/messages/en.ts';
import { ja } from '../../../lambda/messages/ja.ts';

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

const reservation = (at: number, fingerprint = 'mail-a'): Reservation => ({
  key: 'user-a',
  fingerprint,
  at,
  day: utcDay(at),
  previousDay: utcDay(at - 86_400_000),
});

describe('judge', () => {
  it('calls the same mail within a minute a repeat, and a minute later a new mail', () => {
    const record = { mailsToday: 1, lastMail: 'mail-a', lastAt: NOON };
    expect(judge(record, reservation(NOON + MINUTE - 1), 10)).toEqual({ kind: 'just-sent', sentAt: NOON });
    expect(judge(record, reservation(NOON + MINUTE), 10)).toEqual({ kind: 'allowed' });
    expect(judge(record, reservation(NOON + 1, 'mail-b'), 10)).toEqual({ kind: 'allowed' });
  });

  it('refuses at the cap, and has none at 0', () => {
    expect(judge({ mailsToday: 3 }, reservation(NOON), 3)).toEqual({ kind: 'daily-limit' });
    expect(judge({ mailsToday: 2 }, reservation(NOON), 3)).toEqual({ kind: 'allowed' });
    expect(judge({ mailsToday: 5_000 }, reservation(NOON), 0)).toEqual({ kind: 'allowed' });
  });
});

describe('the memory store', () => {
  const signal = new AbortController().signal;
  const forUser = (key: string, at: number, fingerprint: string): Reservation => ({
    ...reservation(at, fingerprint),
    key,
  });

  it('forgets the user not seen for longest past its bound, and only that one', async () => {
    const store = memoryStore(2);
    await store.reserve(forUser('first', NOON, 'a'), 1, signal);
    await store.reserve(forUser('second', NOON, 'a'), 1, signal);
    expect(await store.reserve(forUser('first', NOON + 1, 'b'), 1, signal)).toEqual({ kind: 'daily-limit' });
    await store.reserve(forUser('third', NOON, 'a'), 1, signal);

    // "second" was the stalest ("first" was heard from again, if only to be refused): its count is gone.
    expect(await store.reserve(forUser('first', NOON + 2, 'c'), 1, signal)).toEqual({ kind: 'daily-limit' });
    expect(await store.reserve(forUser('second', NOON + 2, 'b'), 1, signal)).toEqual({ kind: 'allowed' });
  });

  it('gives back only the reservation that is still the last one', async () => {
    const store = memoryStore();
    const first = forUser('user', NOON, 'a');
    const second = forUser('user', NOON + 1, 'b');
    await store.reserve(first, 2, signal);
    await store.reserve(second, 2, signal);

    expect(await store.release(first, signal)).toBe('superseded');
    expect(await store.release(second, signal)).toBe('released');
    expect(await store.reserve(forUser('user', NOON + 2, 'b'), 2, signal)).toEqual({ kind: 'allowed' });
    expect(await store.reserve(forUser('user', NOON + 3, 'c'), 2, signal)).toEqual({ kind: 'daily-limit' });
  });
});

describe('the time budget', () => {
  it('hides the reservation behind the profile call and keeps the worst case under Alexa’s deadline', () => {
    expect(LIMIT_RESERVE_TIMEOUT_MS).toBeLessThanOrEqual(PROFILE_TIMEOUT_MS);
    expect(SEND_WORST_CASE_MS).toBe(7_800);
    expect(SEND_WORST_CASE_MS).toBeLessThan(ALEXA_DEADLINE_MS);
  });
});
