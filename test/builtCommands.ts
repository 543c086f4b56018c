// vitest globalSetup: bundles the commands whose refusals and help many tests check, once per run,
// so those tests start plain node on one file instead of tsx compiling the command's whole graph;
// and builds the skill once for the files that run it through the simulator.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestProject } from 'vitest/node';
import { PROJECT_ROOT } from '../ops/paths.ts';

/** The commands tests may run built; each stays tested through `node --import tsx` at least once. */
export const BUILT_COMMANDS = [
  'devtools/bench/main.ts',
  'devtools/cloud/main.ts',
  'devtools/console/main.ts',
  'devtools/simulator/main.ts',
  'ops/hosted/main.ts',
] as const;
export type BuiltCommand = (typeof BUILT_COMMANDS)[number];

declare module 'vitest' {
  interface ProvidedContext {
    builtCommandsDir: string;
    skillBundleDir: string;
  }
}

/** devtools/bench/main.ts → devtools-bench-main (.mjs in the folder the tests are given). */
export function builtName(script: BuiltCommand): string {
  return script.replace(/\.ts$/, '').replaceAll('/', '-');
}

// Under the project's node_modules, so that the packages left outside the bundle resolve as they do
// for the sources; ops/paths.ts finds the project root from its own URL, which every module is given.
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules/.cache');

interface SharedBuild {
  readonly dir: Promise<string>;
  users: number;
}
// vitest loads a root globalSetup anew for the root and for each project, in one process: the
// instances share one build through a global, which the last teardown removes.
const SHARED = Symbol.for('alexa-mailer.builtCommands');
const holder = globalThis as { [SHARED]?: SharedBuild };

async function buildCommands(): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  const outDir = await mkdtemp(join(CACHE_DIR, 'alexa-mailer-commands-'));
  // Loaded here, not at the top: the test helpers import this module's names in every test process.
  const [{ build }, { ensureLambdaBuilt }] = await Promise.all([import('esbuild'), import('../ops/build/bundle.ts')]);
  // The simulator checks the bundle as `npm start` does and finds it current; a change to lambda/
  // during the run is rebuilt beside it and renamed into place, never half-written.
  const skill = ensureLambdaBuilt(skillBundleDir(outDir));
  await build({
    entryPoints: BUILT_COMMANDS.map((script) => ({ in: join(PROJECT_ROOT, script), out: builtName(script) })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Shared code and each lazily loaded import in chunks beside the entries, so a command's help or
    // refusal loads as little as it does from the sources.
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    define: { 'import.meta.url': 'pathsModuleUrl' },
    banner: { js: `const pathsModuleUrl = ${JSON.stringify(pathToFileURL(join(PROJECT_ROOT, 'ops/paths.ts')).href)};` },
  });
  await skill;
  return outDir;
}

function skillBundleDir(commandsDir: string): string {
  return join(commandsDir, 'skill');
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  holder[SHARED] ??= { dir: buildCommands(), users: 0 };
  const build = holder[SHARED];
  build.users++;
  const dir = await build.dir;
  project.provide('builtCommandsDir', dir);
  project.provide('skillBundleDir', skillBundleDir(dir));
  return async () => {
    build.users--;
    if (build.users > 0) return;
    if (holder[SHARED] === build) delete holder[SHARED];
    await rm(await build.dir, { recursive: true, force: true });
  };
}
