// "Alexa, open mail sender": say what the skill does and how to ask.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';
import { rememberSendEmailOffer } from '../sessionState.ts';

export function launchHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'LaunchRequest',
    handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      log.info('launch');
      rememberSendEmailOffer(handlerInput);
      return handlerInput.responseBuilder.speak(messages.launch).reprompt(messages.launchReprompt).getResponse();
    },
  };
}
