import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file starts its own local servers on free ports, so files run in parallel safely.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Captures every line each test file prints or the skill logs, and fails the file if a
    // secret or a full email address is among them (issue 7).
    setupFiles: ['test/reliability/setup/captureOutput.ts'],
  },
});
