// CanFulfillIntentRequest: lets a name-free "Alexa, send me an email" reach this skill. Alexa
// allows no observable effect here: no speech, no card, no mail.

import type { HandlerInput, RequestHandler } from 'ask-sdk-core';
import type { canfulfill } from 'ask-sdk-model';
import { NOTE_SLOT, SEND_EMAIL_INTENT } from '../intents.ts';
import type { Logger } from '../log.ts';
import { requestScope, requestTypeOf } from '../request.ts';

interface CanFulfillOptions {
  readonly logger: Logger;
  /** False when the configuration leaves the skill unable to send (lambda/config.ts). */
  readonly canSend: boolean;
}

function hasConsent(handlerInput: HandlerInput): boolean {
  const token = handlerInput.requestEnvelope.context?.System?.user?.permissions?.consentToken;
  return typeof token === 'string' && token.length > 0;
}

/**
 * YES only when the skill can really send right now; MAYBE when it understands the request but the
 * user has granted no permission yet (the next turn would be a consent card); NO for anything else,
 * and for everything while the skill is not set up to send mail.
 */
function verdict(handlerInput: HandlerInput, canSend: boolean): canfulfill.CanFulfillIntentValues {
  const request = handlerInput.requestEnvelope.request as Partial<canfulfill.CanFulfillIntentRequest>;
  const understood =
    request.intent?.name === SEND_EMAIL_INTENT &&
    Object.keys(request.intent.slots ?? {}).every((name) => name === NOTE_SLOT);
  if (!understood || !canSend) return 'NO';
  return hasConsent(handlerInput) ? 'YES' : 'MAYBE';
}

export function canFulfillHandler({ logger, canSend }: CanFulfillOptions): RequestHandler {
  return {
    canHandle: ({ requestEnvelope }) => requestTypeOf(requestEnvelope) === 'CanFulfillIntentRequest',
    handle(handlerInput) {
      const request = handlerInput.requestEnvelope.request as Partial<canfulfill.CanFulfillIntentRequest>;
      const slotNames = Object.keys(request.intent?.slots ?? {});
      const canFulfill = verdict(handlerInput, canSend);
      // Every slot Alexa sent gets an answer; only the note slot is one the skill understands.
      const slot =
        canFulfill === 'NO' ? { canUnderstand: 'NO', canFulfill: 'NO' } : { canUnderstand: 'YES', canFulfill: 'YES' };
      const answer: canfulfill.CanFulfillIntent = {
        canFulfill,
        slots: Object.fromEntries(slotNames.map((name) => [name, slot as canfulfill.CanFulfillSlot])),
      };
      requestScope(handlerInput, logger).log.info('can-fulfill', { intentAsked: request.intent?.name, canFulfill });
      return handlerInput.responseBuilder.withCanFulfillIntent(answer).getResponse();
    },
  };
}
