// Small, total readers of the request envelope. Unlike the ask-sdk helpers they never
// throw on a malformed request, so a broken envelope still reaches a polite answer.

import type { HandlerInput } from 'ask-sdk-core';
import type { IntentRequest, RequestEnvelope } from 'ask-sdk-model';
import type { Logger } from './log.ts';
import { type Messages, messagesFor } from './messages/index.ts';

type Loose = Record<string, unknown> | undefined;

function field(object: unknown, key: string): unknown {
  return object && typeof object === 'object' ? (object as Record<string, unknown>)[key] : undefined;
}

export function requestTypeOf(envelope: RequestEnvelope): string | undefined {
  const type = field(field(envelope, 'request'), 'type');
  return typeof type === 'string' ? type : undefined;
}

function intentNameOf(envelope: RequestEnvelope): string | undefined {
  const name = field(field(field(envelope, 'request'), 'intent'), 'name');
  return typeof name === 'string' ? name : undefined;
}

export function isIntent(envelope: RequestEnvelope, ...names: string[]): boolean {
  if (requestTypeOf(envelope) !== 'IntentRequest') return false;
  const name = intentNameOf(envelope);
  return name !== undefined && names.includes(name);
}

function localeOf(envelope: RequestEnvelope): string | undefined {
  const locale = field(field(envelope, 'request'), 'locale');
  return typeof locale === 'string' ? locale : undefined;
}

function requestIdOf(envelope: RequestEnvelope): string | undefined {
  const id = field(field(envelope, 'request'), 'requestId');
  return typeof id === 'string' ? id : undefined;
}

/** The Alexa user ID (context.System.user, else session.user): what the abuse limits count by. */
export function userIdOf(envelope: RequestEnvelope): string | undefined {
  for (const holder of [field(field(envelope, 'context'), 'System'), field(envelope, 'session')]) {
    const id = field(field(holder, 'user'), 'userId');
    if (typeof id === 'string' && id) return id;
  }
  return undefined;
}

/** A slot's spoken value, or undefined when the slot is absent, empty or not a string. */
export function slotValueOf(envelope: RequestEnvelope, slotName: string): string | undefined {
  const slots = field((envelope.request as IntentRequest | undefined)?.intent as Loose, 'slots');
  const value = field(field(slots, slotName), 'value');
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** What every handler needs to answer one request: the messages of its locale and a logger bound to it. */
interface RequestScope {
  readonly messages: Messages;
  readonly log: Logger;
}

export function requestScope(handlerInput: HandlerInput, logger: Logger): RequestScope {
  const envelope = handlerInput.requestEnvelope;
  const locale = localeOf(envelope);
  return {
    messages: messagesFor(locale),
    log: logger.with({
      requestId: requestIdOf(envelope),
      requestType: requestTypeOf(envelope),
      intent: intentNameOf(envelope),
      locale,
    }),
  };
}
