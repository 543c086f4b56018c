// What `npm run load` will send, from the flags given: what they leave out follows what they set,
// so that `--requests 200` is a small run (a smaller warm-up, waves that can hold --concurrency),
// and the figures printed are the ones the run reaches.

export const LOAD_DEFAULTS = { requests: 2_000, concurrency: 50, waves: 8, warmUp: 2_000 } as const;

export interface LoadPlan {
  readonly requests: number;
  /** As asked; the waves may hold fewer (see inFlight). */
  readonly concurrency: number;
  readonly waves: number;
  readonly warmUp: number;
}

/**
 * The warm-up defaults to as many requests as are measured, at most the default's; the wave count to
 * the default's, fewer when a wave would then hold less than --concurrency.
 */
export function planLoad(given: { readonly [Name in keyof LoadPlan]?: number | undefined }): LoadPlan {
  const requests = given.requests ?? LOAD_DEFAULTS.requests;
  const concurrency = given.concurrency ?? LOAD_DEFAULTS.concurrency;
  return {
    requests,
    concurrency,
    waves: given.waves ?? Math.max(1, Math.min(LOAD_DEFAULTS.waves, Math.floor(requests / concurrency))),
    warmUp: given.warmUp ?? Math.min(LOAD_DEFAULTS.warmUp, requests),
  };
}

/** The measured requests of each wave (the last may hold fewer). */
export const waveSize = (plan: LoadPlan) => Math.ceil(plan.requests / plan.waves);

/** Requests in flight at once while measuring: a wave ends before the next starts, so no more than it holds. */
export const inFlight = (plan: LoadPlan) => Math.min(plan.concurrency, waveSize(plan));

/** The first line of a run: what it sends, at the concurrency it reaches, and why that is lower than asked. */
export function describePlan(plan: LoadPlan): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const size = waveSize(plan);
  const waves = `${plan.waves} wave${plan.waves === 1 ? '' : 's'} of ${size * plan.waves === plan.requests ? '' : 'up to '}${count(size)}`;
  const short =
    inFlight(plan) < plan.concurrency
      ? ` (--concurrency ${plan.concurrency}, but a wave holds ${count(size)}: give fewer --waves or more --requests)`
      : '';
  return `Sending ${count(plan.warmUp)} warm-up and ${count(plan.requests)} measured SendEmailIntent requests at a concurrency of ${inFlight(plan)}${short} on loopback, in ${waves}…`;
}
