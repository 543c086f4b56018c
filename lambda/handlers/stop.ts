// AMAZON.CancelIntent, AMAZON.StopIntent, AMAZON.NoIntent and AMAZON.NavigateHomeIntent all
// end the session: nothing is in progress that cancel could undo, "no" declines the only
// thing the skill offers, and "go home" means leave the skill.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { isIntent, requestScope } from '../request.ts';

export function stopHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) =>
      isIntent(requestEnvelope, 'AMAZON.CancelIntent', 'AMAZON.StopIntent', 'AMAZON.NoIntent'),
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.info('stop');
      return handlerInput.responseBuilder.speak(messages.goodbye).withShouldEndSession(true).getResponse();
    },
  };
}

export function navigateHomeHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => isIntent(requestEnvelope, 'AMAZON.NavigateHomeIntent'),
    handle(handlerInput) {
      requestScope(handlerInput, logger).log.info('navigate-home');
      // The device is already going home: a spoken goodbye would only talk over it.
      return handlerInput.responseBuilder.withShouldEndSession(true).getResponse();
    },
  };
}
