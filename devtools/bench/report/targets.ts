// The performance targets, a verdict on each from the figures, and for a missed one the measured
// floor that stops it; and the Lambda memory size and timeout the memory table argues for.

import { SEND_WORST_CASE_MS } from '../../../lambda/deadlines.ts';
import type { MemoryRow } from '../memory.ts';
import { ratio } from '../stats.ts';
import type { Scenario, Setting, VariantName } from '../variants.ts';
import type { ColdResults, WarmFigures } from './figures.ts';

const TARGETS = {
  launchVsBare: 1.3,
  mailVsBare: 2.5,
  peakRssMb: 80,
  overheadP99Ms: 2,
} as const;

/**
 * Alexa waits about 8 s and the calls to others may take 7.3 s in the worst case
 * (lambda/deadlines.ts): a cold first mail, at Lambda's share of a CPU, must stay well under the
 * second that leaves, since the real network's round trips come on top of the loopback's.
 */
export const COLD_MAIL_BUDGET_MS = 1000;
/** The longest a request can wait on others, retry and the limit table included: the skill's own deadlines. */
export const DEADLINE_CEILING_MS = SEND_WORST_CASE_MS;

export interface Verdict {
  readonly target: string;
  readonly value: string;
  /** Undefined for a figure that is only reported. */
  readonly met?: boolean;
  /** For a missed target: the measurements that say why. */
  readonly why?: string;
}

export interface Recommendation {
  readonly memoryMb: number;
  readonly timeoutS: number;
  readonly why: string;
}

/** What a verdict needs besides the cold figures. */
export interface TargetInputs {
  readonly cold: ColdResults;
  readonly memoryMb: number;
  readonly warm?: WarmFigures | undefined;
  readonly codeCacheBytes?: number | undefined;
  readonly zipBytes: number;
}

const SETTING_WORDS: Record<Setting, (memoryMb: number) => string> = {
  plain: () => 'plain node',
  lambda: (memoryMb) => `Lambda's flags for ${memoryMb} MB`,
};
/** The build whose figures each setting judges: the one a deploy ships, or its twin trained for plain node. */
const JUDGED: Record<Setting, VariantName> = { plain: 'projectPlainNode', lambda: 'project' };
const FLOORS: Record<Scenario, readonly [VariantName, string][]> = {
  launch: [
    ['askSdkAlone', 'ask-sdk-core alone answering it with one handler'],
    ['askSdkLogging', 'the same writing one JSON log line to stdout, as the skill does'],
  ],
  mail: [['sesClientAlone', 'the SES client alone (the project’s own chunk) sending one mail over HTTPS']],
};

function coldVerdict(inputs: TargetInputs, scenario: Scenario, setting: Setting, limit: number): Verdict | undefined {
  const { cold, memoryMb } = inputs;
  const runs = cold.runs[setting][scenario];
  const figures = runs[JUDGED[setting]];
  if (!figures) return undefined;
  const judged = figures.wallMs.median;
  const bare = cold.bare[setting].wallMs.median;
  const value = ratio(judged, bare);
  const met = value <= limit;
  const target = `cold ${scenario === 'launch' ? 'LaunchRequest answered' : 'first mail sent'} ≤ ${limit.toFixed(1)}× bare node (${SETTING_WORDS[setting](memoryMb)})`;
  // CPU time does not wait in a busy machine's run queue: beside the ratio, it says what load did to it.
  const cpu = ratio(figures.cpuMs.median, cold.bare[setting].cpuMs.median);
  const shown = `${value.toFixed(2)}× (CPU time ${cpu.toFixed(2)}×)`;
  if (met) return { target, value: shown, met };
  // Floors are compiled without a code cache: compare them with the project compiled the same way.
  const bareCpu = cold.bare[setting].cpuMs.median;
  const both = (wall: number, cpuMs: number) =>
    `${ratio(wall, bare).toFixed(2)}× (${wall.toFixed(1)} ms; CPU time ${ratio(cpuMs, bareCpu).toFixed(2)}×)`;
  const noCache = runs.projectNoCache;
  const floors = FLOORS[scenario].flatMap(([name, label]) => {
    const floor = runs[name];
    return floor ? [{ floor, text: `${label} takes ${both(floor.wallMs.median, floor.cpuMs.median)}` }] : [];
  });
  const nearest = floors.at(-1)?.floor;
  const http = cold.bareHttp[setting];
  const parts = [
    `bare node takes ${bare.toFixed(1)} ms (CPU time ${bareCpu.toFixed(1)} ms)`,
    `node requiring 'http', as Lambda's runtime client does before it loads a handler, ${both(http.wallMs.median, http.cpuMs.median)}`,
    ...floors.map(({ text }) => text),
    ...(noCache
      ? [
          `the project compiled like the floors, without a code cache, takes ${both(noCache.wallMs.median, noCache.cpuMs.median)}${nearest ? `, ${(noCache.cpuMs.median - nearest.cpuMs.median).toFixed(1)} ms of CPU over the last floor` : ''}`,
          `its code cache takes ${(noCache.cpuMs.median - figures.cpuMs.median).toFixed(1)} ms of CPU off`,
        ]
      : []),
  ];
  return { target, value: shown, met, why: parts.join('; ') };
}

export function verdicts(inputs: TargetInputs): Verdict[] {
  const list: (Verdict | undefined)[] = [
    coldVerdict(inputs, 'launch', 'plain', TARGETS.launchVsBare),
    coldVerdict(inputs, 'launch', 'lambda', TARGETS.launchVsBare),
    coldVerdict(inputs, 'mail', 'plain', TARGETS.mailVsBare),
    coldVerdict(inputs, 'mail', 'lambda', TARGETS.mailVsBare),
  ];
  const mail = inputs.cold.runs.lambda.mail.project;
  if (mail) {
    const peak = mail.maxRssKb.max / 1024;
    list.push({
      target: `peak RSS of a cold first mail ≤ ${TARGETS.peakRssMb} MB (Lambda's flags)`,
      value: `${peak.toFixed(1)} MB (highest of ${mail.maxRssKb.n})`,
      met: peak <= TARGETS.peakRssMb,
    });
  }
  if (inputs.warm) {
    list.push({
      target: `warm skill overhead p99 < ${TARGETS.overheadP99Ms} ms (Lambda's flags)`,
      value: `${inputs.warm.overheadP99Ms.toFixed(2)} ms`,
      met: inputs.warm.overheadP99Ms < TARGETS.overheadP99Ms,
    });
  }
  list.push({ target: 'the zip `ask deploy` uploads', value: `${(inputs.zipBytes / 1024).toFixed(0)} KB` });
  list.push({
    target: 'its code cache',
    value: inputs.codeCacheBytes === undefined ? 'none' : `${(inputs.codeCacheBytes / 1024).toFixed(0)} KB`,
  });
  return list.filter((verdict): verdict is Verdict => verdict !== undefined);
}

/** "the profile deadline fired in 2 of 10 cold runs" */
function deadlineMisses(row: MemoryRow): string {
  return `the profile deadline fired in ${row.profileDeadlineMissed} of ${row.coldMail.wallMs.n} cold runs`;
}

/**
 * The smallest memory size at which a cold first mail, at that size's share of a CPU, answers
 * within COLD_MAIL_BUDGET_MS (median) with its peak RSS under half the memory, and never missed
 * the profile deadline (a user would have heard an apology); the timeout covers the skill's own
 * deadlines plus that cold start, so that the skill, not Lambda, ends a slow request.
 */
export function recommend(rows: readonly MemoryRow[]): Recommendation | undefined {
  const fits = (row: MemoryRow) =>
    row.coldMailAtShareMs.median <= COLD_MAIL_BUDGET_MS &&
    row.coldMail.maxRssKb.max / 1024 <= row.memoryMb / 2 &&
    row.profileDeadlineMissed === 0;
  const chosen = rows.find(fits) ?? rows.at(-1);
  if (!chosen) return undefined;
  const coldMs = chosen.coldMailAtShareMs.median;
  const timeoutS = Math.ceil((DEADLINE_CEILING_MS + coldMs) / 1000) + 1;
  const smaller = rows.filter((row) => row.memoryMb < chosen.memoryMb);
  const why = fits(chosen)
    ? `the smallest size whose cold first mail answers within ${COLD_MAIL_BUDGET_MS} ms (${coldMs.toFixed(0)} ms, median) with peak RSS under half the memory and no missed profile deadline${smaller.length > 0 ? `; ${smaller.map((row) => `${row.memoryMb} MB takes ${row.coldMailAtShareMs.median.toFixed(0)} ms${row.profileDeadlineMissed > 0 ? ` and ${deadlineMisses(row)}` : ''}`).join(', ')}` : ''}`
    : `no size measured keeps a cold first mail within ${COLD_MAIL_BUDGET_MS} ms without missing the profile deadline: the largest`;
  return { memoryMb: chosen.memoryMb, timeoutS, why };
}
