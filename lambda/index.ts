// Lambda entry point (`index.handler`): loads the skill (container.ts, built into skill.js) and says
// once per container which node and flags the runtime runs it with.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { createLogger } from './log.ts';

// skill.js is a file of its own beside index.js, left out of this build (ops/build/bundle.ts).
const skill = require('./skill.js') as {
  handler(event: RequestEnvelope, context?: unknown): Promise<ResponseEnvelope>;
};
// What the runtime really runs with, for the flags the benchmark measures with (ops/build/lambdaRuntime.ts).
if (process.env.AWS_LAMBDA_FUNCTION_NAME)
  createLogger().info('cold-start', { node: process.version, execArgv: process.execArgv.join(' ') });

export const handler = skill.handler;
