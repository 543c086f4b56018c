// How provisioning fails (a usage error is ops/cli.ts's UsageError), and the one
// clear sentence for each AWS failure.
// AWS errors are classified once, here, where they arrive (see awsCalls.ts).

import { maskAddressesIn } from '../../lambda/log.ts';
import type { Endpoint, Timeouts } from './endpoints.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';

/** Provisioning could not finish: exit code 1. The message is one sentence for the user. */
export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

interface SdkLikeError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  hostname?: unknown;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const REFUSED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
]);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
// IAM's AccessDenied names the action it checked: "… is not authorized to perform: iam:TagUser on resource …".
const DENIED_ACTION = /perform:?\s*`?([a-z0-9-]+:[A-Za-z0-9]+)/;

interface ErrorContext {
  readonly permission: Permission;
  readonly region: string;
  readonly profile?: string;
  /** Where the call went, and the variable that chose it, if one did (endpoints.ts). */
  readonly endpoint?: Endpoint;
  readonly timeouts?: Timeouts;
}

/** "the SES endpoint http://127.0.0.1:4566 (set by AWS_ENDPOINT_URL_SES)". */
function endpointWords(service: string, endpoint: Endpoint): string {
  return `the ${service.toUpperCase()} endpoint ${endpoint.url}${endpoint.variable ? ` (set by ${endpoint.variable})` : ''}`;
}

/** What to do about an endpoint that does not answer: the override is the first suspect. */
function endpointRemedy(endpoint: Endpoint): string {
  return endpoint.variable
    ? `start what should answer there, or unset ${endpoint.variable} to reach AWS itself`
    : 'check your network connection and run the command again; it is safe to repeat';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function sentence(value: string): string {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** One sentence saying what went wrong and what to do. Never a secret; addresses masked. */
export function explainAwsError(error: unknown, context: ErrorContext): string {
  const e = (error && typeof error === 'object' ? error : {}) as SdkLikeError;
  const name = text(e.name);
  const code = text(e.Code) || text(e.code) || name || 'Error';
  const message = maskAddressesIn(text(e.message));
  const [service = '', action = ''] = context.permission.split(':');
  const profileHint = context.profile ? ` --profile ${context.profile}` : '';

  if (name === 'CredentialsProviderError' || /could not load credentials|unable to find.*credentials/i.test(message)) {
    return context.profile
      ? `No AWS administrator credentials found for profile "${context.profile}": check that it exists in ~/.aws/config, or run \`aws sso login --profile ${context.profile}\` if it uses SSO.`
      : 'No AWS administrator credentials found: pass --profile NAME, run `aws sso login`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.';
  }
  if (name === 'TokenProviderError' || /sso.*(expired|token)/i.test(message)) {
    return `Your AWS SSO session has expired: run \`aws sso login${profileHint}\`, then run this command again.`;
  }
  if (DENIED.has(code) || DENIED.has(name)) {
    const denied = DENIED_ACTION.exec(text(e.message))?.[1] ?? context.permission;
    const purpose = (PERMISSIONS as Record<string, string>)[denied];
    return `Access denied: your AWS credentials lack the permission ${denied}${purpose ? `, needed to ${purpose}` : ''}; docs/provisioning.md lists every permission this command needs.`;
  }
  if (REFUSED_CREDENTIALS.has(code)) {
    return `AWS refused your credentials (${code}): they are wrong or expired, or the region ${context.region} is not enabled for your account; check${profileHint ? ` the profile ${context.profile}` : ' --profile or AWS_ACCESS_KEY_ID'}.`;
  }
  if (code === 'ENOTFOUND' && service === 'ses') {
    return `Amazon SES is not offered in the region ${context.region} (its endpoint ${text(e.hostname) || `email.${context.region}.amazonaws.com`} does not exist); choose a region where it is, for example --region us-east-1.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `Could not reach AWS (${text(e.hostname) || 'DNS lookup failed'}): check your network connection.`;
  }
  const endpoint = context.endpoint;
  if ((name === 'TimeoutError' || code === 'ETIMEDOUT') && endpoint) {
    const connecting = /establish a connection/.test(message);
    const limit = context.timeouts && (connecting ? context.timeouts.connectionMs : context.timeouts.requestMs);
    const within = limit ? ` within ${limit / 1000} s` : '';
    return connecting
      ? `Could not connect to ${endpointWords(service, endpoint)}${within}: ${endpointRemedy(endpoint)}.`
      : `${endpointWords(service, endpoint).replace(/^the/, 'The')} did not answer ${action}${within}: ${endpointRemedy(endpoint)}.`;
  }
  if ((code === 'ECONNREFUSED' || code === 'ECONNRESET') && endpoint) {
    const what = code === 'ECONNREFUSED' ? 'nothing is listening there' : 'it closed the connection without an answer';
    return `Could not reach ${endpointWords(service, endpoint)}: ${what}; ${endpointRemedy(endpoint)}.`;
  }
  if (code === 'ECONNREFUSED') {
    return `Could not connect to the ${service.toUpperCase()} endpoint: nothing is listening there (check AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_${service.toUpperCase()}).`;
  }
  if (THROTTLED.has(code)) {
    return `AWS is throttling ${action} requests (${code}): wait a minute and run the command again; it is safe to repeat.`;
  }
  if (code === 'InvalidParameterValue' && service === 'ses') {
    return sentence(`SES refused the address as invalid: ${message}`);
  }
  return sentence(`${context.permission} failed (${code})${message ? `: ${message}` : ''}`);
}
