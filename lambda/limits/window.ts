// The two windows of the limits, on the Lambda's clock: the UTC calendar day the cap counts in,
// and the minute in which the same mail asked again is a repeat, not a second mail.

/** The same mail asked for again within this is answered "just sent", not sent twice. */
export const DUPLICATE_WINDOW_MS = 60_000;

const DAY_MS = 86_400_000;

/** The UTC day of a moment, as 2026-11-30: the cap's counting period. */
export function utcDay(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 10);
}

export function previousUtcDay(atMs: number): string {
  return utcDay(atMs - DAY_MS);
}

/** When the UTC day of `atMs` ends and the count starts again from zero. */
export function nextUtcMidnight(atMs: number): number {
  return (Math.floor(atMs / DAY_MS) + 1) * DAY_MS;
}

/** How long until the count starts again, as a user hears it: an upper bound, never a promise too early. */
export type WaitForReset =
  | { readonly unit: 'minutes'; readonly count: number }
  | { readonly unit: 'hours'; readonly count: number };

// Minutes are rounded up to these steps: "15 minutes or less" is as useful as "13 minutes or less".
const MINUTE_STEPS = [1, 5, 10, 15, 20, 30, 45] as const;

/**
 * From now until the reset, rounded up so that "in N or less" stays true: 5 h 10 min is 6 hours,
 * 12 minutes is 15 minutes; past 45 minutes it is said in hours.
 */
export function waitForReset(nowMs: number, resetsAtMs: number): WaitForReset {
  const minutes = Math.max(1, Math.ceil((resetsAtMs - nowMs) / 60_000));
  const step = MINUTE_STEPS.find((candidate) => candidate >= minutes);
  return step === undefined ? { unit: 'hours', count: Math.ceil(minutes / 60) } : { unit: 'minutes', count: step };
}
