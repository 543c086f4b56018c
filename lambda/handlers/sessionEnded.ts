// SessionEndedRequest: Alexa allows no speech here; log why the session ended.

import type { RequestHandler } from 'ask-sdk-core';
import type { SessionEndedRequest } from 'ask-sdk-model';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';

export function sessionEndedHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'SessionEndedRequest',
    handle(handlerInput) {
      const request = handlerInput.requestEnvelope.request as Partial<SessionEndedRequest>;
      const reason = typeof request.reason === 'string' ? request.reason : undefined;
      const errorType = typeof request.error?.type === 'string' ? request.error.type : undefined;
      const log = requestScope(handlerInput, logger).log;
      if (reason === 'ERROR') log.warn('session-ended', { reason, errorType });
      else log.info('session-ended', { reason });
      return handlerInput.responseBuilder.getResponse();
    },
  };
}
