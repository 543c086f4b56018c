// Measures, in one run, the three ways a cold start can compile the bundle: no cache, Node's
// built-in module compile cache prepared at build time, and the V8 code cache the build trains,
// as ratios to a bare node, so that docs/performance.md can keep the simpler one the figures allow.
// Usage: node --import tsx devtools/bench/codeCacheDecision.ts [RUNS] > FILE.md

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { buildLambda } from '../../ops/build/bundle.ts';
import { configuredMemoryMb, lambdaNodeArguments, RUNTIME_NODE } from '../../ops/build/lambdaRuntime.ts';
import { BENCH_SENDER, buildAll, startStandIns, WORK_DIR } from './builds.ts';
import { measureColdStarts, SCENARIOS } from './cold.ts';
import { coldFigures } from './report.ts';
import { ratio, type Summary } from './stats.ts';

const runs = Number(process.argv[2] ?? 40);
const loadAtStart = loadavg();
const memoryMb = await configuredMemoryMb();
const lambdaArguments = lambdaNodeArguments(memoryMb);
const deployConfig = { [ENV.fromAddress]: BENCH_SENDER };
const builds = await buildAll(BENCH_SENDER);
const none = join(WORK_DIR, 'no-cache');
await buildLambda(none, { codeCache: false, deployConfig });
// Node's own cache: index.js turns it on and require()s skill.js, which require()s its chunks. It is
// prepared where it is measured (its keys hold each file's absolute path), once per set of flags.
const builtIn = join(WORK_DIR, 'built-in');
await buildLambda(builtIn, { codeCache: false, deployConfig });
await writeFile(
  join(builtIn, 'index.js'),
  `"use strict";require("node:module").enableCompileCache?.(require("node:path").join(__dirname,"compile-cache"));module.exports=require("./skill.js");\n`,
);
const chunks = readdirSync(join(builtIn, 'chunks')).filter((name) => name.endsWith('.js'));
const prepare = ['index.js', ...chunks.map((name) => `chunks/${name}`)]
  .map((file) => `require(${JSON.stringify(join(builtIn, file))});`)
  .join('');
for (const flags of [[], lambdaArguments])
  execFileSync(RUNTIME_NODE, [...flags, '-e', prepare], { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });

const { start, close } = await startStandIns(RUNTIME_NODE, builds.coldRunner, lambdaArguments);
const entries = { none: join(none, 'index.js'), builtIn: join(builtIn, 'index.js'), trained: builds.project };
// With Lambda's flags only: the trained cache is made for them, and plain node refuses it.
const samples = await measureColdStarts(
  start,
  entries,
  runs,
  (round) => {
    if (round % 5 === 0) process.stderr.write(`round ${round}/${runs}\n`);
  },
  ['lambda'],
);
await close();
const figuresOf = (scenario: 'launch' | 'mail') =>
  Object.fromEntries(Object.entries(samples.lambda[scenario]).map(([build, list]) => [build, coldFigures(list)]));
const cold = {
  lambda: { bare: coldFigures(samples.lambda.bare), launch: figuresOf('launch'), mail: figuresOf('mail') },
};
await writeFile(
  join(process.cwd(), 'code-cache-decision.json'),
  `${JSON.stringify({ loadAtStart, loadAtEnd: loadavg(), cold }, null, 2)}\n`,
);

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const spread = (summary: Summary) => `${ms(summary.median)} (${ms(summary.p10)}–${ms(summary.p90)})`;
const lines = [
  `${runs} rounds, ${new Date().toISOString()}, node ${execFileSync(RUNTIME_NODE, ['--version'], { encoding: 'utf8' }).trim()}, load average ${loadAtStart.map((load) => load.toFixed(2)).join(' / ')} at the start, ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ')} at the end`,
  '',
  '| setting | request | figure | bare `node -e 0` | no cache | built-in compile cache | trained cache | ÷ bare: none / built-in / trained | gain over none: built-in / trained | built-in ÷ trained gain |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
for (const setting of ['lambda'] as const)
  for (const scenario of SCENARIOS)
    for (const figure of ['wallMs', 'cpuMs'] as const) {
      const bare = cold[setting].bare[figure];
      const of = (build: keyof typeof entries) => cold[setting][scenario][build]![figure];
      const gain = (build: 'builtIn' | 'trained') => of('none').median - of(build).median;
      lines.push(
        `| Lambda's flags, ${memoryMb} MB | ${scenario === 'launch' ? 'LaunchRequest' : 'first mail'} | ${figure === 'wallMs' ? 'spawn → exit' : 'CPU time'} | ${spread(bare)} | ${spread(of('none'))} | ${spread(of('builtIn'))} | ${spread(of('trained'))} | ${(['none', 'builtIn', 'trained'] as const).map((build) => `${ratio(of(build).median, bare.median).toFixed(2)}×`).join(' / ')} | ${ms(gain('builtIn'))} / ${ms(gain('trained'))} ms (${((gain('trained') / of('none').median) * 100).toFixed(0)}% of none) | ${((gain('builtIn') / gain('trained')) * 100).toFixed(0)}% |`,
      );
    }
process.stdout.write(`${lines.join('\n')}\n`);
