// Composition: every handler, the error handler, the API client and the skill ID check, in one place.

import { SkillBuilders } from 'ask-sdk-core';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { BoundedApiClient } from './apiClient.ts';
import type { Config } from './config.ts';
import { PROFILE_TIMEOUT_MS } from './deadlines.ts';
import { withSystemContext } from './envelopeRepair.ts';
import { canFulfillHandler } from './handlers/canFulfill.ts';
import { errorHandler } from './handlers/error.ts';
import { fallbackHandler } from './handlers/fallback.ts';
import { helpHandler } from './handlers/help.ts';
import { ignoredRequestHandler } from './handlers/ignored.ts';
import { launchHandler } from './handlers/launch.ts';
import { notSetUpHandler } from './handlers/notSetUp.ts';
import { sendEmailHandler } from './handlers/sendEmail.ts';
import { sessionEndedHandler } from './handlers/sessionEnded.ts';
import { navigateHomeHandler, stopHandler } from './handlers/stop.ts';
import { createMailLimiter } from './limits/limiter.ts';
import type { Logger } from './log.ts';
import { createSesMailer, type Mailer } from './mail/ses.ts';
import { customerProfile, PROFILE_ANSWER_MAX_BYTES, type ProfileReader } from './profile.ts';

interface SkillOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Defaults to SES with the configured key; tests may pass their own. */
  readonly mailer?: Mailer;
  /** Defaults to the Alexa Customer Profile API. */
  readonly profile?: ProfileReader;
  /** The abuse limits' clock, in ms (Date.now); tests turn it to cross a day without waiting. */
  readonly now?: () => number;
}

/** The skill as Lambda and the local tools call it. */
interface AlexaSkill {
  invoke(envelope: RequestEnvelope, context?: unknown): Promise<ResponseEnvelope>;
}

export function createSkill(options: SkillOptions): AlexaSkill {
  const { config, logger } = options;
  const builder = SkillBuilders.custom()
    .addErrorHandlers(errorHandler(logger))
    .withApiClient(
      new BoundedApiClient({
        origins: config.apiOrigins,
        timeoutMs: PROFILE_TIMEOUT_MS,
        maxAnswerBytes: PROFILE_ANSWER_MAX_BYTES,
      }),
    )
    .withCustomUserAgent('alexa-ses-mailer');
  if (config.skillId) {
    builder.withSkillId(config.skillId).addRequestHandlers(...requestHandlers(options));
  } else {
    // Fail closed: without its own ID the skill would answer, and mail, for any skill's request.
    builder.addRequestHandlers(canFulfillHandler({ logger, canSend: false }), notSetUpHandler(logger, config.problems));
  }
  const skill = builder.create();
  return { invoke: (envelope, context) => skill.invoke(withSystemContext(envelope), context) };
}

function requestHandlers({ config, logger, mailer, profile, now }: SkillOptions) {
  const sendEmail = {
    logger,
    profile: profile ?? customerProfile,
    limiter: createMailLimiter({ limits: config.limits, mail: config.mail, ...(now ? { now } : {}) }),
    mailer: mailer ?? (config.mail ? createSesMailer(config.mail) : undefined),
    configProblems: config.problems,
  };
  return [
    launchHandler(logger),
    sendEmailHandler(sendEmail),
    canFulfillHandler({ logger, canSend: sendEmail.mailer !== undefined }),
    helpHandler(logger),
    stopHandler(logger),
    navigateHomeHandler(logger),
    sessionEndedHandler(logger),
    fallbackHandler(logger),
    ignoredRequestHandler(logger),
  ];
}
