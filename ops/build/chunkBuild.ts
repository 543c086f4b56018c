// Builds the lazily loaded chunks together, so that code two of them need (the AWS SDK's core, shared
// by the SES and DynamoDB clients) is in one shared chunk that loads and compiles once. esbuild splits
// code only in ES module output: the chunks are built as ES modules, then each file is rewritten as
// CommonJS, which require() loads synchronously (lazyChunks.ts).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { credentialChainOnDemand, lazyChunks } from './lazyChunks.ts';

/** A shared chunk's file name: what no lazily imported module is named after. */
const SHARED_CHUNK_PREFIX = 'shared-';

/** The other chunks a chunk requires stay files of their own. */
const siblingsExternal: Plugin = {
  name: 'sibling-chunks-external',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\// }, () => ({ external: true }));
  },
};

interface ChunkBuildOptions {
  /** What every output of the bundle shares: target, minify, source maps, metafile, define. */
  readonly common: BuildOptions;
  readonly chunksDir: string;
  readonly credentialChain: string;
}

/**
 * Builds every chunk in `chunks` (name → module) into chunksDir as CommonJS: NAME.js per lazily
 * imported module, and shared-HASH.js for code that more than one of them runs. A chunk that a
 * chunk imports lazily in turn (the credential chain, which a deploy with a key never loads) is
 * built whole, on its own: split too, it would share code with every other chunk, and the SES path
 * would pay a file for each combination. Returns a metafile whose outputs are the files written,
 * each with the sources it holds, for the license notices.
 */
export async function buildChunks(chunks: Map<string, string>, options: ChunkBuildOptions): Promise<Metafile> {
  // As in bundle.ts: esbuild loads when something is built, not when this module is imported.
  const { build } = await import('esbuild');
  const plugins = [lazyChunks(chunks, 'chunk'), credentialChainOnDemand(options.credentialChain)];
  const built = new Set(chunks.keys());
  const esmDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-chunks-'));
  let split: Metafile;
  try {
    const esm = await build({
      ...options.common,
      format: 'esm',
      splitting: true,
      chunkNames: `${SHARED_CHUNK_PREFIX}[hash]`,
      // In name order: the plugins record chunks in whatever order esbuild's parallel resolving
      // reaches them, and the entry order decides the shared chunks' export names and hashes.
      entryPoints: inNameOrder(chunks).map(([name, path]) => ({ in: path, out: name })),
      outdir: esmDir,
      // Kept in the code for the CommonJS pass, which writes them out beside each file.
      legalComments: 'eof',
      plugins,
    });
    const commonJs = await build({
      ...options.common,
      format: 'cjs',
      entryPoints: Object.keys(esm.metafile!.outputs)
        .filter((path) => path.endsWith('.js'))
        .map((path) => resolve(path)),
      outbase: esmDir,
      outdir: options.chunksDir,
      // Each file as it is: its imports of the other chunks become require() calls of them.
      bundle: true,
      plugins: [siblingsExternal],
    });
    split = sourcesOfEach(commonJs.metafile!, esm.metafile!, esmDir, options.chunksDir);
  } finally {
    await rm(esmDir, { recursive: true, force: true });
  }
  const whole: Metafile[] = [];
  for (let pending = newIn(chunks, built); pending.length > 0; pending = newIn(chunks, built)) {
    for (const name of pending) built.add(name);
    const pass = await build({
      ...options.common,
      format: 'cjs',
      entryPoints: pending.map((name) => ({ in: chunks.get(name)!, out: name })),
      outdir: options.chunksDir,
      plugins,
    });
    whole.push(pass.metafile!);
  }
  return [split, ...whole].reduce((all, metafile) => ({
    inputs: { ...all.inputs, ...metafile.inputs },
    outputs: { ...all.outputs, ...metafile.outputs },
  }));
}

/** Sorted by code unit, as no locale would: the same order on every machine. */
const inNameOrder = (chunks: ReadonlyMap<string, string>) =>
  [...chunks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const newIn = (chunks: ReadonlyMap<string, string>, built: ReadonlySet<string>) =>
  inNameOrder(chunks)
    .map(([name]) => name)
    .filter((name) => !built.has(name));

/** The CommonJS outputs, each with the sources of the ES module it was made from. */
function sourcesOfEach(commonJs: Metafile, esm: Metafile, esmDir: string, chunksDir: string): Metafile {
  const cwd = process.cwd();
  const key = (path: string) => relative(cwd, path).split(sep).join('/');
  const outputs: Metafile['outputs'] = {};
  for (const [path, output] of Object.entries(commonJs.outputs)) {
    const fromEsm = esm.outputs[key(join(esmDir, relative(chunksDir, resolve(path))))];
    outputs[path] = fromEsm && path.endsWith('.js') ? { ...output, inputs: fromEsm.inputs } : output;
  }
  return { inputs: esm.inputs, outputs };
}
