// The skill as one Lambda container runs it: reads the configuration and builds the skill once,
// then answers each Alexa request through `handler`. index.ts loads this module.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { loadConfig } from './config.ts';
import { withDeployConfig } from './deployConfig.ts';
import { createLogger } from './log.ts';
import { createSkill } from './skill.ts';

const logger = createLogger();
// The environment first; what the deploy build embedded fills the gaps (lambda/deployConfig.ts).
const config = loadConfig(withDeployConfig(process.env));
if (config.problems.length > 0) logger.error('config-invalid', { problems: config.problems.join(' ') });

const skill = createSkill({ config, logger });

/** The context is optional so local tools can call it too. */
export async function handler(event: RequestEnvelope, context?: unknown): Promise<ResponseEnvelope> {
  return skill.invoke(event, context);
}
