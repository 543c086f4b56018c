// Turns whatever the SES client throws into a small union, once, at the boundary.
// Everything above (speech, logs, retry) works with MailFailure only.

export type MailFailureKind =
  | 'recipient-not-verified'
  | 'sender-not-verified'
  | 'rejected'
  | 'daily-quota'
  | 'throttled'
  | 'sending-paused'
  | 'not-authorized'
  | 'role-refused'
  | 'unavailable'
  | 'unknown';

export interface MailFailure {
  readonly kind: MailFailureKind;
  /** The SDK's error name or the socket error code, for logs. Never the message: it can hold addresses. */
  readonly code: string;
  /** True only when SES provably did not accept the mail, so a second attempt cannot duplicate it. */
  readonly safeToRetry: boolean;
  /**
   * False only when the failure proves SES did not take the mail: it answered with a refusal, or
   * the request never reached it. Otherwise (a timeout, a reset, a 5xx, an answer that could not
   * be read) the mail may still arrive, so it stays counted against the caps.
   */
  readonly mayHaveBeenSent: boolean;
}

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);
const PAUSED_ERRORS = new Set(['AccountSendingPausedException', 'ConfigurationSetSendingPausedException']);
const REFUSED_CONNECTION = new Set(['ECONNREFUSED']);
/** The request never left: no address for the host, or no route to it. */
const NEVER_CONNECTED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function socketCode(error: SdkLikeError): string {
  const own = text(error.code);
  if (own) return own;
  const cause = error.cause as SdkLikeError | undefined;
  return cause && typeof cause === 'object' ? text(cause.code) : '';
}

/**
 * The identities SES names in "Email address is not verified. The following identities failed
 * the check in region US-EAST-1: a@example.com, b@example.com", lower-cased. Whole addresses
 * are compared, so a sender mail@example.com is not mistaken for a recipient gmail@example.com.
 */
function unverifiedIdentities(message: string): string[] {
  const list = /failed the check in region [^:]*:(.*)$/is.exec(message)?.[1] ?? '';
  return list
    .split(/[,\s]+/)
    .map((identity) => identity.trim().replace(/\.$/, '').toLowerCase())
    .filter(Boolean);
}

/**
 * STS would not give the role's credentials (assumedRole.ts): nothing reached SES. Its code is
 * logged as `sts:CODE`, to tell it from SES's own.
 */
function classifyStsError(code: string, status: number | undefined): MailFailure {
  // SES was never asked, so no mail can have gone: a reservation is always given back.
  const failure = (kind: MailFailureKind, safeToRetry = false): MailFailure => ({
    kind,
    code: `sts:${code}`,
    safeToRetry,
    mayHaveBeenSent: false,
  });
  if (code === 'Throttling' || code === 'ThrottlingException' || status === 429) return failure('throttled', true);
  if (NETWORK_ERRORS.has(code) || REFUSED_CONNECTION.has(code) || (status !== undefined && status >= 500))
    return failure('unavailable');
  return failure('role-refused');
}

export function classifySesError(error: unknown, fromAddress: string): MailFailure {
  const e = (error && typeof error === 'object' ? error : {}) as SdkLikeError;
  const name = text(e.name) || 'Error';
  // By name: the class lives in the SES chunk, and this module may be another copy of it.
  if (name === 'RoleNotAssumed') {
    const status = (e as { status?: unknown }).status;
    return classifyStsError(text(e.code), typeof status === 'number' ? status : undefined);
  }
  const message = text(e.message);
  const socket = socketCode(e);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;

  // Each of these is SES's own answer refusing the mail: it did not take it.
  const refused = (kind: MailFailureKind, safeToRetry = false): MailFailure => ({
    kind,
    code: name,
    safeToRetry,
    mayHaveBeenSent: false,
  });
  if (name === 'MessageRejected') {
    if (/not verified/i.test(message)) {
      const senderIsTheProblem = unverifiedIdentities(message).includes(fromAddress.toLowerCase());
      return refused(senderIsTheProblem ? 'sender-not-verified' : 'recipient-not-verified');
    }
    return refused('rejected');
  }
  if (name === 'MailFromDomainNotVerifiedException' || name === 'ConfigurationSetDoesNotExistException')
    return refused('rejected');
  if (name === 'Throttling' || name === 'ThrottlingException' || status === 429) {
    // SES uses one code for both limits; only the message tells the daily quota from the rate.
    if (/daily/i.test(message)) return refused('daily-quota');
    return refused('throttled', true);
  }
  if (PAUSED_ERRORS.has(name)) return refused('sending-paused');
  // A missing or refused key fails in the client before the request goes, or is SES's answer.
  if (CREDENTIAL_ERRORS.has(name) || status === 403) return refused('not-authorized');
  if (REFUSED_CONNECTION.has(socket))
    return { kind: 'unavailable', code: socket, safeToRetry: true, mayHaveBeenSent: false };
  if (NEVER_CONNECTED.has(socket))
    return { kind: 'unavailable', code: socket, safeToRetry: false, mayHaveBeenSent: false };
  // A timeout or reset may come after SES accepted the mail: never retried, so never sent twice.
  if (NETWORK_ERRORS.has(socket) || NETWORK_ERRORS.has(name))
    return { kind: 'unavailable', code: socket || name, safeToRetry: false, mayHaveBeenSent: true };
  if (status !== undefined && status >= 500)
    return { kind: 'unavailable', code: name, safeToRetry: false, mayHaveBeenSent: true };
  // Another 4xx is SES refusing; anything else (an answer that could not be read) may follow a send.
  return {
    kind: 'unknown',
    code: name,
    safeToRetry: false,
    mayHaveBeenSent: status === undefined || status < 400,
  };
}

/** A failure before the request to SES went (loading the client, building the message): nothing was sent. */
export function failureBeforeSending(error: unknown): MailFailure {
  const name = (error as { name?: unknown } | null)?.name;
  return {
    kind: 'unknown',
    code: typeof name === 'string' && name ? name : 'Error',
    safeToRetry: false,
    mayHaveBeenSent: false,
  };
}
