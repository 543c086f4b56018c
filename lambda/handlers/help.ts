// AMAZON.HelpIntent.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { isIntent, requestScope } from '../request.ts';
import { forgetOffer } from '../sessionState.ts';

export function helpHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => isIntent(requestEnvelope, 'AMAZON.HelpIntent'),
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.info('help');
      forgetOffer(handlerInput);
      return handlerInput.responseBuilder.speak(messages.help).reprompt(messages.helpReprompt).getResponse();
    },
  };
}
