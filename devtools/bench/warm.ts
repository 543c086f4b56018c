// Warm figures, each from one process that has already answered: the latency of a
// SendEmailIntent next to a raw SDK SendEmail of the same mail, and the mails per second one
// process confirms with a bounded number in flight. Both count the local outbox against the
// confirmations: a lost or duplicated mail fails the benchmark rather than flatter it.

import type { RequestEnvelope } from 'ask-sdk-model';
import { en } from '../../lambda/messages/en.ts';
import type { SesOutbox } from '../../testkit/aws/ses/outbox.ts';
import { type Launcher, runChild } from './children.ts';
import { CHILD_ENV, type LatencyReport, type ThroughputReport } from './protocol.ts';
import type { Variant } from './variants.ts';

export interface WarmOptions {
  /** The node executable the warm process runs on, with these arguments (Lambda's flags). */
  readonly node: string;
  readonly nodeArguments: readonly string[];
  /** Starts it inside a CPU share (cpuShare.ts). */
  readonly launcher?: Launcher | undefined;
  readonly runner: string;
  readonly env: Readonly<Record<string, string>>;
  readonly event: RequestEnvelope;
  readonly outbox: SesOutbox;
}

export interface ThroughputFigures extends ThroughputReport {
  readonly mailsPerSecond: number;
  /** Mails in the outbox, warm-up included. */
  readonly inOutbox: number;
  readonly lost: number;
  readonly duplicated: number;
}

function childEnv(variant: Variant, options: WarmOptions, extra: Record<string, string>): Record<string, string> {
  return {
    ...options.env,
    [CHILD_ENV.bundle]: variant.entry,
    [CHILD_ENV.event]: JSON.stringify(options.event),
    [CHILD_ENV.confirmation]: en.sentCardTitle,
    ...extra,
  };
}

export async function measureLatency(
  variant: Variant,
  requests: number,
  warmUp: number,
  options: WarmOptions,
): Promise<LatencyReport> {
  if (!variant.rawSdk) throw new Error(`the ${variant.name} build names no SES client to compare with`);
  await options.outbox.clear();
  const env = childEnv(variant, options, {
    [CHILD_ENV.mode]: 'latency',
    [CHILD_ENV.requests]: String(requests),
    [CHILD_ENV.warmUp]: String(warmUp),
    [CHILD_ENV.rawSdk]: variant.rawSdk,
  });
  const { report } = await runChild<LatencyReport>([...options.nodeArguments, options.runner], {
    node: options.node,
    env,
    timeoutMs: 600_000,
    ...(options.launcher ? { launcher: options.launcher } : {}),
  });
  const expected = warmUp + requests;
  const inOutbox = (await options.outbox.mails()).length;
  if (report!.confirmed !== expected || report!.rawAccepted !== expected || inOutbox !== 2 * expected) {
    throw new Error(
      `the ${variant.name} build confirmed ${report!.confirmed} of ${expected} mails and SES accepted ${report!.rawAccepted} of ${expected} raw sends, but the outbox holds ${inOutbox}`,
    );
  }
  await options.outbox.clear();
  return report!;
}

/** The messageId of every "mail-sent" log line the skill wrote. */
function loggedMessageIds(stdout: string): string[] {
  const ids: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { event?: string; messageId?: string };
    if (entry.event === 'mail-sent' && entry.messageId) ids.push(entry.messageId);
  }
  return ids;
}

export async function measureThroughput(
  variant: Variant,
  mails: number,
  warmUp: number,
  concurrency: number,
  options: WarmOptions,
): Promise<ThroughputFigures> {
  await options.outbox.clear();
  const env = childEnv(variant, options, {
    [CHILD_ENV.mode]: 'throughput',
    [CHILD_ENV.requests]: String(mails),
    [CHILD_ENV.warmUp]: String(warmUp),
    [CHILD_ENV.concurrency]: String(concurrency),
  });
  const { report, stdout } = await runChild<ThroughputReport>([...options.nodeArguments, options.runner], {
    node: options.node,
    env,
    captureStdout: true,
    timeoutMs: 600_000,
  });
  const inOutbox = (await options.outbox.mails()).map((mail) => mail.messageId);
  await options.outbox.clear();
  // Every request got a confirmation, a logged message ID, and exactly one mail in the outbox under that ID.
  const expected = report!.warmUp + mails;
  const logged = new Set(loggedMessageIds(stdout));
  const delivered = new Set(inOutbox.filter((id) => logged.has(id)));
  const lost = expected - delivered.size;
  const duplicated = inOutbox.length - delivered.size;
  if (lost > 0 || duplicated > 0 || report!.confirmed !== expected) {
    throw new Error(
      `the ${variant.name} build confirmed ${report!.confirmed} of ${expected} mails, but the outbox holds ${inOutbox.length} (${lost} lost, ${duplicated} duplicated or unconfirmed)`,
    );
  }
  const figures = { ...report!, mailsPerSecond: mails / report!.seconds, inOutbox: inOutbox.length, lost, duplicated };
  return figures;
}
