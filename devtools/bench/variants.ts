// The builds the benchmark compares, built fresh in one work folder inside node_modules/.cache,
// so that the baseline's require('ask-sdk-core') resolves from the project's node_modules:
//   project   ops/build/bundle.ts, exactly as `npm run build` and the deploy build make it;
//   naive     one minified esbuild bundle, every module in one file, as this project was built before;
//   baseline  the same handlers unbundled: lambda/ transpiled into one file, every package
//             required from node_modules at run time, as the ASK CLI templates deploy a skill;
// and three floors, the least any skill built on the same libraries can do (floors/): ask-sdk-core
// alone answering a LaunchRequest, the same writing one log line, the SES client alone sending a mail.

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { buildLambda, NODE_BUNDLE_OPTIONS } from '../../ops/build/bundle.ts';
import { CHUNKS_DIR } from '../../ops/build/lazyChunks.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';

const LAMBDA_ENTRY = join(PROJECT_ROOT, 'lambda/handler.ts');

/** One folder per run, so that two runs (a test and a person) never build over each other. */
export const WORK_DIR = join(PROJECT_ROOT, 'node_modules/.cache/alexa-ses-mailer-bench', `run-${process.pid}`);

export type VariantName = 'baseline' | 'naive' | 'project' | 'askSdkAlone' | 'askSdkLogging' | 'sesClientAlone';

export type Scenario = 'launch' | 'mail';

export interface Variant {
  readonly name: VariantName;
  readonly label: string;
  /** A build of this skill, or a floor that answers one scenario only. */
  readonly kind: 'build' | 'floor';
  readonly scenarios: readonly Scenario[];
  /** Extra environment for its child processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Absolute path of its index.js. */
  readonly entry: string;
  /** Its lambda/mail/sesSdk.ts, the SES client it sends with, for the raw SDK comparison. */
  readonly rawSdk?: string;
  /** Bundle files by what loads them; undefined for the baseline, whose files are found by loading it. */
  readonly files?: LoadedFiles;
}

/** Absolute paths of the code files each request path loads. */
export interface LoadedFiles {
  readonly launch: readonly string[];
  readonly mail: readonly string[];
  readonly all: readonly string[];
}

export interface SizeFigures {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

const COMMONJS_MARKER = `${JSON.stringify({ type: 'commonjs' })}\n`;
const BOTH: readonly Scenario[] = ['launch', 'mail'];

/** Outputs a file loads with static imports, itself included (paths as the metafile writes them). */
function staticClosure(metafile: Metafile, start: string): string[] {
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const output = pending.pop()!;
    if (seen.has(output) || !metafile.outputs[output]) continue;
    seen.add(output);
    for (const entry of metafile.outputs[output].imports) {
      if (entry.kind === 'import-statement' && !entry.external) pending.push(entry.path);
    }
  }
  return [...seen];
}

function outputFor(metafile: Metafile, source: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === source);
  if (!found) throw new Error(`the build has no output for ${source}`);
  return found[0];
}

async function buildProject(dir: string): Promise<Variant> {
  const { outFile, metafile } = await buildLambda(dir);
  const code = Object.keys(metafile.outputs).filter((path) => /\.(m?js)$/.test(path));
  // Metafile paths are relative to the working directory, where esbuild ran.
  const index = code.find((path) => resolve(path) === outFile);
  if (!index) throw new Error('the project build wrote no index.js');
  const sesSdk = outputFor(
    metafile,
    relative(process.cwd(), join(PROJECT_ROOT, 'lambda/mail/sesSdk.ts')).split(sep).join('/'),
  );
  const absolute = (paths: string[]) => paths.map((path) => resolve(path)).sort();
  return {
    name: 'project',
    label: 'project',
    kind: 'build',
    scenarios: BOTH,
    entry: outFile,
    rawSdk: resolve(sesSdk),
    files: {
      launch: absolute(staticClosure(metafile, index)),
      mail: absolute([...new Set([...staticClosure(metafile, index), ...staticClosure(metafile, sesSdk)])]),
      all: absolute(code),
    },
  };
}

async function buildNaive(dir: string): Promise<Variant> {
  const entry = join(dir, 'index.js');
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [LAMBDA_ENTRY],
    outfile: entry,
    ...NODE_BUNDLE_OPTIONS,
    format: 'cjs',
    minify: true,
  });
  await writeFile(join(dir, 'package.json'), COMMONJS_MARKER);
  return {
    name: 'naive',
    label: 'naive bundle',
    kind: 'build',
    scenarios: BOTH,
    entry,
    files: { launch: [entry], mail: [entry], all: [entry] },
  };
}

async function buildBaseline(dir: string): Promise<Variant> {
  const entry = join(dir, 'index.js');
  const rawSdk = join(dir, 'sesSdk.js');
  const unbundled: BuildOptions = {
    absWorkingDir: PROJECT_ROOT,
    ...NODE_BUNDLE_OPTIONS,
    // Only lambda/ goes into the files; ask-sdk-core, the SES client and nodemailer load from node_modules.
    packages: 'external',
    format: 'cjs',
  };
  await build({ ...unbundled, entryPoints: [LAMBDA_ENTRY], outfile: entry });
  // For the raw SDK comparison: the same client factory, on the same SES client from node_modules.
  await build({ ...unbundled, entryPoints: [join(PROJECT_ROOT, 'lambda/mail/sesSdk.ts')], outfile: rawSdk });
  await writeFile(join(dir, 'package.json'), COMMONJS_MARKER);
  return { name: 'baseline', label: 'baseline (unbundled)', kind: 'build', scenarios: BOTH, entry, rawSdk };
}

/** What ops/build/bundle.ts gives index.js, for the floors. */
const LIKE_THE_PROJECT: BuildOptions = {
  absWorkingDir: PROJECT_ROOT,
  ...NODE_BUNDLE_OPTIONS,
  format: 'cjs',
  mainFields: ['module', 'main'],
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
  const floor = { kind: 'floor', scenarios: ['launch'], entry } as const;
  return [
    { ...floor, name: 'askSdkAlone', label: 'ask-sdk-core alone' },
    { ...floor, name: 'askSdkLogging', label: 'ask-sdk-core and one log line', env: { BENCH_FLOOR_LOG: '1' } },
  ];
}

/** Written beside the project's index.js, so that it loads the project's own SES chunks. */
async function buildSesClientAlone(project: Variant): Promise<Variant> {
  const entry = join(dirname(project.entry), 'ses-client-alone.js');
  await build({
    ...LIKE_THE_PROJECT,
    entryPoints: [join(PROJECT_ROOT, 'devtools/bench/floors/sesClientAlone.ts')],
    outfile: entry,
    plugins: [
      {
        name: 'project-ses-chunk',
        setup(esbuild) {
          esbuild.onResolve({ filter: /\/sesSdk\.ts$/ }, () => ({
            path: `./${CHUNKS_DIR}/sesSdk.js`,
            external: true,
          }));
        },
      },
    ],
  });
  return { name: 'sesClientAlone', label: 'SES client alone', kind: 'floor', scenarios: ['mail'], entry };
}

export async function buildVariants(workDir: string = WORK_DIR): Promise<Variant[]> {
  await rm(workDir, { recursive: true, force: true });
  const dirs = {
    baseline: join(workDir, 'baseline'),
    naive: join(workDir, 'naive'),
    project: join(workDir, 'project'),
    askSdkAlone: join(workDir, 'ask-sdk-alone'),
  };
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  const project = await buildProject(dirs.project);
  return [
    await buildBaseline(dirs.baseline),
    await buildNaive(dirs.naive),
    project,
    ...(await buildAskSdkFloors(dirs.askSdkAlone)),
    await buildSesClientAlone(project),
  ];
}

/** Bytes as they are on disk, and gzipped (zlib, default level) file by file, as a zip would hold them. */
export async function sizeOf(files: readonly string[]): Promise<SizeFigures> {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = await readFile(file);
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files: files.length, bytes, gzipBytes };
}
