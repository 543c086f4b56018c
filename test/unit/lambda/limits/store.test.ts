// The one rule every store judges a reservation by: a repeat within the minute, then the cap.

import { describe, expect, it } from 'vitest';
import { judge } from '../../../../lambda/limits/store.ts';
import { reservationAt } from '../../../helpers/reservations.ts';

const NOON = Date.UTC(2026, 10, 30, 12);
const MINUTE = 60_000;

describe('judge', () => {
  it('calls the same mail within a minute a repeat, and a minute later a new mail', () => {
    const record = { mailsToday: 1, lastMail: 'mail-a', lastAt: NOON };
    expect(judge(record, reservationAt(NOON + MINUTE - 1), 10)).toEqual({ kind: 'just-sent', sentAt: NOON });
    expect(judge(record, reservationAt(NOON + MINUTE), 10)).toEqual({ kind: 'allowed' });
    expect(judge(record, reservationAt(NOON + 1, 'mail-b'), 10)).toEqual({ kind: 'allowed' });
  });

  it('refuses at the cap, and has none at 0', () => {
    expect(judge({ mailsToday: 3 }, reservationAt(NOON), 3)).toEqual({ kind: 'daily-limit' });
    expect(judge({ mailsToday: 2 }, reservationAt(NOON), 3)).toEqual({ kind: 'allowed' });
    expect(judge({ mailsToday: 5_000 }, reservationAt(NOON), 0)).toEqual({ kind: 'allowed' });
  });
});

describe('judge on a key that only counts (a recipient, the account)', () => {
  it('never calls a mail a repeat, and refuses at the cap', () => {
    const counted = { ...reservationAt(NOON + 1), fingerprint: undefined };
    expect(judge({ mailsToday: 1, lastMail: 'mail-a', lastAt: NOON }, counted, 10)).toEqual({ kind: 'allowed' });
    expect(judge({ mailsToday: 10 }, counted, 10)).toEqual({ kind: 'daily-limit' });
  });
});
