// A reservation as the limiter makes one, for the store tests: a user's mail at a moment, its UTC day and the day before.

import type { Reservation } from '../../lambda/limits/store.ts';
import { previousUtcDay, utcDay } from '../../lambda/limits/window.ts';

export const reservationAt = (at: number, fingerprint = 'mail-a', key = 'user-a'): Reservation => ({
  key,
  fingerprint,
  at,
  day: utcDay(at),
  previousDay: previousUtcDay(at),
});
