// The built skill for the files that run it through the simulator: one bundle per run, built by
// test/builtCommands.ts before any file starts, so no file rebuilds it while another loads it.
// useSimulator registers its own beforeAll and afterAll: call it at the top of a test file.

import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../devtools/simulator/simulator.ts';

/** The folder holding the run's skill bundle (for --bundle-dir). */
export function skillBundleDir(): string {
  return inject('skillBundleDir');
}

/**
 * A copy of the run's skill bundle in `folder` (npm run build's output, without a sender): a copy,
 * not the shared folder, so that a file loading it in-process gets a module cache of its own.
 */
export async function copySkillBundle(folder: string): Promise<{ outFile: string }> {
  await cp(skillBundleDir(), folder, { recursive: true });
  return { outFile: join(folder, 'index.js') };
}

/** A simulator running the run's skill bundle. */
export function useSimulator(options: Omit<SimulatorOptions, 'bundleDir'> = {}): () => Simulator {
  let simulator: Simulator | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ ...options, bundleDir: skillBundleDir() });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  return () => {
    if (!simulator) throw new Error('The simulator starts in beforeAll: ask for it inside a test.');
    return simulator;
  };
}
