// The builds the benchmark compares, built fresh in one work folder inside node_modules/.cache, so
// that the baseline's require('ask-sdk-core') resolves from the project's node_modules:
//   project           ops/build/bundle.ts as the deploy's build hook makes it, with the sender
//                     address (and with --limit-table the table) embedded, the code cache
//                     trained with Lambda's flags for the memory size in ask-resources.json;
//   projectPlainNode  the same bundle, its cache trained without Lambda's flags, for plain node;
//   projectNoCache    the same bundle without a code cache;
//   baseline          the same handlers unbundled, every package required from node_modules at
//                     run time, as the ASK CLI templates deploy a skill;
//   compared          with --compare DIR, a bundle built elsewhere (another branch's npm run build);
// the floors, the least any skill on the same libraries can do, compiled without a code cache
// (floors/): ask-sdk-core alone answering a LaunchRequest, the same writing one log line, the
// SES client alone (the project's own chunk) sending a mail; and the project trained for each
// memory size of the memory table.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions as EsbuildOptions } from 'esbuild';
import { buildLambda, NODE_BUNDLE_OPTIONS } from '../../ops/build/bundle.ts';
import type { CodeCacheResult } from '../../ops/build/codeCache.ts';
import { CHUNKS_DIR } from '../../ops/build/lazyChunks.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';

/** One folder per run, so that two runs (a test and a person) never build over each other. */
export const WORK_DIR = join(PROJECT_ROOT, 'node_modules/.cache/alexa-ses-mailer-bench', `run-${process.pid}`);
/**
 * Where the project's builds go: a folder whose path is short, as Lambda's /var/task is. Loaded
 * from deep inside node_modules/.cache, the same build's cold first mail peaked 5.5 MB higher
 * (64.6 against 59.1 MB with Lambda's flags, 2026-11-30): what V8 keeps depends on where the files are.
 */
export const PROJECT_BUILDS_DIR = join(tmpdir(), `amb${process.pid}`);

export type VariantName =
  | 'project'
  | 'projectPlainNode'
  | 'projectNoCache'
  | 'compared'
  | 'baseline'
  | 'askSdkAlone'
  | 'askSdkLogging'
  | 'sesClientAlone';

export type Scenario = 'launch' | 'mail';
/** How a child node starts: as plain `node`, or with the flags Lambda passes for the configured memory size. */
export type Setting = 'plain' | 'lambda';

export interface Variant {
  readonly name: VariantName;
  /** A build of this skill, or a floor that answers one scenario only. */
  readonly kind: 'build' | 'floor';
  readonly scenarios: readonly Scenario[];
  /** The settings it is measured in: a cache trained with Lambda's flags is refused without them. */
  readonly settings: readonly Setting[];
  /** Extra environment for its child processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Absolute path of its index.js. */
  readonly entry: string;
  /** Its lambda/mail/sesSdk.ts, the SES client it sends with, for the raw SDK comparison. */
  readonly rawSdk?: string;
}

/** A build of the project: where it is and the code cache it holds. */
export interface ProjectBuild {
  readonly dir: string;
  readonly entry: string;
  readonly codeCache: CodeCacheResult;
}

export interface Builds {
  readonly variants: readonly Variant[];
  readonly project: ProjectBuild;
  /** The project trained for each memory size of the memory table, by size. */
  readonly bySize: ReadonlyMap<number, ProjectBuild>;
}

const COMMONJS_MARKER = `${JSON.stringify({ type: 'commonjs' })}\n`;
const BOTH: readonly Scenario[] = ['launch', 'mail'];
const SKILL_ENTRY = join(PROJECT_ROOT, 'lambda/container.ts');

type BuildOptions = NonNullable<Parameters<typeof buildLambda>[1]>;

async function buildProject(dir: string, options: BuildOptions): Promise<ProjectBuild> {
  const built = await buildLambda(dir, options);
  return { dir, entry: built.outFile, codeCache: built.codeCache };
}

async function buildBaseline(dir: string): Promise<Variant> {
  const entry = join(dir, 'index.js');
  const rawSdk = join(dir, 'sesSdk.js');
  const unbundled: EsbuildOptions = {
    absWorkingDir: PROJECT_ROOT,
    ...NODE_BUNDLE_OPTIONS,
    // Only lambda/ goes into the files; ask-sdk-core, the SES client and nodemailer load from node_modules.
    packages: 'external',
    format: 'cjs',
  };
  await build({ ...unbundled, entryPoints: [SKILL_ENTRY], outfile: entry });
  // For the raw SDK comparison: the same client factory, on the same SES client from node_modules.
  await build({ ...unbundled, entryPoints: [join(PROJECT_ROOT, 'lambda/mail/sesSdk.ts')], outfile: rawSdk });
  await writeFile(join(dir, 'package.json'), COMMONJS_MARKER);
  return { name: 'baseline', kind: 'build', scenarios: BOTH, settings: ['lambda'], entry, rawSdk };
}

/** What ops/build/bundle.ts gives skill.js, for the floors. */
const LIKE_THE_PROJECT: EsbuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  ...NODE_BUNDLE_OPTIONS,
  format: 'cjs',
  mainFields: ['module', 'main'],
  supported: { 'dynamic-import': false },
  minify: true,
};

/** ask-sdk-core alone, and the same writing one log line as the skill does. */
async function buildAskSdkFloors(dir: string): Promise<Variant[]> {
  const entry = join(dir, 'index.js');
  await build({
    ...LIKE_THE_PROJECT,
    entryPoints: [join(PROJECT_ROOT, 'devtools/bench/floors/askSdkAlone.ts')],
    outfile: entry,
  });
  await writeFile(join(dir, 'package.json'), COMMONJS_MARKER);
  const floor = { kind: 'floor', scenarios: ['launch'], settings: ['plain', 'lambda'], entry } as const;
  return [
    { ...floor, name: 'askSdkAlone' },
    { ...floor, name: 'askSdkLogging', env: { BENCH_FLOOR_LOG: '1' } },
  ];
}

/** Written beside a project build without a code cache, so that it requires that build's own SES chunk. */
async function buildSesClientAlone(project: ProjectBuild): Promise<Variant> {
  const entry = join(project.dir, 'ses-client-alone.js');
  await build({
    ...LIKE_THE_PROJECT,
    entryPoints: [join(PROJECT_ROOT, 'devtools/bench/floors/sesClientAlone.ts')],
    outfile: entry,
    plugins: [
      {
        name: 'project-ses-chunk',
        setup(esbuild) {
          esbuild.onResolve({ filter: /\/sesSdk\.ts$/ }, () => ({ path: `./${CHUNKS_DIR}/sesSdk.js`, external: true }));
        },
      },
    ],
  });
  return { name: 'sesClientAlone', kind: 'floor', scenarios: ['mail'], settings: ['plain', 'lambda'], entry };
}

/**
 * Every build, one after the other (esbuild and the cache training each take what cores there are).
 * The project's builds embed `deployConfig` as the deploy's build hook embeds its configuration.
 */
export async function buildVariants(
  workDir: string,
  memoryMb: number,
  memorySizes: readonly number[],
  onStep: (what: string) => void,
  deployConfig: Readonly<Record<string, string>>,
  compared?: string,
): Promise<Builds> {
  await Promise.all([workDir, PROJECT_BUILDS_DIR].map((folder) => rm(folder, { recursive: true, force: true })));
  const dir = (name: string) => join(workDir, name);
  const projectDir = (name: string) => join(PROJECT_BUILDS_DIR, name);
  await Promise.all(['baseline', 'ask-sdk-alone'].map((name) => mkdir(dir(name), { recursive: true })));
  onStep(`the project, as the deploy builds it (code cache for ${memoryMb} MB)`);
  const project = await buildProject(projectDir('project'), { codeCache: { memoryMb }, deployConfig });
  onStep('the project with a cache for plain node, and without a cache');
  const plainNode = await buildProject(projectDir('project-plain-node'), {
    codeCache: { memoryMb: undefined },
    deployConfig,
  });
  const noCache = await buildProject(projectDir('project-no-cache'), { codeCache: false, deployConfig });
  const bySize = new Map<number, ProjectBuild>([[memoryMb, project]]);
  for (const size of memorySizes.filter((size) => size !== memoryMb)) {
    onStep(`the project with a code cache for ${size} MB`);
    bySize.set(
      size,
      await buildProject(projectDir(`project-${size}mb`), { codeCache: { memoryMb: size }, deployConfig }),
    );
  }
  onStep('the unbundled baseline and the floors');
  const rawSdk = join(project.dir, CHUNKS_DIR, 'sesSdk.js');
  const variants: Variant[] = [
    { name: 'project', kind: 'build', scenarios: BOTH, settings: ['lambda'], entry: project.entry, rawSdk },
    { name: 'projectPlainNode', kind: 'build', scenarios: BOTH, settings: ['plain'], entry: plainNode.entry },
    { name: 'projectNoCache', kind: 'build', scenarios: BOTH, settings: ['plain', 'lambda'], entry: noCache.entry },
    ...(compared
      ? [{ name: 'compared', kind: 'build', scenarios: BOTH, settings: ['plain', 'lambda'], entry: compared } as const]
      : []),
    await buildBaseline(dir('baseline')),
    ...(await buildAskSdkFloors(dir('ask-sdk-alone'))),
    await buildSesClientAlone(noCache),
  ];
  return { variants, project, bySize };
}
