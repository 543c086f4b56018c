// "Alexa, open mail sender": say what the skill does and how to ask.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestTypeOf, turnOf } from '../request.ts';
import { offerToSendEmail } from './offer.ts';

export function launchHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'LaunchRequest',
    handle(handlerInput) {
      const { messages, log } = turnOf(handlerInput, logger);
      log.info('launch');
      offerToSendEmail(handlerInput);
      return handlerInput.responseBuilder.speak(messages.launch).reprompt(messages.launchReprompt).getResponse();
    },
  };
}
