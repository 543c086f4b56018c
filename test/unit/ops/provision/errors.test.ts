// Each AWS failure becomes one sentence that says what to do, names the permission when
// access is denied, and never repeats an address in full.

import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../../../ops/provision/errors.ts';

const context = { permission: 'ses:GetSendQuota', region: 'eu-west-1' } as const;

describe('explainAwsError', () => {
  it("takes the denied action from SES's own message, backticks and all", () => {
    const error = {
      name: 'AccessDenied',
      Code: 'AccessDenied',
      message:
        "User `arn:aws:iam::123456789012:user/admin' is not authorized to perform `ses:VerifyEmailIdentity' on resource `arn:aws:ses:eu-west-1:123456789012:identity/a@example.com'",
    };
    expect(explainAwsError(error, context)).toBe(
      'Access denied: your AWS credentials lack the permission ses:VerifyEmailIdentity, needed to send SES’s verification mail to an address; docs/provisioning.md lists every permission this command needs.',
    );
  });

  it('names the permission of the call when the message does not', () => {
    expect(explainAwsError({ name: 'AccessDeniedException', message: 'Access Denied' }, context)).toContain(
      'lack the permission ses:GetSendQuota, needed to check whether the account is still in the SES sandbox',
    );
  });

  it('tells an expired SSO session from missing credentials', () => {
    expect(
      explainAwsError(
        { name: 'TokenProviderError', message: 'The SSO session token has expired.' },
        { ...context, profile: 'admin' },
      ),
    ).toBe('Your AWS SSO session has expired: run `aws sso login --profile admin`, then run this command again.');
  });

  it('says throttling is safe to repeat, and nothing listening is an endpoint problem', () => {
    expect(explainAwsError({ name: 'ThrottlingException', message: 'Rate exceeded' }, context)).toBe(
      'AWS is throttling GetSendQuota requests (ThrottlingException): wait a minute and run the command again; it is safe to repeat.',
    );
    expect(
      explainAwsError({ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }, context),
    ).toBe(
      'Could not connect to the SES endpoint: nothing is listening there (check AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SES).',
    );
  });

  it('names the endpoint and the variable that set it when a call cannot connect or is refused', () => {
    const overridden = {
      ...context,
      endpoint: { url: 'http://127.0.0.1:4566', variable: 'AWS_ENDPOINT_URL_SES' },
      timeouts: { connectionMs: 5000, requestMs: 30_000 },
    };
    const notConnected = {
      name: 'TimeoutError',
      message:
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.',
    };
    expect(explainAwsError(notConnected, overridden)).toBe(
      'Could not connect to the SES endpoint http://127.0.0.1:4566 (set by AWS_ENDPOINT_URL_SES) within 5 s: start what should answer there, or unset AWS_ENDPOINT_URL_SES to reach AWS itself.',
    );
    expect(
      explainAwsError(
        { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:4566' },
        overridden,
      ),
    ).toBe(
      'Could not reach the SES endpoint http://127.0.0.1:4566 (set by AWS_ENDPOINT_URL_SES): nothing is listening there; start what should answer there, or unset AWS_ENDPOINT_URL_SES to reach AWS itself.',
    );
    const aws = { ...overridden, endpoint: { url: 'https://email.eu-west-1.amazonaws.com' } };
    expect(explainAwsError({ name: 'TimeoutError', code: 'ETIMEDOUT', message: 'exceeded' }, aws)).toBe(
      'The SES endpoint https://email.eu-west-1.amazonaws.com did not answer GetSendQuota within 30 s: check your network connection and run the command again; it is safe to repeat.',
    );
  });

  it('masks addresses in anything it repeats from AWS', () => {
    const sentence = explainAwsError(
      {
        name: 'InvalidParameterValue',
        Code: 'InvalidParameterValue',
        message: 'Invalid email address<someone.private@example.com>.',
      },
      context,
    );
    expect(sentence).toBe('SES refused the address as invalid: Invalid email address<s***@example.com>.');
    expect(explainAwsError({ name: 'Weird', message: 'odd failure for someone.private@example.com' }, context)).toBe(
      'ses:GetSendQuota failed (Weird): odd failure for s***@example.com.',
    );
  });
});
