// What the skill makes of each SES failure: which sentence the user hears, whether a second attempt
// is safe, and whether the mail may have gone anyway (then it stays counted against the caps).

import { describe, expect, it } from 'vitest';
import { classifySesError } from '../../../../lambda/mail/errors.ts';

const sdkError = (name: string, fields: Record<string, unknown> = {}, message = '') =>
  Object.assign(new Error(message), { name, ...fields });

describe('classifySesError', () => {
  it.each([
    [
      'a throttled send, retried',
      sdkError('Throttling', {}, 'Maximum sending rate exceeded.'),
      'throttled',
      true,
      false,
    ],
    ['the daily quota', sdkError('Throttling', {}, 'Daily message quota exceeded.'), 'daily-quota', false, false],
    ['a rejected message', sdkError('MessageRejected', {}, 'Illegal address'), 'rejected', false, false],
    [
      'a refused key',
      sdkError('SignatureDoesNotMatch', { $metadata: { httpStatusCode: 403 } }),
      'not-authorized',
      false,
      false,
    ],
    ['paused sending', sdkError('AccountSendingPausedException'), 'sending-paused', false, false],
    ['a refused connection, retried', sdkError('Error', { code: 'ECONNREFUSED' }), 'unavailable', true, false],
    ['a host that does not resolve', sdkError('Error', { code: 'ENOTFOUND' }), 'unavailable', false, false],
    ['another 4xx', sdkError('InvalidParameterValue', { $metadata: { httpStatusCode: 400 } }), 'unknown', false, false],
    ['a reset connection', sdkError('Error', { code: 'ECONNRESET' }), 'unavailable', false, true],
    ['the attempt deadline', sdkError('TimeoutError'), 'unavailable', false, true],
    ['an aborted attempt', sdkError('AbortError'), 'unavailable', false, true],
    ['a 500', sdkError('InternalFailure', { $metadata: { httpStatusCode: 500 } }), 'unavailable', false, true],
    ['an answer that could not be read', sdkError('SyntaxError'), 'unknown', false, true],
  ])('%s: %s, safe to retry %s, may have been sent %s', (_, error, kind, safeToRetry, mayHaveBeenSent) => {
    expect(classifySesError(error, 'mail@example.com')).toMatchObject({ kind, safeToRetry, mayHaveBeenSent });
  });
});

describe('classifySesError on an unverified address', () => {
  const rejected = (identities: string) =>
    Object.assign(
      new Error(
        `Email address is not verified. The following identities failed the check in region US-EAST-1: ${identities}`,
      ),
      { name: 'MessageRejected' },
    );

  it('blames the recipient when only an address that merely contains the sender failed', () => {
    expect(classifySesError(rejected('gmail@example.com'), 'mail@example.com').kind).toBe('recipient-not-verified');
  });

  it('blames the sender when the sender is among the identities, in any case', () => {
    expect(classifySesError(rejected('user@example.org, Mail@Example.com'), 'mail@example.com').kind).toBe(
      'sender-not-verified',
    );
  });
});

describe('classifySesError of an STS failure before SES was asked', () => {
  const stsFailure = (code: string, status?: number) =>
    Object.assign(new Error('x'), { name: 'RoleNotAssumed', code, status });

  it("tells a refused role from a busy or silent STS, logs STS's code, and counts no mail as sent", () => {
    expect(classifySesError(stsFailure('AccessDenied', 403), 'sender@example.com')).toEqual({
      kind: 'role-refused',
      code: 'sts:AccessDenied',
      safeToRetry: false,
      mayHaveBeenSent: false,
    });
    expect(classifySesError(stsFailure('Throttling', 400), 'sender@example.com')).toEqual({
      kind: 'throttled',
      code: 'sts:Throttling',
      safeToRetry: true,
      mayHaveBeenSent: false,
    });
    expect(classifySesError(stsFailure('AbortError'), 'sender@example.com')).toEqual({
      kind: 'unavailable',
      code: 'sts:AbortError',
      safeToRetry: false,
      mayHaveBeenSent: false,
    });
  });
});
