// One license file for the whole bundle (index.js.LEGAL.txt for the Lambda): esbuild's @license
// comments of every output, then the license and notice files of every npm package the bundle holds.

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Metafile } from 'esbuild';
import { type BundledPackage, bundledPackages, licenseTextOf } from './bundledPackages.ts';

/** The name index.js has always had, so that whatever copies the bundle finds every notice in one place. */
export const LEGAL_FILE = 'index.js.LEGAL.txt';

/** Gathers esbuild's per-output .LEGAL.txt files into one and returns the metafile with it in their place. */
export async function gatherLegalNotices(
  metafile: Metafile,
  outDir: string,
  fileName: string = LEGAL_FILE,
): Promise<{ metafile: Metafile; packages: BundledPackage[] }> {
  const target = join(outDir, fileName);
  const notices = Object.keys(metafile.outputs).filter((path) => path.endsWith('.LEGAL.txt'));
  // Metafile paths are relative to the working directory, where esbuild ran.
  const texts = await Promise.all(notices.map((path) => readFile(resolve(path), 'utf8')));
  await Promise.all(notices.map((path) => rm(resolve(path), { force: true })));
  const comments = [...new Set(texts.map((part) => part.trim()).filter(Boolean))].join('\n\n');
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
