// What every place the count is kept shares: the reservation one send asks for, the one rule
// that judges it, and the two calls a store answers. The memory and DynamoDB stores differ only
// in where the user's record lives.

import { DUPLICATE_WINDOW_MS } from './window.ts';

/** One send's claim on the user's day: taken before the mail goes, given back if it does not. */
export interface Reservation {
  /** A hash of the Alexa user ID (limiter.ts); the ID itself is never stored. */
  readonly userKey: string;
  /** A hash of the user ID and the note: the same mail asked again has the same one. */
  readonly fingerprint: string;
  /** When it was asked for, on the Lambda's clock (ms). */
  readonly at: number;
  /** The UTC day it counts in (window.ts). */
  readonly day: string;
  /** The UTC day before, whose count a store may drop. */
  readonly previousDay: string;
}

/** What a store knows of one user: today's count and the last mail reserved. */
export interface UserRecord {
  readonly mailsToday: number;
  readonly lastMail?: string | undefined;
  readonly lastAt?: number | undefined;
}

export type Judgement =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'daily-limit' }
  | { readonly kind: 'just-sent'; readonly sentAt: number };

/** The one rule: a repeat within the window is "just sent"; otherwise, under the cap (0: none) is allowed. */
export function judge(record: UserRecord, reservation: Reservation, cap: number): Judgement {
  if (
    record.lastMail === reservation.fingerprint &&
    record.lastAt !== undefined &&
    record.lastAt > reservation.at - DUPLICATE_WINDOW_MS
  )
    return { kind: 'just-sent', sentAt: record.lastAt };
  if (cap > 0 && record.mailsToday >= cap) return { kind: 'daily-limit' };
  return { kind: 'allowed' };
}

/** Whether a release gave the mail back, or found a later reservation of the same user in its place. */
export type ReleaseOutcome = 'released' | 'superseded';

export interface LimitStore {
  readonly name: 'memory' | 'dynamodb';
  /** Judges the reservation and, when allowed, records it in the same step, so two requests cannot both pass. */
  reserve(reservation: Reservation, cap: number, signal: AbortSignal): Promise<Judgement>;
  /** Gives back a reservation whose mail was not sent, if it is still the user's last one. */
  release(reservation: Reservation, signal: AbortSignal): Promise<ReleaseOutcome>;
}
