// The figures as the Markdown the benchmark prints and writes into docs/performance.md: how they
// were measured, the cold starts in each setting, warm latency, sizes, the memory table, the
// targets with their verdicts, and the Lambda settings the figures argue for.

import { PROFILE_TIMEOUT_MS } from '../../../lambda/deadlines.ts';
import { LAMBDA_MB_PER_VCPU } from '../cpuShare.ts';
import { MAILS_PER_DAY, PRICE_PER_GB_SECOND_USD, PRICE_PER_REQUEST_USD, PRICES_READ_ON } from '../pricing.ts';
import type { SizeFigures } from '../sizes.ts';
import { ratio, type Summary } from '../stats.ts';
import type { Scenario, Setting, VariantName } from '../variants.ts';
import type { ColdFigures, ColdRuns, WarmFigures } from './figures.ts';
import type { Results } from './results.ts';
import { COLD_MAIL_BUDGET_MS, DEADLINE_CEILING_MS } from './targets.ts';

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (summary: Summary, format = ms) =>
  `${format(summary.median)} (${format(summary.p10)}–${format(summary.p90)})`;
const times = (value: number) => `${value.toFixed(2)}×`;
const kb = (bytes: number) => (bytes / 1024).toFixed(0);
const mb = (kilobytes: number) => (kilobytes / 1024).toFixed(1);
const usd = (dollars: number) => `$${dollars.toFixed(dollars < 1 ? 3 : 2)}`;
const sizeCell = (size: SizeFigures | undefined) =>
  size ? `${kb(size.bytes)} KB (${kb(size.gzipBytes)} KB gz, ${size.files} files)` : '—';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const LABELS: Record<VariantName, string> = {
  project: 'project, as shipped',
  projectPlainNode: 'project, its cache trained for plain node',
  projectNoCache: 'project without code cache',
  compared: 'compared build (--compare)',
  baseline: 'baseline (unbundled)',
  askSdkAlone: 'floor: ask-sdk-core alone',
  askSdkLogging: 'floor: ask-sdk-core + 1 log line',
  sesClientAlone: 'floor: SES client alone',
};
/** The build each setting judges, first among its columns. */
const COLUMNS: Record<Setting, readonly VariantName[]> = {
  plain: ['projectPlainNode', 'projectNoCache', 'compared', 'askSdkAlone', 'askSdkLogging', 'sesClientAlone'],
  lambda: ['project', 'projectNoCache', 'compared', 'baseline', 'askSdkAlone', 'askSdkLogging', 'sesClientAlone'],
};

type Metric = keyof Omit<ColdFigures, 'raw'>;
/** Label, request, figure, and which figure of the bare nodes stands beside it (none for a figure they have not). */
const ROWS: readonly [string, Scenario, Metric, 'wallMs' | 'cpuMs' | undefined][] = [
  ['**LaunchRequest answered** (spawn → exit)', 'launch', 'wallMs', 'wallMs'],
  ['**first mail sent** (spawn → exit)', 'mail', 'wallMs', 'wallMs'],
  ['LaunchRequest: process start → answer', 'launch', 'answeredMs', undefined],
  ['LaunchRequest: loading index.js', 'launch', 'loadMs', undefined],
  ['LaunchRequest: CPU time of the process', 'launch', 'cpuMs', 'cpuMs'],
  ['first mail: process start → answer', 'mail', 'answeredMs', undefined],
  ['first mail: index.js loaded → answer', 'mail', 'handleMs', undefined],
  ['first mail: CPU time of the process', 'mail', 'cpuMs', 'cpuMs'],
  ['first mail: peak RSS (MB)', 'mail', 'maxRssKb', undefined],
];

function coldTable(results: Results, setting: Setting): string {
  const runs: ColdRuns = results.cold.runs[setting];
  const columns = COLUMNS[setting].filter((variant) => runs.launch[variant] || runs.mail[variant]);
  const judged = columns[0];
  const trusted = setting === 'plain';
  const bares = [
    results.cold.bare[setting],
    ...(trusted ? [results.cold.bareTrusted] : []),
    results.cold.bareHttp[setting],
  ];
  const rows = ROWS.map(([label, scenario, metric, bareMetric]) => {
    const format = metric === 'maxRssKb' ? mb : ms;
    const cell = (variant: VariantName) => {
      const summary = runs[scenario][variant]?.[metric];
      return summary ? spread(summary, format) : '';
    };
    const judgedFigure = judged ? runs[scenario][judged]?.[metric] : undefined;
    const bare = bareMetric ? results.cold.bare[setting][bareMetric] : undefined;
    return [
      label,
      ...bares.map((figures) => (bareMetric ? spread(figures[bareMetric]) : '')),
      ...columns.map(cell),
      judgedFigure && bare ? times(ratio(judgedFigure.median, bare.median)) : '',
    ];
  });
  const title =
    setting === 'plain'
      ? `Cold start, plain node ${results.node.version}, ms: median (p10–p90)`
      : `Cold start, node ${results.node.version} with Lambda's flags for ${results.memoryMb} MB, ms: median (p10–p90)`;
  return table(
    [
      title,
      'bare `node -e 0`',
      ...(trusted ? ['bare, trusting the local certificate'] : []),
      "floor: node requiring 'http', as Lambda's runtime does",
      ...columns.map((variant) => LABELS[variant]),
      `${judged ? LABELS[judged].split(',')[0] : 'project'} ÷ bare`,
    ],
    rows,
  );
}

function warmTable(results: Results): string {
  const { settings } = results;
  const columns = (['project', 'baseline'] as const).filter((name) => results.warm[name]);
  const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`;
  const cells = (value: (figures: WarmFigures) => string) => columns.map((name) => value(results.warm[name]!));
  return table(
    [`Warm, one process, Lambda's flags for ${results.memoryMb} MB`, ...columns.map((name) => LABELS[name])],
    [
      [
        `SendEmailIntent answered, ms p50 / p99 (${settings.requests} requests)`,
        ...cells((w) => pair(w.skillMs.median, w.skillMs.p99)),
      ],
      ['raw SDK SendEmail of the same mail, ms p50 / p99', ...cells((w) => pair(w.rawMs.median, w.rawMs.p99))],
      ["**the skill's own overhead**, ms p50 / p99", ...cells((w) => pair(w.overheadP50Ms, w.overheadP99Ms))],
      [
        `throughput, mails/s (${settings.mails} mails, ${settings.concurrency} in flight)`,
        ...columns.map((name) => {
          const figures = results.throughput[name];
          return figures
            ? `${figures.mailsPerSecond.toFixed(0)} (${figures.lost} lost, ${figures.duplicated} duplicated)`
            : '—';
        }),
      ],
    ],
  );
}

function sizeTable(results: Results): string {
  const { sizes } = results;
  return table(
    ['Code: bytes as shipped (gzip -6 per file)', 'project', 'baseline (unbundled, from node_modules)'],
    [
      ['**loaded to answer a LaunchRequest**', sizeCell(sizes.launch), sizeCell(sizes.baseline.launch)],
      ['loaded to send a first mail', sizeCell(sizes.mail), sizeCell(sizes.baseline.mail)],
      ['all code in the package', sizeCell(sizes.allCode), '—'],
      ['**code cache**', sizeCell(sizes.codeCache), '—'],
      ['**the zip `ask deploy` uploads**', `${kb(sizes.zipBytes)} KB`, '—'],
    ],
  );
}

function memorySection(results: Results): string[] {
  const { memory } = results;
  if (memory.rows.length === 0) return [];
  const r = memory.recommendation;
  return [
    `### Memory size: ${results.settings.memoryRuns} cold first mails each, ${results.settings.memoryRequests} warm requests`,
    '',
    `CPU share: ${memory.method}. Cost: ${MAILS_PER_DAY.toLocaleString('en-US')} mails a day for 30 days, one request each, at $${(PRICE_PER_REQUEST_USD * 1e6).toFixed(2)} per million requests and $${PRICE_PER_GB_SECOND_USD} per GB-second (x86, us-east-1, read ${PRICES_READ_ON}), billed from the process start for a cold start; the free tier left out.`,
    '',
    table(
      [
        'Memory',
        'share of a vCPU',
        'cold first mail, process start → answer, ms',
        'bare `node -e 0`, same flags and share, ms',
        'CPU time, ms',
        'peak RSS, MB',
        `profile deadline (${PROFILE_TIMEOUT_MS / 1000} s) fired`,
        'warm SendEmailIntent, ms p50 / p99',
        'a month, every mail cold / warm',
      ],
      memory.rows.map((row) => [
        `**${row.memoryMb} MB**`,
        row.vcpu.toFixed(3),
        spread(row.coldMailAtShareMs),
        spread(row.bareMs),
        spread(row.coldMail.cpuMs),
        mb(row.coldMail.maxRssKb.max),
        `${row.profileDeadlineMissed} of ${row.coldMail.wallMs.n}`,
        `${row.warmMs.median.toFixed(1)} / ${row.warmMs.p99.toFixed(1)}`,
        `${usd(row.costUsd.allCold)} / ${usd(row.costUsd.allWarm)}`,
      ]),
    ),
    '',
    `Lambda's flags per size: ${memory.rows.map((row) => `${row.memoryMb} MB \`${row.nodeArguments.filter((flag) => /^--max-(semi|old)-space-size=/.test(flag)).join(' ')}\``).join(', ')} (with \`--expose-gc\` at every size). Peak RSS is the highest of the runs. A run whose profile deadline fired (its share of a CPU starved it while it loaded the SES client) answered with an apology after waiting for it: it counts in the times as it was billed, and a size with one is not recommended. The real network's round trips (TLS to SES and to the Alexa API) come on top of every figure, and cost the same at every size: at ${results.memoryMb} MB, each 100 ms of waiting a request adds ${usd((results.memoryMb / 1024) * 0.1 * PRICE_PER_GB_SECOND_USD * MAILS_PER_DAY * 30)} a month.`,
    ...(r
      ? [
          '',
          `**These figures argue for ${r.memoryMb} MB and a ${r.timeoutS} s timeout**: ${r.why}. The timeout is the skill's own deadlines (${DEADLINE_CEILING_MS / 1000} s at most, retry included) plus that cold start, rounded up, plus 1 s, so that the skill, not Lambda, ends a slow request and logs why.`,
        ]
      : []),
  ];
}

function targetsSection(results: Results): string[] {
  const reasons = results.targets.filter(({ why }) => why).map(({ target, why }) => `- ${target}: ${why}.`);
  return [
    '### Targets',
    '',
    table(
      ['Target', `Node ${results.node.version}`],
      results.targets.map((verdict) => [
        verdict.target,
        `${verdict.met === undefined ? '' : verdict.met ? '✅ ' : '❌ '}**${verdict.value}**`,
      ]),
    ),
    ...(reasons.length > 0 ? ['', ...reasons] : []),
  ];
}

/** The cold first mails started again because the machine starved them past the profile deadline, when there were any. */
function starvedSentence(starved: number): string {
  if (starved === 0) return '';
  return `${starved} cold ${starved === 1 ? 'child' : 'children'} answered with the profile apology (the machine starved ${starved === 1 ? 'it' : 'them'} past the ${PROFILE_TIMEOUT_MS / 1000} s profile deadline) and ${starved === 1 ? 'was' : 'were'} started again; only the runs that sent their mail count. `;
}

function minutes(seconds: number): string {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`;
}

export function markdown(results: Results): string {
  const { settings, machine } = results;
  const cache =
    'skipped' in results.codeCache
      ? `no code cache (${results.codeCache.skipped})`
      : `its code cache made on Node ${results.codeCache.node} with \`${results.codeCache.v8Flags.join(' ')}\``;
  const load = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(' / ');
  return [
    `## Benchmark ${results.date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, Node ${results.node.version}`,
    '',
    `${settings.runs} cold runs of each kind, interleaved; every ratio is to a bare \`node -e 0\` of the same binary started the same way. Every child, the bare one included, gets an environment like Lambda's: \`NODE_OPTIONS\` and this shell's \`NODE_EXTRA_CA_CERTS\` cleared, nothing from \`~/.aws\`. SES and the Customer Profile API are local stand-ins reached over HTTPS, with a certificate made for the run that only the measured children trust, through \`NODE_EXTRA_CA_CERTS\` naming that one file; the column "bare, trusting the local certificate" shows what that costs a start. Lambda's flags for ${results.memoryMb} MB (ask-resources.json): \`${results.lambdaArguments.join(' ')}\`; the shipped build holds ${cache}. ${results.limitTable ? `Every first mail reserved its place in the abuse limits' table ${results.limitTable}, a local DynamoDB (dynalite) reached over HTTPS, as a deploy provisioned with \`--limit-table\` does. ` : ''}${starvedSentence(results.cold.starved)}The run took ${minutes(results.durationS)}; load average ${load(machine.loadAverage.start)} when it started, ${load(machine.loadAverage.end)} when it ended (1 / 5 / 15 min).`,
    ...(results.notLambdaMajor ? ['', `**Not measured:** ${results.notLambdaMajor}.`] : []),
    '',
    coldTable(results, 'plain'),
    '',
    coldTable(results, 'lambda'),
    '',
    warmTable(results),
    '',
    sizeTable(results),
    '',
    ...memorySection(results),
    '',
    ...targetsSection(results),
    '',
    `One vCPU is ${LAMBDA_MB_PER_VCPU} MB's share; a cold first mail must answer within ${COLD_MAIL_BUDGET_MS} ms at the chosen size.`,
  ].join('\n');
}
