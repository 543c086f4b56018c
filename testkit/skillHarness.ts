// Builds the skill in-process the way lambda/index.ts does, pointed at local servers,
// with every log line captured so tests can assert what operators would see.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { ENV, type Environment, loadConfig } from '../lambda/config.ts';
import { createLogger } from '../lambda/log.ts';
import { createSkill } from '../lambda/skill.ts';

export const TEST_FROM_ADDRESS = 'skill-sender@example.com';
// Obviously fake: the local outbox accepts any signature.
export const TEST_KEY = { id: 'TEST-KEY-ID-NOT-REAL', secret: 'test-only-secret-0123456789abcdefghijklmn' } as const;

export interface SkillUnderTest {
  invoke(envelope: RequestEnvelope): Promise<ResponseEnvelope>;
  readonly logs: string[];
}

export function skillUnderTest(options: { sesUrl: string; env?: Environment }): SkillUnderTest {
  // The SDK reads its endpoint override from the environment, as it does in Lambda.
  process.env.AWS_ENDPOINT_URL_SES = options.sesUrl;
  const env: Environment = {
    [ENV.fromAddress]: TEST_FROM_ADDRESS,
    [ENV.region]: 'us-east-1',
    [ENV.accessKeyId]: TEST_KEY.id,
    [ENV.secretAccessKey]: TEST_KEY.secret,
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
