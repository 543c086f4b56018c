// The envelope readers: what a well-formed request holds, and nothing thrown for a malformed one.

import type { RequestEnvelope } from 'ask-sdk-model';
import { describe, expect, it } from 'vitest';
import { isIntent, requestTypeOf, slotValueOf, userIdOf } from '../../../lambda/request.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';

const malformed = (value: unknown) => value as RequestEnvelope;

describe('the envelope readers', () => {
  it('read the intent, its slot, and the user from a well-formed request', () => {
    const envelope = intentRequest('SendEmailIntent', { note: 'buy milk' }, { userId: 'amzn1.ask.account.one' });
    expect(requestTypeOf(envelope)).toBe('IntentRequest');
    expect(isIntent(envelope, 'AMAZON.HelpIntent', 'SendEmailIntent')).toBe(true);
    expect(slotValueOf(envelope, 'note')).toBe('buy milk');
    expect(userIdOf(envelope)).toBe('amzn1.ask.account.one');
  });

  it('take the user from the session when the context has none, and a blank slot as none', () => {
    const envelope = intentRequest('SendEmailIntent', { note: '   ' });
    const withSessionUser = malformed({
      ...envelope,
      context: { System: {} },
      session: { user: { userId: 'amzn1.ask.account.two' } },
    });
    expect(userIdOf(withSessionUser)).toBe('amzn1.ask.account.two');
    expect(slotValueOf(envelope, 'note')).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a string', 'IntentRequest'],
    ['no request', {}],
    ['a request of numbers', { request: { type: 7, intent: { name: 8, slots: { note: { value: 9 } } } } }],
    ['a user ID that is an object', { context: { System: { user: { userId: {} } } }, session: { user: 3 } }],
  ])('answer "nothing there" for %s, never throwing', (_, value) => {
    const envelope = malformed(value);
    expect(requestTypeOf(envelope)).toBeUndefined();
    expect(isIntent(envelope, 'SendEmailIntent')).toBe(false);
    expect(userIdOf(envelope)).toBeUndefined();
    if (value !== null && typeof value === 'object') expect(slotValueOf(envelope, 'note')).toBeUndefined();
  });

  it('take an intent that is a string for no intent at all', () => {
    const envelope = malformed({ request: { type: 'IntentRequest', intent: 'SendEmailIntent' } });
    expect(isIntent(envelope, 'SendEmailIntent')).toBe(false);
    expect(slotValueOf(envelope, 'note')).toBeUndefined();
  });
});
