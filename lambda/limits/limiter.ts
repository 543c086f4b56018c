// The abuse limits as the send handler sees them: before a mail goes, reserve it for this Alexa
// user and the whole account (a daily cap each, and one mail for the same request repeated within
// a minute), then, once the profile has named the address, for the recipient too, so a skill
// enabled again under a new user ID does not start the day afresh. A reservation is given back
// only when the mail surely did not go. A store that fails or is slow never costs the user their
// mail: the verdict is then "unchecked" and the mail goes (docs/limits.md).

import { createHash } from 'node:crypto';
import type { LimitConfig, MailConfig } from '../config.ts';
import {
  LIMIT_RECIPIENT_RESERVE_TIMEOUT_MS,
  LIMIT_RELEASE_TIMEOUT_MS,
  LIMIT_RESERVE_TIMEOUT_MS,
} from '../deadlines.ts';
import { lazyDynamoDbStore } from './lazyDynamoDbStore.ts';
import { memoryStore } from './memoryStore.ts';
import { limitTableOf } from './persistenceTable.ts';
import type { Judgement, LimitStore, Reservation } from './store.ts';
import { nextUtcMidnight, previousUtcDay, utcDay } from './window.ts';

/** Why a store could not answer: an error name or socket code, never a message (it could hold anything). */
interface StoreFailure {
  readonly store: LimitStore['name'];
  readonly reason: string;
}

/** Which count refused: the user's and the recipient's share the per-user cap, the account has its own. */
export type CountedKey = 'user' | 'recipient' | 'account';

type ReleaseResult = { readonly ok: true } | { readonly ok: false; readonly failure: StoreFailure };

/** What a verdict that lets the mail go holds: the reservations to give back if the mail surely did not go. */
interface Held {
  readonly userHash: string;
  /** Gives back every reservation this verdict holds; never rejects. */
  release(): Promise<ReleaseResult>;
  /**
   * Reserves the mail for its recipient too, once the profile has named the address; refused, it
   * gives back what this verdict holds. A store that already failed this request is not asked again.
   */
  forRecipient(address: string): Promise<LimitVerdict>;
}

export type LimitVerdict =
  | ({ readonly kind: 'reserved' } & Held)
  | ({ readonly kind: 'unchecked'; readonly failure: StoreFailure } & Held)
  | {
      readonly kind: 'daily-limit';
      readonly userHash: string;
      readonly counted: CountedKey;
      readonly cap: number;
      readonly now: number;
      readonly resetsAt: number;
    }
  | { readonly kind: 'just-sent'; readonly userHash: string; readonly sentAt: number };

export interface MailLimiter {
  /** Where the count is kept, for the start-up log and the tools. */
  readonly store: LimitStore['name'];
  /** For the user and the account, within LIMIT_RESERVE_TIMEOUT_MS, and never rejects. */
  reserve(request: { readonly userId: string | undefined; readonly note: string | undefined }): Promise<LimitVerdict>;
}

interface LimiterOptions {
  readonly limits: LimitConfig;
  /** The SES region and key, which the table shares (provisioning creates it there, for that user). */
  readonly mail?: Pick<MailConfig, 'region' | 'credentials' | 'role'> | undefined;
  /** The clock, in ms: Date.now unless a test turns it. */
  readonly now?: () => number;
}

// Alexa always sends a user ID; a request without one shares a single count with its like.
const NO_USER = 'no-user-id';
/** The one row every mail of the account counts in, when MAIL_LIMIT_PER_DAY is set. */
const ACCOUNT_KEY = 'account';

/** The first 128 bits of SHA-256, in hex: unique enough for a skill's users and their notes. */
function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest().subarray(0, 16).toString('hex');
}

/** The user's key in the store and in log lines: stable, and of no use for finding the user ID. */
export function userHashOf(userId: string | undefined): string {
  return shortHash('alexa-ses-mailer user', userId ?? NO_USER);
}

/**
 * The recipient's key in the store, never logged: the same address however it is cased. Prefixed,
 * so that a row says which kind of key it is.
 */
export function recipientKeyOf(address: string): string {
  return `recipient-${shortHash('alexa-ses-mailer recipient', address.trim().toLowerCase())}`;
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

/** One key to reserve: its reservation, its cap, and which count it is. */
interface Claim {
  readonly reservation: Reservation;
  readonly cap: number;
  readonly counted: CountedKey;
}

type ClaimOutcome = { readonly claim: Claim } & ({ readonly judgement: Judgement } | { readonly error: unknown });

// The order a refusal is told in when more than one key refuses: the user's own answer first.
const REFUSAL_ORDER: readonly CountedKey[] = ['user', 'recipient', 'account'];

export function createMailLimiter({ limits, mail, now = Date.now }: LimiterOptions): MailLimiter {
  const table = limitTableOf(limits, mail);
  const store: LimitStore = table ? lazyDynamoDbStore(table) : memoryStore();
  const failure = (error: unknown): StoreFailure => ({ store: store.name, reason: reasonOf(error) });

  const claimEach = (claims: readonly Claim[], ms: number): Promise<ClaimOutcome[]> =>
    Promise.all(
      claims.map((claim) =>
        bounded(ms, (signal) => store.reserve(claim.reservation, claim.cap, signal)).then(
          (judgement): ClaimOutcome => ({ claim, judgement }),
          (error: unknown): ClaimOutcome => ({ claim, error }),
        ),
      ),
    );

  const releaseEach = async (held: readonly Reservation[]): Promise<ReleaseResult> => {
    const results = await Promise.all(
      held.map((reservation) =>
        bounded(LIMIT_RELEASE_TIMEOUT_MS, (signal) => store.release(reservation, signal)).then(
          (): ReleaseResult => ({ ok: true }),
          (error: unknown): ReleaseResult => ({ ok: false, failure: failure(error) }),
        ),
      ),
    );
    return results.find((result) => !result.ok) ?? { ok: true };
  };

  /** The verdict on a send's claims, `held` being what earlier claims of the same send hold. */
  const verdictOf = async (
    outcomes: readonly ClaimOutcome[],
    context: { readonly userHash: string; readonly at: number },
    earlier: { readonly held: readonly Reservation[]; readonly failure?: StoreFailure | undefined },
  ): Promise<LimitVerdict> => {
    const held = [
      ...earlier.held,
      ...outcomes.flatMap((outcome) =>
        'judgement' in outcome && outcome.judgement.kind === 'allowed' ? [outcome.claim.reservation] : [],
      ),
    ];
    const refusals = outcomes.flatMap((outcome) =>
      'judgement' in outcome && outcome.judgement.kind !== 'allowed'
        ? [{ ...outcome, judgement: outcome.judgement }]
        : [],
    );
    const { userHash, at } = context;
    const refusal =
      refusals.find((outcome) => outcome.judgement.kind === 'just-sent') ??
      REFUSAL_ORDER.map((counted) => refusals.find((outcome) => outcome.claim.counted === counted)).find(Boolean);
    if (refusal) {
      // Nothing goes, so nothing stays counted; a store that cannot take it back errs on the safe side.
      await releaseEach(held);
      return refusal.judgement.kind === 'just-sent'
        ? { kind: 'just-sent', userHash, sentAt: refusal.judgement.sentAt }
        : {
            kind: 'daily-limit',
            userHash,
            counted: refusal.claim.counted,
            cap: refusal.claim.cap,
            now: at,
            resetsAt: nextUtcMidnight(at),
          };
    }
    const failed = outcomes.find((outcome) => 'error' in outcome);
    const storeFailure = earlier.failure ?? (failed && 'error' in failed ? failure(failed.error) : undefined);
    const holding: Held = {
      userHash,
      release: () => releaseEach(held),
      async forRecipient(address) {
        if (storeFailure || limits.perUserPerDay === 0) return verdict;
        const claim: Claim = {
          reservation: { ...dayOf(at), key: recipientKeyOf(address) },
          cap: limits.perUserPerDay,
          counted: 'recipient',
        };
        return verdictOf(await claimEach([claim], LIMIT_RECIPIENT_RESERVE_TIMEOUT_MS), context, { held });
      },
    };
    const verdict: LimitVerdict = storeFailure
      ? { kind: 'unchecked', failure: storeFailure, ...holding }
      : { kind: 'reserved', ...holding };
    return verdict;
  };

  return {
    store: store.name,
    async reserve({ userId, note }) {
      const at = now();
      const userHash = userHashOf(userId);
      const claims: Claim[] = [
        {
          reservation: { ...dayOf(at), key: userHash, fingerprint: fingerprintOf(userId, note) },
          cap: limits.perUserPerDay,
          counted: 'user',
        },
      ];
      if (limits.perDay > 0)
        claims.push({ reservation: { ...dayOf(at), key: ACCOUNT_KEY }, cap: limits.perDay, counted: 'account' });
      return verdictOf(await claimEach(claims, LIMIT_RESERVE_TIMEOUT_MS), { userHash, at }, { held: [] });
    },
  };
}

function dayOf(at: number) {
  return { at, day: utcDay(at), previousDay: previousUtcDay(at) };
}
