// AMAZON.HelpIntent.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { isIntent, turnOf } from '../request.ts';
import { withdrawOffer } from './offer.ts';

export function helpHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => isIntent(requestEnvelope, 'AMAZON.HelpIntent'),
    handle(handlerInput) {
      const { messages, log } = turnOf(handlerInput, logger);
      log.info('help');
      withdrawOffer(handlerInput);
      return handlerInput.responseBuilder.speak(messages.help).reprompt(messages.helpReprompt).getResponse();
    },
  };
}
