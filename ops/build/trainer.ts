// Runs in a fresh Node of Lambda's major with Lambda's flags (codeCache.ts builds and starts it):
// loads the bundle through the skill's own loader, answers the requests it is given, then writes
// each file's V8 code cache, holding the functions those requests compiled. With a manifest it
// checks instead that V8 takes every cache. Reports one JSON line on file descriptor 3.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { type CodeCacheManifest, createModuleLoader } from '../../lambda/codeCache.ts';
import { CACHE_DIR, REPORT_FD, TRAINER_ENV, type TrainerReport } from './trainerProtocol.ts';

/** Where Lambda puts the function's code. */
const LAMBDA_TASK_ROOT = '/var/task';

type Handler = (event: RequestEnvelope) => Promise<ResponseEnvelope>;

/** code-cache/skill-1a2b3c4d5e6f7a8b.bin: the name carries the hash of the file it was made for. */
function cacheFileFor(file: string, source: Buffer): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${CACHE_DIR}/${file.replace(/\.js$/, '').replace(/\//g, '-')}-${hash}.bin`;
}

async function main(): Promise<TrainerReport> {
  const dir = process.env[TRAINER_ENV.bundleDir] ?? '';
  const requests = JSON.parse(process.env[TRAINER_ENV.requests] ?? '[]') as RequestEnvelope[];
  const manifestText = process.env[TRAINER_ENV.manifest];
  const manifest = manifestText ? (JSON.parse(manifestText) as CodeCacheManifest) : undefined;
  // Lambda unpacks the zip into /var/task; V8 names a cached script by where it is loaded, not by this.
  const loader = createModuleLoader({ dir, manifest, scriptName: (file) => posix.join(LAMBDA_TASK_ROOT, file) });
  const { handler } = loader.load('skill.js') as { handler: Handler };
  const answers: string[] = [];
  for (const request of requests) {
    const speech = (await handler(request)).response.outputSpeech;
    answers.push(speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? ''));
  }
  const files: Record<string, string> = {};
  if (!manifest) {
    mkdirSync(join(dir, CACHE_DIR), { recursive: true });
    for (const [file, script] of loader.scripts) {
      const cacheFile = cacheFileFor(file, readFileSync(join(dir, file)));
      writeFileSync(join(dir, cacheFile), script.createCachedData());
      files[file] = cacheFile;
    }
  }
  return { node: process.version, answers, files, outcomes: Object.fromEntries(loader.outcomes) };
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
