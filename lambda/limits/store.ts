// What every place the count is kept shares: the reservation one send asks for, the one rule
// that judges it, and the two calls a store answers. The memory and DynamoDB stores differ only
// in where a key's record lives.

import { DUPLICATE_WINDOW_MS } from './window.ts';

/**
 * One send's claim on one key's day: taken before the mail goes, given back only when it surely
 * did not. A send claims up to three keys (limiter.ts): the user, the recipient and the account.
 */
export interface Reservation {
  /** A hash of the Alexa user ID or of the recipient address, or the account's key (limiter.ts); never the ID or address itself. */
  readonly key: string;
  /**
   * The user's key only: a hash of the user ID and the note, so that the same mail asked again
   * within the window is a repeat. Without it the key counts mails and nothing else.
   */
  readonly fingerprint?: string | undefined;
  /** When it was asked for, on the Lambda's clock (ms). */
  readonly at: number;
  /** The UTC day it counts in (window.ts). */
  readonly day: string;
  /** The UTC day before, whose count a store may drop. */
  readonly previousDay: string;
}

/** What a store knows of one key: today's count and, for a user, the last mail reserved. */
export interface KeyRecord {
  readonly mailsToday: number;
  readonly lastMail?: string | undefined;
  readonly lastAt?: number | undefined;
}

export type Judgement =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'daily-limit' }
  | { readonly kind: 'just-sent'; readonly sentAt: number };

/** The one rule: a repeat within the window is "just sent"; otherwise, under the cap (0: none) is allowed. */
export function judge(record: KeyRecord, reservation: Reservation, cap: number): Judgement {
  if (
    reservation.fingerprint !== undefined &&
    record.lastMail === reservation.fingerprint &&
    record.lastAt !== undefined &&
    record.lastAt > reservation.at - DUPLICATE_WINDOW_MS
  )
    return { kind: 'just-sent', sentAt: record.lastAt };
  if (cap > 0 && record.mailsToday >= cap) return { kind: 'daily-limit' };
  return { kind: 'allowed' };
}

/**
 * Whether a release gave the mail back, or found nothing to give: a user's later reservation in
 * its place (it stays counted, the cap erring on the safe side), or a count the day already dropped.
 */
export type ReleaseOutcome = 'released' | 'superseded';

export interface LimitStore {
  readonly name: 'memory' | 'dynamodb';
  /** Judges the reservation and, when allowed, records it in the same step, so two requests cannot both pass. */
  reserve(reservation: Reservation, cap: number, signal: AbortSignal): Promise<Judgement>;
  /**
   * Gives back a reservation whose mail surely was not sent: a user's only if it is still their
   * last one, any other by taking one off the day's count.
   */
  release(reservation: Reservation, signal: AbortSignal): Promise<ReleaseOutcome>;
}
