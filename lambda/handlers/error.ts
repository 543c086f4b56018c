// The one error handler: logs the error's class, never speaks a stack trace or an
// internal message, and answers in the user's language.

import type { ErrorHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';

export function errorHandler(logger: Logger): ErrorHandler {
  return {
    canHandle: () => true,
    handle(handlerInput, error) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.error('unhandled-error', { errorName: error.name, errorMessage: error.message });
      // Alexa allows no speech after a session ended, nor any observable effect for a CanFulfillIntentRequest.
      const type = requestTypeOf(handlerInput.requestEnvelope);
      if (type === 'SessionEndedRequest' || type === 'CanFulfillIntentRequest') {
        return handlerInput.responseBuilder.getResponse();
      }
      return handlerInput.responseBuilder.speak(messages.somethingWentWrong).withShouldEndSession(true).getResponse();
    },
  };
}
