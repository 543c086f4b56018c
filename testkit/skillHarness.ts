// Builds the skill in-process the way lambda/handler.ts does, configured with the placeholder
// sender and key and pointed at local stand-ins, with every log line captured so tests and
// tools (fuzz, load) can see what operators would see.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { ENV, type Environment, loadConfig } from '../lambda/config.ts';
import { createLogger } from '../lambda/log.ts';
import { createSkill } from '../lambda/skill.ts';
import { PLACEHOLDER_FROM_ADDRESS, PLACEHOLDER_KEY } from './placeholders.ts';

export interface SkillUnderTest {
  invoke(envelope: RequestEnvelope): Promise<ResponseEnvelope>;
  /** Every line the skill logged, in order; empty it (`logs.length = 0`) to start afresh. */
  readonly logs: string[];
}

export interface SkillOptions {
  /** The SES endpoint (the SES stand-in's `url`). */
  readonly sesUrl: string;
  /** Variables over the defaults: the placeholder sender and key, region us-east-1, no SKILL_ID. */
  readonly env?: Environment;
}

export function skillUnderTest(options: SkillOptions): SkillUnderTest {
  // The SDK reads its endpoint override from the environment, as it does in Lambda.
  process.env.AWS_ENDPOINT_URL_SES = options.sesUrl;
  const env: Environment = {
    [ENV.fromAddress]: PLACEHOLDER_FROM_ADDRESS,
    [ENV.region]: 'us-east-1',
    [ENV.accessKeyId]: PLACEHOLDER_KEY.accessKeyId,
    [ENV.secretAccessKey]: PLACEHOLDER_KEY.secretAccessKey,
    ...options.env,
  };
  const logs: string[] = [];
  const skill = createSkill({ config: loadConfig(env), logger: createLogger((line) => logs.push(line)) });
  return { invoke: (envelope) => skill.invoke(envelope), logs };
}

export function speechOf(response: ResponseEnvelope): string {
  const speech = response.response.outputSpeech;
  return speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? '');
}
