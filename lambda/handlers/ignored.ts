// Requests this skill never asked for (AudioPlayer events, Connections.Response, a type from a
// newer API): an empty response and an info log, since Alexa allows no speech for most of them.

import type { RequestHandler } from 'ask-sdk-core';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';

export function ignoredRequestHandler(logger: Logger): RequestHandler {
  return {
    // Registered last: only request types that no other handler took reach it.
    canHandle: ({ requestEnvelope }) => {
      const type = requestTypeOf(requestEnvelope);
      return type !== undefined && type !== 'IntentRequest';
    },
    handle(handlerInput) {
      requestScope(handlerInput, logger).log.info('request-ignored');
      return handlerInput.responseBuilder.getResponse();
    },
  };
}
