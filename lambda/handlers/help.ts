// AMAZON.HelpIntent: what the skill does, ending with the offer to send.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { isIntent, requestScope } from '../request.ts';
import { rememberSendEmailOffer } from '../sessionState.ts';

export function helpHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => isIntent(requestEnvelope, 'AMAZON.HelpIntent'),
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.info('help');
      // Help ends with the offer to send, so "yes" right after it sends.
      rememberSendEmailOffer(handlerInput);
      return handlerInput.responseBuilder.speak(messages.help).reprompt(messages.helpReprompt).getResponse();
    },
  };
}
