// Bundles lambda/ for Lambda's nodejs22.x runtime and for Node 20 here: the one build behind
// `npm run build`, the ASK CLI build hook and the dialog simulator.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BuildOptions as EsbuildOptions, Metafile } from 'esbuild';
import { ENV } from '../../lambda/config.ts';
import { LAMBDA_DIR, PROJECT_ROOT, shownPath } from '../paths.ts';
import type { BundledPackage } from './bundledPackages.ts';
import { buildChunks } from './chunkBuild.ts';
import { CHUNKS_DIR, lazyChunks } from './lazyChunks.ts';
import { gatherLegalNotices, LEGAL_FILE } from './legalNotices.ts';

/** The skill: what every request runs, loaded by index.js. */
export const SKILL_ENTRY = join(PROJECT_ROOT, 'lambda/container.ts');
/** index.js, Lambda's `index.handler`: it requires skill.js. */
const INDEX_ENTRY = join(PROJECT_ROOT, 'lambda/index.ts');
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'dist/lambda');
const SKILL_FILE = 'skill.js';
/** Where the builds that trained a V8 code cache wrote it. */
const FORMER_CACHE_DIR = 'code-cache';
const CREDENTIAL_CHAIN = join(LAMBDA_DIR, 'mail/credentialChain.ts');

interface BuildOptions {
  /**
   * Configuration to embed in the bundle (lambda/deployConfig.ts), keyed by the skill's
   * environment variable names. Only the ASK CLI build hook passes it; the bundle then holds
   * these values, so it must never be written where git or a public place could see it.
   */
  readonly deployConfig?: Readonly<Record<string, string>>;
}

interface BuildResult {
  readonly outFile: string;
  /** index.js and skill.js: what a cold start loads before its request needs anything more. */
  readonly bytes: number;
  /** Every build's inputs and outputs (index.js, skill.js and the chunks), for the license audit and the benchmark. */
  readonly metafile: Metafile;
  /** Every file Lambda needs, relative to outDir with `/`: code, package.json and license notices; no source maps. */
  readonly files: readonly string[];
  /** The npm packages esbuild put into the bundle, with their declared licenses. */
  readonly packages: readonly BundledPackage[];
}

const EMPTY_METAFILE: Metafile = { inputs: {}, outputs: {} };

function mergeMetafiles(...metafiles: (Metafile | undefined)[]): Metafile {
  const present = metafiles.map((metafile) => metafile ?? EMPTY_METAFILE);
  return {
    inputs: Object.assign({}, ...present.map((metafile) => metafile.inputs)),
    outputs: Object.assign({}, ...present.map((metafile) => metafile.outputs)),
  };
}

/** Removes what an earlier build of different sources left in a folder the build writes. */
async function removeStale(dir: string, written: Set<string>): Promise<void> {
  const present = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    present.filter((name) => !written.has(join(dir, name))).map((name) => rm(join(dir, name), { force: true })),
  );
}

/** What every bundle of the skill's code shares, here and in the benchmark's comparison builds. */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  // Node 20 runs it here, nodejs22.x in Lambda: target the older of the two.
  target: 'node20',
  logLevel: 'warning',
} as const satisfies EsbuildOptions;

/**
 * Writes, all CommonJS: skill.js, what every request runs (ask-sdk-core and the handlers);
 * chunks/*.js, one per module that lambda/ loads with a dynamic import() (the SES client, the limit
 * table's DynamoDB store and client, MailComposer, the credential chain), with the code more than
 * one of them runs in shared chunks (chunkBuild.ts), so that a cold start compiles only what its
 * request runs, and compiles it once; and index.js, the entry Lambda calls, which requires
 * skill.js. A lazily imported module gets its own copy of anything skill.js also bundles: keep such
 * modules free of shared state.
 */
export async function buildLambda(outDir: string = DEFAULT_OUT_DIR, options: BuildOptions = {}): Promise<BuildResult> {
  const outFile = join(outDir, 'index.js');
  const chunksDir = join(outDir, CHUNKS_DIR);
  // Replaces the one free identifier in lambda/deployConfig.ts; without it that module stays empty.
  const deployDefine: Record<string, string> = options.deployConfig
    ? { __DEPLOY_CONFIG__: JSON.stringify(options.deployConfig) }
    : {};
  const common: EsbuildOptions = {
    ...NODE_BUNDLE_OPTIONS,
    format: 'cjs',
    // ES module builds first: esbuild can drop their unused exports, which it cannot do in CommonJS.
    mainFields: ['module', 'main'],
    // An import() becomes a require(): lazyChunks.ts.
    supported: { 'dynamic-import': false },
    minify: true,
    sourcemap: 'linked',
    // Gathered into index.js.LEGAL.txt below.
    legalComments: 'external',
    metafile: true,
  };
  // Loaded only to build: a bundle that is up to date (the simulator's every start) and the build
  // hook's refusals need none of it.
  const { build } = await import('esbuild');
  const sender = options.deployConfig?.[ENV.fromAddress];
  const chunks = new Map<string, string>();
  // Loaded only for a deploy build: it loads nodemailer and every locale's messages.
  const prebuilt = sender ? (await import('./prebuiltFrom.ts')).prebuiltFrom(sender) : undefined;
  const skill = await build({
    ...common,
    define: prebuilt ? { ...deployDefine, __PREBUILT_FROM__: JSON.stringify(prebuilt) } : deployDefine,
    entryPoints: [SKILL_ENTRY],
    outfile: join(outDir, SKILL_FILE),
    plugins: [lazyChunks(chunks, 'bundle')],
  });
  const chunkBuild = await buildChunks(chunks, {
    common: { ...common, define: deployDefine },
    chunksDir,
    credentialChain: CREDENTIAL_CHAIN,
  });
  // The project root is "type": "module"; this marks the bundle as CommonJS wherever it is copied with it.
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

  const index = await build({
    ...common,
    entryPoints: [INDEX_ENTRY],
    outfile: outFile,
    external: [`./${SKILL_FILE}`],
  });

  const { metafile, packages } = await gatherLegalNotices(
    mergeMetafiles(skill.metafile, chunkBuild, index.metafile),
    outDir,
  );
  const written = Object.keys(metafile.outputs).map((path) => resolve(path));
  await removeStale(chunksDir, new Set(written));
  // Left by the builds that trained a V8 code cache; nothing reads it now.
  await rm(join(outDir, FORMER_CACHE_DIR), { recursive: true, force: true });
  const files = [
    'package.json',
    ...written.filter((path) => !path.endsWith('.map')).map((path) => relative(outDir, path).split(sep).join('/')),
  ].sort();
  const sizeOf = async (file: string) => (await stat(join(outDir, file))).size;
  return {
    outFile,
    bytes: (await sizeOf('index.js')) + (await sizeOf(SKILL_FILE)),
    metafile,
    files,
    packages,
  };
}

async function newestSourceTime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** When the bundle in a folder was built; 0 when there is none. */
async function builtTime(outDir: string): Promise<number> {
  return stat(join(outDir, 'index.js')).then(
    (found) => found.mtimeMs,
    () => 0,
  );
}

/** Renames, or says it could not because the target is taken or the source is gone (another builder was faster). */
async function renamed(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTEMPTY/EEXIST: the target is a folder with files; EPERM: Windows says the same of a folder that exists.
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || (code === 'EPERM' && existsSync(to)))
      return false;
    throw error;
  }
}

/** What a build writes. A folder holding anything else is not replaced: --bundle-dir must not delete anyone's files. */
const BUILD_OUTPUT = new Set([
  'index.js',
  'index.js.map',
  SKILL_FILE,
  `${SKILL_FILE}.map`,
  LEGAL_FILE,
  'package.json',
  CHUNKS_DIR,
  // Written by the builds that trained a V8 code cache: such a bundle is stale, not someone's files.
  FORMER_CACHE_DIR,
]);

/**
 * Puts a finished build at outDir whole: with one rename where nothing is there yet (the first of
 * several builders wins, and the others keep its bundle of the same sources); over a stale bundle,
 * by moving that aside first, so that a reader finds the old bundle, the new one or none, never half.
 */
async function installBuild(built: string, outDir: string, sources: number): Promise<void> {
  const asides: string[] = [];
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await renamed(built, outDir)) return;
      if ((await builtTime(outDir)) > sources) return;
      const foreign = (await readdir(outDir).catch(() => [] as string[])).filter((name) => !BUILD_OUTPUT.has(name));
      if (foreign.length > 0)
        throw new Error(
          `${shownPath(outDir)} holds ${foreign.join(', ')} besides a skill bundle: give the bundle a folder of its own.`,
        );
      const aside = `${outDir}.stale-${randomUUID()}`;
      if (await renamed(outDir, aside)) asides.push(aside);
    }
    throw new Error(`${shownPath(outDir)} kept changing while the new bundle was being put in place: run again.`);
  } finally {
    await Promise.all(asides.map((aside) => rm(aside, { recursive: true, force: true })));
  }
}

/**
 * Builds the bundle when it is missing or older than any source in lambda/; returns its path. The
 * build goes to a folder beside outDir and is renamed into place: two simulators started at once
 * on a fresh clone never load a half-written bundle.
 */
export async function ensureLambdaBuilt(
  outDir: string = DEFAULT_OUT_DIR,
): Promise<{ outFile: string; rebuilt: boolean }> {
  const target = resolve(outDir);
  const outFile = join(target, 'index.js');
  const sources = Math.max(
    await newestSourceTime(LAMBDA_DIR),
    (await stat(join(PROJECT_ROOT, 'package-lock.json'))).mtimeMs,
  );
  if ((await builtTime(target)) > sources) return { outFile, rebuilt: false };
  await mkdir(dirname(target), { recursive: true });
  const building = await mkdtemp(`${target}.building-`);
  try {
    // mkdtemp makes it private; the bundle folder is as readable as one mkdir makes.
    await chmod(building, 0o755);
    await buildLambda(building);
    await installBuild(building, target, sources);
  } finally {
    // Gone once it was renamed into place; still here when another builder's bundle was kept, or on failure.
    await rm(building, { recursive: true, force: true });
  }
  return { outFile, rebuilt: true };
}
