// A bounded load run on loopback: SendEmailIntent requests, a fixed number of them, at a
// fixed concurrency, through the skill as the skill harness builds it, against the local SES
// stand-in and Customer Profile API. It runs in waves; after each wave the outbox and the
// log are counted and emptied and the heap is measured after a full GC, so a leak shows as
// growth from wave to wave while the stand-ins themselves hold nothing across waves.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { ENV, MAIL_LIMIT_MAX } from '../../lambda/config.ts';
import { en } from '../../lambda/messages/en.ts';
import { ja } from '../../lambda/messages/ja.ts';
import { startSesStandIn } from '../../testkit/aws/ses/standIn.ts';
import { intentRequest } from '../../testkit/envelopes.ts';
import { startProfileApi } from '../../testkit/profileApi.ts';
import { skillUnderTest } from '../../testkit/skillHarness.ts';
import { type MemorySample, sampleMemory } from './memory.ts';
import { inFlight, waveSize } from './plan.ts';

const PROFILE_EMAIL = 'load-test@example.com';
const CONFIRMATION_TITLES = new Set([en.sentCardTitle, ja.sentCardTitle]);

export interface LoadOptions {
  /** Measured requests, after the warm-up. */
  readonly requests: number;
  readonly concurrency: number;
  /** Waves after the warm-up; memory is sampled after each. */
  readonly waves: number;
  /** Requests sent first, so JIT-compiled code, caches and connection pools exist before the baseline sample. */
  readonly warmUp: number;
  readonly onWave?: (wave: WaveFigures) => void;
}

export interface WaveFigures {
  readonly wave: number;
  readonly requests: number;
  readonly confirmations: number;
  readonly outboxMails: number;
  readonly seconds: number;
  readonly memory: MemorySample;
}

export interface LoadFigures {
  /** Every request sent, warm-up included. */
  readonly requests: number;
  readonly warmUp: number;
  /** Requests in flight at once while measuring: --concurrency, or a wave's size when that is smaller. */
  readonly concurrency: number;
  /** The skill's daily cap per user: the default, since each request is a user of its own. */
  readonly limitPerUserPerDay: number;
  readonly seconds: number;
  readonly confirmations: number;
  readonly outboxMails: number;
  /** Handler rejections, the skill's 'unhandled-error' log events, and unhandled rejections or exceptions in the process. */
  readonly unhandledErrors: number;
  /** Any answer other than the confirmation (an apology, for instance). */
  readonly otherAnswers: number;
  readonly logLinesByEvent: ReadonlyMap<string, number>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** After the warm-up, then after every wave. */
  readonly memory: readonly MemorySample[];
  readonly waves: readonly WaveFigures[];
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

/**
 * One request in four dictates a note (SendRawEmail); one in three is Japanese. Each comes from
 * its own Alexa user, as a skill's traffic does: the abuse limits reserve every mail, and refuse
 * none, so the figures measure sending, not refusals.
 */
function envelopeFor(index: number, profileUrl: string): RequestEnvelope {
  const slots = index % 4 === 0 ? { note: `load note ${index} <&>` } : {};
  return intentRequest('SendEmailIntent', slots, {
    apiEndpoint: profileUrl,
    locale: index % 3 === 0 ? 'ja-JP' : 'en-US',
    userId: `amzn1.ask.account.LOAD-${index}`,
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const [outbox, profile] = await Promise.all([
    startSesStandIn(),
    startProfileApi({ email: PROFILE_EMAIL, givenName: 'Loadtester' }),
  ]);
  const previousEndpoint = process.env.AWS_ENDPOINT_URL_SES;
  // Every request mails the one profile address, which the skill counts too: a cap no run reaches
  // keeps the counting on and refuses none.
  const skill = skillUnderTest({ sesUrl: outbox.url, env: { [ENV.mailLimitPerUserPerDay]: String(MAIL_LIMIT_MAX) } });
  const logLinesByEvent = new Map<string, number>();

  let processErrors = 0;
  const onProcessError = () => processErrors++;
  process.on('unhandledRejection', onProcessError);
  process.on('uncaughtException', onProcessError);

  let rejections = 0;
  let confirmations = 0;
  let otherAnswers = 0;
  const latencies: number[] = [];
  let sent = 0;

  const sendWave = async (count: number): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const index = sent++;
        const started = performance.now();
        let response: ResponseEnvelope;
        try {
          response = await skill.invoke(envelopeFor(index, profile.url));
        } catch {
          rejections++;
          continue;
        } finally {
          latencies.push(performance.now() - started);
        }
        const card = response.response.card;
        if (card?.type === 'Simple' && CONFIRMATION_TITLES.has(card.title ?? '')) confirmations++;
        else otherAnswers++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  };

  /** Counts and empties the outbox, the skill's log and the profile API's request log, so none grows across waves. */
  const drain = async (): Promise<number> => {
    const mails = (await outbox.mails()).length;
    await outbox.clear();
    profile.requests.length = 0;
    for (const line of skill.logs) {
      const event = /"event":"([^"]*)"/.exec(line)?.[1] ?? '(unparsed)';
      logLinesByEvent.set(event, (logLinesByEvent.get(event) ?? 0) + 1);
    }
    skill.logs.length = 0;
    return mails;
  };

  const started = performance.now();
  const waves: WaveFigures[] = [];
  let outboxMails = 0;
  try {
    await sendWave(options.warmUp);
    outboxMails += await drain();
    const memory = [await sampleMemory()];
    const total = options.warmUp + options.requests;
    const perWave = waveSize(options);
    for (let wave = 1; sent < total; wave++) {
      const waveStarted = performance.now();
      const confirmedBefore = confirmations;
      const count = Math.min(perWave, total - sent);
      await sendWave(count);
      const mails = await drain();
      outboxMails += mails;
      const sample = await sampleMemory();
      memory.push(sample);
      const figures = {
        wave,
        requests: count,
        confirmations: confirmations - confirmedBefore,
        outboxMails: mails,
        seconds: (performance.now() - waveStarted) / 1_000,
        memory: sample,
      };
      waves.push(figures);
      options.onWave?.(figures);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      requests: sent,
      warmUp: options.warmUp,
      concurrency: inFlight(options),
      limitPerUserPerDay: MAIL_LIMIT_MAX,
      seconds: (performance.now() - started) / 1_000,
      confirmations,
      outboxMails,
      unhandledErrors: rejections + processErrors + (logLinesByEvent.get('unhandled-error') ?? 0),
      otherAnswers,
      logLinesByEvent,
      latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 },
      memory,
      waves,
    };
  } finally {
    process.off('unhandledRejection', onProcessError);
    process.off('uncaughtException', onProcessError);
    if (previousEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SES;
    else process.env.AWS_ENDPOINT_URL_SES = previousEndpoint;
    await Promise.all([outbox.close(), profile.close()]);
  }
}

/** Live heap growth from the baseline (after the warm-up) to the end of the run, in bytes. */
export function heapGrowth(figures: LoadFigures): number {
  const first = figures.memory[0]?.heapUsed ?? 0;
  const last = figures.memory.at(-1)?.heapUsed ?? 0;
  return last - first;
}

/** Least-squares slope of the live heap over the measured requests, in bytes per request: a leak's signature. */
export function heapSlope(figures: LoadFigures): number {
  let done = 0;
  const points = figures.memory.map((sample, index) => {
    if (index > 0) done += figures.waves[index - 1]?.requests ?? 0;
    return { x: done, y: sample.heapUsed };
  });
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}
