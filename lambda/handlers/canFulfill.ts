// CanFulfillIntentRequest: lets a name-free "Alexa, send me an email" reach this skill.
// YES only for what the skill really does; NO for everything else.

import type { RequestHandler } from 'ask-sdk-core';
import type { canfulfill } from 'ask-sdk-model';
import type { Logger } from '../log.ts';
import { requestTypeOf, turnOf } from '../request.ts';
import { NOTE_SLOT, SEND_EMAIL_INTENT } from './dependencies.ts';

export function canFulfillHandler(logger: Logger): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'CanFulfillIntentRequest',
    handle(handlerInput) {
      const request = handlerInput.requestEnvelope.request as Partial<canfulfill.CanFulfillIntentRequest>;
      const intent = request.intent;
      const slotNames = Object.keys(intent?.slots ?? {});
      const answer: canfulfill.CanFulfillIntent =
        intent?.name === SEND_EMAIL_INTENT && slotNames.every((name) => name === NOTE_SLOT)
          ? {
              canFulfill: 'YES',
              slots: Object.fromEntries(slotNames.map((name) => [name, { canUnderstand: 'YES', canFulfill: 'YES' }])),
            }
          : {
              canFulfill: 'NO',
              slots: Object.fromEntries(slotNames.map((name) => [name, { canUnderstand: 'NO', canFulfill: 'NO' }])),
            };
      turnOf(handlerInput, logger).log.info('can-fulfill', { intentAsked: intent?.name, canFulfill: answer.canFulfill });
      return handlerInput.responseBuilder.withCanFulfillIntent(answer).getResponse();
    },
  };
}
