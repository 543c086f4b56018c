// Lambda entry point (`index.handler`): loads the skill (container.ts, built into skill.js) and the
// chunks it loads later through the code cache the build trained, and says once when V8 refuses it.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { type CacheOutcome, type CodeCacheManifest, createModuleLoader } from './codeCache.ts';
import { createLogger } from './log.ts';

// Replaced by esbuild's `define` when the build trained a cache; an undeclared global everywhere else.
declare const __CODE_CACHE_MANIFEST__: CodeCacheManifest | undefined;
const manifest = typeof __CODE_CACHE_MANIFEST__ === 'undefined' ? undefined : __CODE_CACHE_MANIFEST__;

// Off Lambda a refused cache is the rule (another node, none of Lambda's flags), not news.
const inLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);
const logger = createLogger();
let reported = false;

const loader = createModuleLoader({
  dir: __dirname,
  manifest,
  onRejected(file) {
    // After a Lambda runtime update (another Node version) until the next deploy trains it again:
    // the skill works as before, only its cold starts compile. Once per container is enough.
    if (reported || !manifest || !inLambda) return;
    reported = true;
    logger.warn('code-cache-rejected', {
      file,
      trainedWith: [manifest.node, ...manifest.v8Flags].join(' '),
      runningWith: [process.version, ...process.execArgv].join(' '),
    });
  },
});

const skill = loader.load('skill.js') as {
  handler(event: RequestEnvelope, context?: unknown): Promise<ResponseEnvelope>;
};
// What the runtime really runs with, for the flags the build trains with (ops/build/lambdaRuntime.ts).
if (inLambda)
  logger.info('cold-start', {
    node: process.version,
    execArgv: process.execArgv.join(' '),
    codeCache: loader.outcomes.get('skill.js'),
  });

export const handler = skill.handler;

/** What V8 did with each file's cache so far: for the benchmark and the tests, never needed by Lambda. */
export function codeCacheOutcomes(): Record<string, CacheOutcome> {
  return Object.fromEntries(loader.outcomes);
}
