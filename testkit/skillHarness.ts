// Builds the skill in-process the way lambda/container.ts does, configured with the placeholder
// sender, key and skill ID and pointed at local stand-ins, with every log line captured so tests and
// tools (fuzz, load) can see what operators would see.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { type Environment, loadConfig } from '../lambda/config.ts';
import { createLogger } from '../lambda/log.ts';
import { createSkill } from '../lambda/skill.ts';
import { LOCAL_SKILL_ENVIRONMENT } from './placeholders.ts';

export interface SkillUnderTest {
  invoke(envelope: RequestEnvelope): Promise<ResponseEnvelope>;
  /** Every line the skill logged, in order; empty it (`logs.length = 0`) to start afresh. */
  readonly logs: string[];
}

export interface SkillOptions {
  /** The SES endpoint (the SES stand-in's `url`). */
  readonly sesUrl: string;
  /** Variables over LOCAL_SKILL_ENVIRONMENT (testkit/placeholders.ts); `undefined` unsets one. */
  readonly env?: Environment;
  /** The DynamoDB endpoint, for a skill given MAIL_LIMIT_TABLE (testkit/dynamoDb/). */
  readonly dynamoDbUrl?: string;
  /** The abuse limits' clock in ms (default Date.now): turn it to cross a day without waiting. */
  readonly now?: () => number;
}

export function skillUnderTest(options: SkillOptions): SkillUnderTest {
  // The SDK reads its endpoint override from the environment, as it does in Lambda.
  process.env.AWS_ENDPOINT_URL_SES = options.sesUrl;
  if (options.dynamoDbUrl) process.env.AWS_ENDPOINT_URL_DYNAMODB = options.dynamoDbUrl;
  const env: Environment = { ...LOCAL_SKILL_ENVIRONMENT, ...options.env };
  const logs: string[] = [];
  const skill = createSkill({
    config: loadConfig(env),
    logger: createLogger((line) => logs.push(line)),
    ...(options.now ? { now: options.now } : {}),
  });
  return { invoke: (envelope) => skill.invoke(envelope), logs };
}

export function speechOf(response: ResponseEnvelope): string {
  const speech = response.response.outputSpeech;
  return speech?.type === 'SSML' ? (speech.ssml ?? '') : (speech?.text ?? '');
}
