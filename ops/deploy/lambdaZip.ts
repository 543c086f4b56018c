// Writes the zip that ASK CLI's lambda-deployer uploads: the bundle and nothing else.
// Entries get a fixed timestamp and mode, so an unchanged build gives a byte-identical zip
// and `ask deploy` (which compares the zip's hash with the last deploy's) skips the upload.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import AdmZip from 'adm-zip';
import { writePrivately } from '../privateFile.ts';

// Zip (DOS) timestamps have no time zone and start in 1980; any fixed value will do.
const FIXED_TIME = new Date(2000, 0, 1);
const FILE_MODE = 0o644;

interface LambdaZip {
  readonly path: string;
  readonly bytes: number;
  readonly entries: readonly string[];
}

/**
 * What Lambda needs from a build folder: everything esbuild wrote there (index.js, any lazily
 * loaded chunks, the license notices of the bundled code that index.js points to) and the
 * package.json that marks it as CommonJS, but not the source maps: several times the size of
 * the code, and unused by Lambda unless NODE_OPTIONS=--enable-source-maps, which slows cold starts.
 */
async function lambdaFiles(bundleDir: string): Promise<string[]> {
  const entries = await readdir(bundleDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map'))
    .map((entry) => relative(bundleDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

export async function writeLambdaZip(bundleDir: string, zipPath: string): Promise<LambdaZip> {
  const names = await lambdaFiles(bundleDir);
  if (!names.includes('index.js')) throw new Error(`${bundleDir} has no index.js to zip.`);
  const zip = new AdmZip();
  for (const name of names) zip.addFile(name, await readFile(join(bundleDir, name)), '', FILE_MODE);
  for (const entry of zip.getEntries()) entry.header.time = FIXED_TIME;
  const content = zip.toBuffer();
  // The zip holds the embedded key: readable by its owner only, and never half-written.
  await writePrivately(zipPath, content);
  return { path: zipPath, bytes: content.length, entries: names };
}
