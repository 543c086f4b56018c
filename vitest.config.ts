import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Four projects: unit (one module at a time, in this process: a test may start the loopback
// stand-ins of testkit/ beside it, never a child process or a build), integration (built bundles,
// child processes, whole tools), simulator (the integration files that run the skill bundle in
// their own process through the simulator) and live (real AWS or Alexa; each file skips unless
// switched on). A unit test's path follows its source's: test/unit/lambda/mail/ses.test.ts for lambda/mail/ses.ts.

// The simulator loads the skill bundle, which reads its configuration once per process: each of these
// files needs a process of its own. Another file that starts the simulator fails, saying so, until added here.
const OWN_PROCESS = [
  'test/integration/**/simulator/**/*.test.ts',
  'test/integration/**/cloud/**/*.test.ts',
  'test/integration/**/console/**/*.test.ts',
  'test/integration/**/hosted/simulator.test.ts',
];

// The longest files (the simulator's terminal, the console's browser) start first, and the unit files,
// short and many, fill the workers at the end; vitest alone would order the projects by name.
const PROJECTS_LONGEST_FIRST = ['simulator', 'integration', 'unit', 'live'];
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => PROJECTS_LONGEST_FIRST.indexOf(file.project.name);
    // Stable: within a project, vitest's own order (longest last time first, else largest first).
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    // Each file starts its own local servers on free ports, so files run in parallel safely.
    pool: 'forks',
    // Two at a time on the 2-core machine (vitest's default there is one). npm test on the idle
    // machine, one after another on 2026-12-08: 132 s with two, 126 s with three, 140 s with four;
    // two keeps the deadline-bound tests' headroom when CI shares the machine with other work.
    maxWorkers: 2,
    // Timeouts only catch a hang: far above what any test takes on a 2-core machine shared with
    // other builds (the 400-request load test alone took up to 24 s there), so load never trips them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Captures every line each test file prints or the skill logs, and fails the file if a
    // secret or a full email address is among them.
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/builtCommands.ts'],
    // A worker runs file after file in one process, so the SDKs, the tools and the skill load once
    // per worker, not once per file: the unit project took 14 s of CPU instead of 48 s, 35 integration
    // files 69 s instead of 116 s. test/setup.ts gives each file its own output store and the
    // environment it started with.
    isolate: false,
    sequence: { sequencer: LongestFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...OWN_PROCESS],
        },
      },
      { extends: true, test: { name: 'simulator', include: OWN_PROCESS, isolate: true } },
      { extends: true, test: { name: 'live', include: ['test/live/**/*.test.ts'], isolate: true } },
    ],
  },
});
