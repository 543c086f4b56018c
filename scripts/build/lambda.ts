// Bundles lambda/ into one CommonJS file that exports `handler`, for Lambda's
// nodejs22.x runtime and for Node 20 here. `npm run build`, the ASK CLI build hook
// and the dialog simulator all build through this one function.

import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LAMBDA_ENTRY = join(PROJECT_ROOT, 'lambda/index.ts');
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'dist/lambda');

export interface BuildResult {
  readonly outFile: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

export async function buildLambda(outDir: string = DEFAULT_OUT_DIR): Promise<BuildResult> {
  const outFile = join(outDir, 'index.js');
  const result = await build({
    entryPoints: [LAMBDA_ENTRY],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    // Node 20 runs it here, nodejs22.x in Lambda: target the older of the two.
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  // The project root is "type": "module"; this marks the bundle as CommonJS wherever it is copied with it.
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((name) => name.endsWith('index.js')) ?? ''];
  return { outFile, bytes: output?.bytes ?? 0, metafile: result.metafile };
}

async function newestSourceTime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Builds the bundle when it is missing or older than any source in lambda/; returns its path. */
export async function ensureLambdaBuilt(outDir: string = DEFAULT_OUT_DIR): Promise<{ outFile: string; rebuilt: boolean }> {
  const outFile = join(outDir, 'index.js');
  const built = await stat(outFile).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(await newestSourceTime(join(PROJECT_ROOT, 'lambda')), (await stat(join(PROJECT_ROOT, 'package-lock.json'))).mtimeMs);
  if (built > sources) return { outFile, rebuilt: false };
  await buildLambda(outDir);
  return { outFile, rebuilt: true };
}
