// Requests this skill never asked for (AudioPlayer and PlaybackController events,
// Connections.Response, System.ExceptionEncountered, a type from a newer API): Alexa
// allows no speech for most of them, so the answer is an empty response and an info log,
// not an apology for an error that did not happen.

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
