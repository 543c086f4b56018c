// Session state: what the last prompt offered. Launch, help and fallback end with "Would you like
// me to send you an email?", so a "yes" right after them means "send me an email", and only then.

import type { HandlerInput } from 'ask-sdk-core';

// A session attribute that only decides whether "yes" sends: it never carries a recipient or
// anything else that reaches the mail.
const OFFER_ATTRIBUTE = 'offer';
const SEND_EMAIL_OFFER = 'send-email';

export function rememberSendEmailOffer(handlerInput: HandlerInput): void {
  handlerInput.attributesManager.setSessionAttributes({ [OFFER_ATTRIBUTE]: SEND_EMAIL_OFFER });
}

export function sendEmailWasOffered(handlerInput: HandlerInput): boolean {
  // A new session has no previous prompt, whatever attributes the request claims to carry.
  if (handlerInput.requestEnvelope.session?.new !== false) return false;
  const attributes = handlerInput.requestEnvelope.session?.attributes as Record<string, unknown> | undefined;
  return attributes?.[OFFER_ATTRIBUTE] === SEND_EMAIL_OFFER;
}
