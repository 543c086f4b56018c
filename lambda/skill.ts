// Composition: every handler, the error handler, the API client and the skill ID check, in one place.

import { SkillBuilders, type Skill } from 'ask-sdk-core';
import type { Config } from './config.ts';
import { PROFILE_TIMEOUT_MS } from './deadlines.ts';
import { DeadlineApiClient } from './apiClient.ts';
import type { Logger } from './log.ts';
import { createSesMailer, type Mailer } from './mail/ses.ts';
import { customerProfile, type ProfileReader } from './profile.ts';
import { canFulfillHandler } from './handlers/canFulfill.ts';
import { errorHandler } from './handlers/error.ts';
import { fallbackHandler } from './handlers/fallback.ts';
import { helpHandler } from './handlers/help.ts';
import { launchHandler } from './handlers/launch.ts';
import { sendEmailHandler } from './handlers/sendEmail.ts';
import { sessionEndedHandler } from './handlers/sessionEnded.ts';
import { navigateHomeHandler, stopHandler } from './handlers/stop.ts';

export interface SkillOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to SES with the configured key; tests may pass their own. */
  readonly mailer?: Mailer;
  /** Defaults to the Alexa Customer Profile API. */
  readonly profile?: ProfileReader;
}

export function createSkill({ config, logger, mailer, profile }: SkillOptions): Skill {
  const dependencies = {
    logger,
    profile: profile ?? customerProfile,
    mailer: mailer ?? (config.mail ? createSesMailer(config.mail) : undefined),
    configProblems: config.problems,
  };
  const builder = SkillBuilders.custom()
    .addRequestHandlers(
      launchHandler(logger),
      sendEmailHandler(dependencies),
      canFulfillHandler(logger),
      helpHandler(logger),
      stopHandler(logger),
      navigateHomeHandler(logger),
      sessionEndedHandler(logger),
      fallbackHandler(logger),
    )
    .addErrorHandlers(errorHandler(logger))
    .withApiClient(new DeadlineApiClient(PROFILE_TIMEOUT_MS))
    .withCustomUserAgent('alexa-ses-mailer');
  if (config.skillId) builder.withSkillId(config.skillId);
  return builder.create();
}
