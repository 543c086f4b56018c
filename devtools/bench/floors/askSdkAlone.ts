// The floor of a LaunchRequest answer: ask-sdk-core and one handler, nothing of this skill.
// Built with the project's own esbuild settings; the benchmark loads it like the skill. With
// BENCH_FLOOR_LOG=1 the handler also writes one JSON line to stdout, as the skill's logger does:
// the first write to process.stdout is a cost of its own (Node builds the stream on first use).

import { SkillBuilders } from 'ask-sdk-core';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { en } from '../../../lambda/messages/en.ts';

const skill = SkillBuilders.custom()
  .addRequestHandlers({
    canHandle: ({ requestEnvelope }) => requestEnvelope.request.type === 'LaunchRequest',
    handle: ({ responseBuilder }) => {
      if (process.env.BENCH_FLOOR_LOG === '1')
        process.stdout.write(`${JSON.stringify({ level: 'info', event: 'launch', time: new Date().toISOString() })}\n`);
      return responseBuilder.speak(en.launch).getResponse();
    },
  })
  .create();

export function handler(event: RequestEnvelope): Promise<ResponseEnvelope> {
  return skill.invoke(event);
}
