import { defineConfig } from 'vitest/config';

// Three projects: unit (one module at a time, in this process: a test may start the loopback
// stand-ins of testkit/ beside it, never a child process or a build), integration (built bundles,
// child processes, whole tools) and live (real AWS or Alexa; each file skips unless switched on).
// A unit test's path follows its source's: test/unit/lambda/mail/ses.test.ts for lambda/mail/ses.ts.
export default defineConfig({
  test: {
    // Each file starts its own local servers on free ports, so files run in parallel safely.
    pool: 'forks',
    // Two at a time on the 2-core machine: most files wait on child processes and loopback servers,
    // and vitest's default (one fewer than the cores) ran them one by one there: 321 s against 239 s
    // with four, measured side by side on the idle machine; two keeps CPU-bound files from starving.
    maxWorkers: 2,
    // Timeouts only catch a hang: far above what any test takes on a 2-core machine shared with
    // other builds (the 400-request load test alone took up to 24 s there), so load never trips them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Captures every line each test file prints or the skill logs, and fails the file if a
    // secret or a full email address is among them.
    setupFiles: ['test/setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // A worker runs file after file in one process, so the SDKs and the skill load once per
          // worker, not once per file: the project took 14 s of CPU instead of 48 s. test/setup.ts
          // gives each file its own output store and the environment it started with.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'live', include: ['test/live/**/*.test.ts'] } },
    ],
  },
});
