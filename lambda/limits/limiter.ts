// The abuse limits as the send handler sees them: before a mail goes, reserve it for this Alexa
// user (a daily cap, and one mail for the same request repeated within a minute), and give the
// reservation back when the mail is not sent. A store that fails or is slow never costs the
// user their mail: the verdict is then "unchecked" and the mail goes (docs/limits.md).

import { createHash } from 'node:crypto';
import type { LimitConfig, MailConfig } from '../config.ts';
import { LIMIT_RELEASE_TIMEOUT_MS, LIMIT_RESERVE_TIMEOUT_MS } from '../deadlines.ts';
import { memoryStore } from './memoryStore.ts';
import type { LimitStore, ReleaseOutcome, Reservation } from './store.ts';
import { lazyDynamoDbStore } from './lazyDynamoDbStore.ts';
import { nextUtcMidnight, previousUtcDay, utcDay } from './window.ts';

/** Why a store could not answer: an error name or socket code, never a message (it could hold anything). */
interface StoreFailure {
  readonly store: LimitStore['name'];
  readonly reason: string;
}

export type LimitVerdict =
  | { readonly kind: 'reserved'; readonly userHash: string; release(): Promise<ReleaseResult> }
  | { readonly kind: 'unchecked'; readonly userHash: string; readonly failure: StoreFailure }
  | {
      readonly kind: 'daily-limit';
      readonly userHash: string;
      readonly cap: number;
      readonly now: number;
      readonly resetsAt: number;
    }
  | { readonly kind: 'just-sent'; readonly userHash: string; readonly sentAt: number };

type ReleaseResult =
  | { readonly ok: true; readonly outcome: ReleaseOutcome }
  | { readonly ok: false; readonly failure: StoreFailure };

export interface MailLimiter {
  /** Where the count is kept, for the start-up log and the tools. */
  readonly store: LimitStore['name'];
  /** Within LIMIT_RESERVE_TIMEOUT_MS, and never rejects. */
  reserve(request: { readonly userId: string | undefined; readonly note: string | undefined }): Promise<LimitVerdict>;
}

interface LimiterOptions {
  readonly limits: LimitConfig;
  /** The SES region and key, which the table shares (provisioning creates it there, for that user). */
  readonly mail?: Pick<MailConfig, 'region' | 'credentials'> | undefined;
  /** The clock, in ms: Date.now unless a test turns it. */
  readonly now?: () => number;
}

// Alexa always sends a user ID; a request without one shares a single count with its like.
const NO_USER = 'no-user-id';

/** The first 128 bits of SHA-256, in hex: unique enough for a skill's users and their notes. */
function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest().subarray(0, 16).toString('hex');
}

/** The user's key in the store and in log lines: stable, and of no use for finding the user ID. */
export function userHashOf(userId: string | undefined): string {
  return shortHash('alexa-ses-mailer user', userId ?? NO_USER);
}

/** The same note, however Alexa cased or spaced it, is the same mail. Salted by the user ID, so the row reveals no note. */
function fingerprintOf(userId: string | undefined, note: string | undefined): string {
  const normalized = (note ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return shortHash('alexa-ses-mailer mail', userId ?? NO_USER, normalized);
}

class LimitTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Runs `work` with a signal that aborts, and a result that rejects, after `ms`: loading the client counts too. */
async function bounded<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new LimitTimeoutError(`no answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), late]);
  } finally {
    clearTimeout(timer);
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function reasonOf(error: unknown): string {
  const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; code?: unknown; cause?: unknown };
  const cause = (e.cause && typeof e.cause === 'object' ? e.cause : {}) as { code?: unknown };
  const name = text(e.name);
  // A refused or reset connection comes as a plain Error with the socket's code.
  return (name && name !== 'Error' ? name : '') || text(e.code) || text(cause.code) || name || 'Error';
}

export function createMailLimiter({ limits, mail, now = Date.now }: LimiterOptions): MailLimiter {
  const store: LimitStore = limits.table && mail ? lazyDynamoDbStore({ table: limits.table, ...mail }) : memoryStore();
  const cap = limits.perUserPerDay;
  const failure = (error: unknown): StoreFailure => ({ store: store.name, reason: reasonOf(error) });

  return {
    store: store.name,
    async reserve({ userId, note }) {
      const at = now();
      const userHash = userHashOf(userId);
      const reservation: Reservation = {
        userKey: userHash,
        fingerprint: fingerprintOf(userId, note),
        at,
        day: utcDay(at),
        previousDay: previousUtcDay(at),
      };
      try {
        const judgement = await bounded(LIMIT_RESERVE_TIMEOUT_MS, (signal) => store.reserve(reservation, cap, signal));
        switch (judgement.kind) {
          case 'daily-limit':
            return { kind: 'daily-limit', userHash, cap, now: at, resetsAt: nextUtcMidnight(at) };
          case 'just-sent':
            return { kind: 'just-sent', userHash, sentAt: judgement.sentAt };
          case 'allowed':
            return {
              kind: 'reserved',
              userHash,
              release: () =>
                bounded(LIMIT_RELEASE_TIMEOUT_MS, (signal) => store.release(reservation, signal)).then(
                  (outcome): ReleaseResult => ({ ok: true, outcome }),
                  (error: unknown): ReleaseResult => ({ ok: false, failure: failure(error) }),
                ),
            };
        }
      } catch (error) {
        return { kind: 'unchecked', userHash, failure: failure(error) };
      }
    },
  };
}
