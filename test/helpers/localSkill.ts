// The built skill for a dialog test file, in the file's own temporary folder: test files run
// in parallel, and two of them rebuilding dist/lambda at once could load a half-written bundle.
// Call these at the top of a test file; they register their own beforeAll and afterAll.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../devtools/simulator/simulator.ts';
import { buildLambda } from '../../ops/build/bundle.ts';

/** The folder holding this file's bundle (for --bundle-dir). */
export function usePrivateBundle(): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dialog-bundle-'));
    await buildLambda(dir);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('The bundle is built in beforeAll: ask for it inside a test.');
    return dir;
  };
}

/** A simulator running this file's bundle. */
export function useSimulator(options: Omit<SimulatorOptions, 'bundleDir'> = {}): () => Simulator {
  const bundleDir = usePrivateBundle();
  let simulator: Simulator | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ ...options, bundleDir: bundleDir() });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  return () => {
    if (!simulator) throw new Error('The simulator starts in beforeAll: ask for it inside a test.');
    return simulator;
  };
}
