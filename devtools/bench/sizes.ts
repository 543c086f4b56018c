// What the deploy ships and what each request loads of it: the project's files as a cold child
// loaded them (index.js and skill.js for a LaunchRequest, the chunks a first mail needs besides),
// its code cache, the zip the ASK CLI build hook would upload, and the unbundled baseline's files.

import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHUNKS_DIR } from '../../ops/build/lazyChunks.ts';
import { CACHE_DIR } from '../../ops/build/trainerProtocol.ts';
import { writeLambdaZip } from '../../ops/deploy/lambdaZip.ts';
import { type ColdStart, filesLoadedBy, runColdChild } from './cold.ts';
import type { ProjectBuild, Scenario, Variant } from './variants.ts';

export interface SizeFigures {
  readonly files: number;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface Sizes {
  readonly launch: SizeFigures;
  readonly mail: SizeFigures;
  /** Every code file in the package: index.js, skill.js and the chunks. */
  readonly allCode: SizeFigures;
  /** Absent when the build trained none. */
  readonly codeCache?: SizeFigures;
  /** The zip `ask deploy` uploads: code, code cache, package.json and license notices. */
  readonly zipBytes: number;
  /** The unbundled baseline: its files as loaded from node_modules (not minified). */
  readonly baseline: { readonly launch: SizeFigures; readonly mail: SizeFigures };
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

async function filesIn(dir: string, ending: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(ending)).map((name) => join(dir, name));
}

/** index.js and every file its loader ran to answer one cold request, with Lambda's flags. */
async function projectFilesLoadedBy(start: ColdStart, project: ProjectBuild, scenario: Scenario): Promise<string[]> {
  const variant: Variant = {
    name: 'project',
    kind: 'build',
    scenarios: [scenario],
    settings: ['lambda'],
    entry: project.entry,
  };
  const { report } = await runColdChild(start, 'lambda', { variant, scenario });
  return ['index.js', ...Object.keys(report?.codeCache ?? {})].map((file) => join(project.dir, file));
}

export async function measureSizes(project: ProjectBuild, baseline: Variant, start: ColdStart): Promise<Sizes> {
  const launch = await projectFilesLoadedBy(start, project, 'launch');
  const chunks = await filesIn(join(project.dir, CHUNKS_DIR), '.js');
  const cache = await filesIn(join(project.dir, CACHE_DIR), '.bin');
  const zipPath = join(project.dir, '..', 'lambda.zip');
  const zip = await writeLambdaZip(project.dir, zipPath);
  await rm(zipPath, { force: true });
  return {
    launch: await sizeOf(launch),
    mail: await sizeOf(await projectFilesLoadedBy(start, project, 'mail')),
    allCode: await sizeOf([join(project.dir, 'index.js'), join(project.dir, 'skill.js'), ...chunks]),
    ...(cache.length > 0 ? { codeCache: await sizeOf(cache) } : {}),
    zipBytes: zip.bytes,
    baseline: {
      launch: await sizeOf(await filesLoadedBy(start, baseline, 'launch')),
      mail: await sizeOf(await filesLoadedBy(start, baseline, 'mail')),
    },
  };
}
