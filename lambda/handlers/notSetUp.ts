// Every request while the skill has no SKILL_ID: it cannot tell requests for this skill from
// requests for any other, so it sends nothing and tells the user it is not set up.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';

export function notSetUpHandler(logger: Logger, problems: readonly string[]): RequestHandler {
  return {
    canHandle: () => true,
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.error('config-invalid', { problems: problems.join(' ') });
      // Alexa allows no speech after a session ended.
      if (requestTypeOf(handlerInput.requestEnvelope) === 'SessionEndedRequest')
        return handlerInput.responseBuilder.getResponse();
      return handlerInput.responseBuilder.speak(messages.notConfigured).withShouldEndSession(true).getResponse();
    },
  };
}
