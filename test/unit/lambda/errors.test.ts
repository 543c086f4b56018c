// The one error handler: whatever goes wrong inside, the user hears a short apology in
// their language, never a stack trace or an internal message, and the log names the error.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lambda/config.ts';
import { createLogger, maskAddressesIn } from '../../../lambda/log.ts';
import { classifySesError } from '../../../lambda/mail/errors.ts';
import { createSkill } from '../../../lambda/skill.ts';
import { intentRequest, LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { speechOf } from '../../../testkit/skillHarness.ts';

function skillWithBrokenProfile(message: string) {
  const logs: string[] = [];
  const skill = createSkill({
    config: loadConfig({ SES_FROM_ADDRESS: 'sender@example.com', SKILL_ID: LOCAL_SKILL_ID }),
    logger: createLogger((line) => logs.push(line)),
    profile: {
      read: () => Promise.reject(new TypeError(message)),
    },
  });
  return { skill, logs };
}

describe('unexpected errors', () => {
  it.each([
    ['en-US', '<speak>Sorry, something went wrong. Please try again.</speak>'],
    ['ja-JP', '<speak>すみません、問題が発生しました。もう一度お試しください。</speak>'],
  ])('are answered with a plain apology in %s', async (locale, apology) => {
    const { skill, logs } = skillWithBrokenProfile(
      'Cannot read properties of undefined (reading "x") at /var/task/index.js:1:2',
    );
    const response = await skill.invoke(intentRequest('SendEmailIntent', {}, { locale }));

    expect(speechOf(response)).toBe(apology);
    expect(JSON.stringify(response)).not.toContain('/var/task');
    expect(logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'error', event: 'unhandled-error', errorName: 'TypeError' }),
    );
  });

  it('mask an address that appears in an error message before logging it', async () => {
    const { skill, logs } = skillWithBrokenProfile('failed for someone@example.org');
    await skill.invoke(intentRequest('SendEmailIntent'));
    expect(logs.join('\n')).toContain('s***@example.org');
    expect(logs.join('\n')).not.toContain('someone@example.org');
  });
});

describe('maskAddressesIn', () => {
  it.each([
    ['send to taro@example.com failed', 'send to t***@example.com failed'],
    ["o'brien@example.ie rejected", 'o***@example.ie rejected'],
    ['a@b.1 and x@[127.0.0.1]', 'a***@b.1 and x***@[127.0.0.1]'],
    ['Identities failed the check: <hanako@example.jp>', 'Identities failed the check: <h***@example.jp>'],
  ])('masks every address in %j', (text, masked) => {
    expect(maskAddressesIn(text)).toBe(masked);
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

  it("tells a refused role from a busy or silent STS, and logs STS's code", () => {
    expect(classifySesError(stsFailure('AccessDenied', 403), 'sender@example.com')).toEqual({
      kind: 'role-refused',
      code: 'sts:AccessDenied',
      safeToRetry: false,
    });
    expect(classifySesError(stsFailure('Throttling', 400), 'sender@example.com')).toEqual({
      kind: 'throttled',
      code: 'sts:Throttling',
      safeToRetry: true,
    });
    expect(classifySesError(stsFailure('AbortError'), 'sender@example.com')).toEqual({
      kind: 'unavailable',
      code: 'sts:AbortError',
      safeToRetry: false,
    });
  });
});
