// Runs in a fresh Node of Lambda's major with Lambda's flags (codeCache.ts builds and starts it),
// one step per process (trainerProtocol.ts): train, by loading the bundle through the skill's own
// loader, answering the requests it is given and writing each file's V8 code cache; renumber that
// cache; or check that V8 takes it. Reports one JSON line on file descriptor 3.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { type CodeCacheManifest, createModuleLoader, type ModuleLoader } from '../../lambda/codeCache.ts';
import {
  CACHE_DIR,
  cachesNotTaken,
  REPORT_FD,
  TRAINER_ENV,
  type TrainerReport,
  type TrainerStep,
} from './trainerProtocol.ts';

/** Where Lambda puts the function's code. */
const LAMBDA_TASK_ROOT = '/var/task';

type Handler = (event: RequestEnvelope) => Promise<ResponseEnvelope>;

/** code-cache/skill-1a2b3c4d5e6f7a8b.bin: the name carries the hash of the file it was made for. */
function cacheFileFor(file: string, source: Buffer): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${CACHE_DIR}/${file.replace(/\.js$/, '').replace(/\//g, '-')}-${hash}.bin`;
}

async function answer(loader: ModuleLoader, requests: readonly RequestEnvelope[]): Promise<string[]> {
  const { handler } = loader.load('skill.js') as { handler: Handler };
  const answers: string[] = [];
  for (const request of requests) {
    const speech = (await handler(request)).response.outputSpeech;
    answers.push(speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? ''));
  }
  return answers;
}

/**
 * V8 numbers every function it compiles in the order the whole process compiles them, and the
 * cache keeps the numbers. A timer that fires while a request waits (an SES answer a second late,
 * as on a busy machine, is enough) has the process compile other code in between, so a trained
 * cache's bytes change with timing. Deserializing numbers the functions afresh: a process that
 * only loads each cache, in file name order, and serializes it again writes bytes that depend on
 * the bundle alone.
 */
function renumber(loader: ModuleLoader, manifest: CodeCacheManifest, dir: string): void {
  for (const file of Object.keys(manifest.files).sort()) {
    const script = loader.compile(file);
    const notTaken = cachesNotTaken([[file, loader.outcomes.get(file)]]);
    if (notTaken) throw new Error(notTaken);
    writeFileSync(join(dir, manifest.files[file] ?? ''), script.createCachedData());
  }
}

async function main(): Promise<TrainerReport> {
  const step = process.env[TRAINER_ENV.step] as TrainerStep;
  const dir = process.env[TRAINER_ENV.bundleDir] ?? '';
  const requests = JSON.parse(process.env[TRAINER_ENV.requests] ?? '[]') as RequestEnvelope[];
  const manifestText = process.env[TRAINER_ENV.manifest];
  const manifest = manifestText ? (JSON.parse(manifestText) as CodeCacheManifest) : undefined;
  // Lambda unpacks the zip into /var/task; V8 names a cached script by where it is loaded, not by this.
  const loader = createModuleLoader({ dir, manifest, scriptName: (file) => posix.join(LAMBDA_TASK_ROOT, file) });
  const report = { node: process.version, answers: [] as string[], files: {}, outcomes: {} };
  if (step === 'renumber') {
    if (!manifest) throw new Error('the renumber step needs the manifest of a trained cache');
    renumber(loader, manifest, dir);
    return report;
  }
  const answers = await answer(loader, requests);
  if (step === 'check') return { ...report, answers, outcomes: Object.fromEntries(loader.outcomes) };
  mkdirSync(join(dir, CACHE_DIR), { recursive: true });
  const files: Record<string, string> = {};
  for (const file of [...loader.scripts.keys()].sort()) {
    const cacheFile = cacheFileFor(file, readFileSync(join(dir, file)));
    writeFileSync(join(dir, cacheFile), loader.scripts.get(file)!.createCachedData());
    files[file] = cacheFile;
  }
  return { ...report, answers, files };
}

main().then(
  (report) => {
    writeSync(REPORT_FD, `${JSON.stringify(report)}\n`);
    // The SDK keeps its connection alive; Lambda would freeze the process here.
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
