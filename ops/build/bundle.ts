// Bundles lambda/ for Lambda's nodejs22.x runtime and for Node 20 here: the one build behind
// `npm run build`, the ASK CLI build hook and the dialog simulator.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, type BuildOptions as EsbuildOptions, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_DIR, PROJECT_ROOT, shownPath } from '../paths.ts';
import { type BundledPackage, bundledPackages, licenseTextOf } from './bundledPackages.ts';

export const LAMBDA_ENTRY = join(PROJECT_ROOT, 'lambda/index.ts');
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'dist/lambda');
/** Where the lazily loaded chunks go, relative to index.js. */
export const CHUNKS_DIR = 'chunks';

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
  /** Size of index.js: what a cold start loads before its request needs anything more. */
  readonly bytes: number;
  /** Both builds' inputs and outputs (index.js and the chunks), for the license audit and the benchmark. */
  readonly metafile: Metafile;
  /** Every file Lambda needs, relative to outDir with `/`: index.js, package.json, chunks and license notices; no source maps. */
  readonly files: readonly string[];
  /** The npm packages esbuild put into the bundle, with their declared licenses. */
  readonly packages: readonly BundledPackage[];
}

/** A chunk's name for the specifier that imports it: './sesSdk.ts' → 'sesSdk', 'nodemailer/lib/mail-composer' → 'nodemailer-lib-mail-composer'. */
function chunkName(specifier: string): string {
  return specifier
    .replace(/^(\.{1,2}\/)+/, '')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9_]+/g, '-');
}

/** Leaves every dynamic import() in lambda/ as an import() of a chunk, and collects what each chunk is built from. */
function lazyImports(chunks: Map<string, string>): Plugin {
  return {
    name: 'lazy-imports',
    setup(esbuild) {
      esbuild.onResolve({ filter: /.*/ }, async (args) => {
        if (
          args.kind !== 'dynamic-import' ||
          args.pluginData === 'lazy-imports' ||
          !args.importer.startsWith(LAMBDA_DIR + sep)
        )
          return undefined;
        const resolved = await esbuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'lazy-imports',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const name = chunkName(args.path);
        const earlier = chunks.get(name);
        if (earlier !== undefined && earlier !== resolved.path) {
          return {
            errors: [{ text: `Two lazily imported modules would share the chunk name "${name}": rename one.` }],
          };
        }
        chunks.set(name, resolved.path);
        return { path: `./${CHUNKS_DIR}/${name}.mjs`, external: true };
      });
    },
  };
}

const EMPTY_METAFILE: Metafile = { inputs: {}, outputs: {} };

/**
 * An ES module has no require(): a CommonJS dependency that requires a module esbuild leaves
 * out (a Node built-in) would throw "Dynamic require … is not supported" at run time. Fail here.
 */
function assertNoRequireInChunks(metafile: Metafile): void {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const external = imports.find((entry) => entry.kind === 'require-call' && entry.external);
    if (external)
      throw new Error(
        `${input} calls require("${external.path}"), which a lazily loaded ES module chunk cannot do: import it statically from lambda/ instead.`,
      );
  }
}

/**
 * One license file for the whole bundle, under the name index.js has always had, so that
 * whatever copies the bundle finds every notice in one place: esbuild writes one per output.
 */
async function gatherLegalNotices(
  metafile: Metafile,
  outDir: string,
): Promise<{ metafile: Metafile; packages: BundledPackage[] }> {
  const target = join(outDir, 'index.js.LEGAL.txt');
  const notices = Object.keys(metafile.outputs).filter((path) => path.endsWith('.LEGAL.txt'));
  // Metafile paths are relative to the working directory, where esbuild ran.
  const texts = await Promise.all(notices.map((path) => readFile(resolve(path), 'utf8')));
  await Promise.all(notices.map((path) => rm(resolve(path), { force: true })));
  const comments = texts
    .map((part) => part.trim())
    .filter(Boolean)
    .join('\n\n');
  // esbuild keeps only the comments marked @license or @preserve; the packages' own license
  // and notice files are what MIT, BSD and Apache-2.0 ask to travel with the code.
  const packages = await bundledPackages(metafile);
  const packageTexts: string[] = [];
  for (const pkg of packages) {
    const licenseText = await licenseTextOf(pkg);
    packageTexts.push(
      `=== ${pkg.name}@${pkg.version} (${pkg.license ?? 'no license declared'}) ===\n${licenseText ?? '(the package ships no license file)'}`,
    );
  }
  const text = [comments, ...packageTexts].filter(Boolean).join('\n\n');
  await writeFile(target, `${text}\n`);
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([path]) => !notices.includes(path)));
  const key = relative(process.cwd(), target).split(sep).join('/');
  return {
    metafile: {
      inputs: metafile.inputs,
      outputs: { ...outputs, [key]: { bytes: Buffer.byteLength(text), inputs: {}, imports: [], exports: [] } },
    },
    packages,
  };
}

function mergeMetafiles(...metafiles: Metafile[]): Metafile {
  return {
    inputs: Object.assign({}, ...metafiles.map((metafile) => metafile.inputs)),
    outputs: Object.assign({}, ...metafiles.map((metafile) => metafile.outputs)),
  };
}

/** Removes chunks that an earlier build of different sources left behind. */
async function removeStaleChunks(chunksDir: string, written: Set<string>): Promise<void> {
  const present = await readdir(chunksDir).catch(() => [] as string[]);
  await Promise.all(
    present
      .filter((name) => !written.has(join(chunksDir, name)))
      .map((name) => rm(join(chunksDir, name), { force: true })),
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
 * Writes index.js, one CommonJS file that exports `handler` and holds what every request runs, and
 * chunks/*.mjs: whatever lambda/ loads with a dynamic import() (the SES client, MailComposer), as ES
 * modules that esbuild can split, so that a cold start compiles only what its request runs. A lazily
 * imported module gets its own copy of anything index.js also bundles: keep such modules free of
 * shared state.
 */
export async function buildLambda(outDir: string = DEFAULT_OUT_DIR, options: BuildOptions = {}): Promise<BuildResult> {
  const outFile = join(outDir, 'index.js');
  const chunksDir = join(outDir, CHUNKS_DIR);
  // Replaces the one free identifier in lambda/deployConfig.ts; without it that module stays empty.
  const define: Record<string, string> = options.deployConfig
    ? { __DEPLOY_CONFIG__: JSON.stringify(options.deployConfig) }
    : {};
  const common: EsbuildOptions = {
    ...NODE_BUNDLE_OPTIONS,
    // ES module builds first: esbuild can drop their unused exports, which it cannot do in CommonJS.
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: 'linked',
    // Gathered into index.js.LEGAL.txt below.
    legalComments: 'external',
    metafile: true,
    define,
  };
  const chunks = new Map<string, string>();
  const main = await build({
    ...common,
    entryPoints: [LAMBDA_ENTRY],
    outfile: outFile,
    format: 'cjs',
    plugins: [lazyImports(chunks)],
  });
  const lazy =
    chunks.size === 0
      ? undefined
      : await build({
          ...common,
          entryPoints: [...chunks].map(([name, path]) => ({ in: path, out: name })),
          outdir: chunksDir,
          format: 'esm',
          splitting: true,
          outExtension: { '.js': '.mjs' },
          chunkNames: '[name]-[hash]',
        });
  if (lazy?.metafile) assertNoRequireInChunks(lazy.metafile);
  // The project root is "type": "module"; this marks the bundle as CommonJS wherever it is copied with it.
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  const { metafile, packages } = await gatherLegalNotices(
    mergeMetafiles(main.metafile ?? EMPTY_METAFILE, lazy?.metafile ?? EMPTY_METAFILE),
    outDir,
  );
  const written = Object.keys(metafile.outputs).map((path) => resolve(path));
  await removeStaleChunks(chunksDir, new Set(written));
  const files = [
    'package.json',
    ...written.filter((path) => !path.endsWith('.map')).map((path) => relative(outDir, path).split(sep).join('/')),
  ].sort();
  const output = metafile.outputs[relative(process.cwd(), outFile).split(sep).join('/')];
  return { outFile, bytes: output?.bytes ?? 0, metafile, files, packages };
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
const BUILD_OUTPUT = new Set(['index.js', 'index.js.map', 'index.js.LEGAL.txt', 'package.json', CHUNKS_DIR]);

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
