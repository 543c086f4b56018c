// AMAZON.FallbackIntent, and any intent this skill does not know (a stale model, a fuzzer).

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';
import { rememberSendEmailOffer } from '../sessionState.ts';

export function fallbackHandler(logger: Logger): RequestHandler {
  return {
    // Registered after every intent handler, so it only sees intents none of them took.
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'IntentRequest',
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.info('fallback');
      rememberSendEmailOffer(handlerInput);
      return handlerInput.responseBuilder.speak(messages.fallback).reprompt(messages.fallbackReprompt).getResponse();
    },
  };
}
