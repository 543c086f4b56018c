// How the SES stand-in answers a send, named for the command line and replay files
// (`--ses throttling`, `"simulate": {"ses": "hang"}`): accept the mail, fail with the error SES
// really sends (throttling, daily quota, an unverified address, paused sending, a bad key, an
// internal failure), answer malformed XML, answer late, or never answer.

import addressparser from 'nodemailer/lib/addressparser';
import { AwsError } from '../protocol.ts';
import { invalidClientToken, signatureMismatch } from '../signature.ts';

/** The failures SES answers with, named after what went wrong. */
type SesErrorKind =
  | 'throttling'
  | 'daily-quota'
  | 'recipient-not-verified'
  | 'sender-not-verified'
  | 'sending-paused'
  | 'invalid-client-token'
  | 'signature-mismatch'
  | 'internal-failure'
  | 'malformed-xml';

export type SesBehaviour =
  /**
   * Accept the mail; with `delayMs`, answer that long after the request arrived (the mail reaches
   * the outbox at once): however long this machine takes to handle it, the skill waits just that.
   */
  | { readonly kind: 'accept'; readonly delayMs?: number }
  /** Fail with `error`; after `times` failures (when given) accept again. */
  | { readonly kind: 'fail'; readonly error: SesErrorKind; readonly times?: number }
  /** Never answer: the client's own timeout decides. */
  | { readonly kind: 'hang' }
  /** Send the success status and half the body, then go silent: a stall after the headers. */
  | { readonly kind: 'stall' };

export const SES_BEHAVIOURS = {
  accept: { kind: 'accept' },
  slow: { kind: 'accept', delayMs: 1_000 },
  hang: { kind: 'hang' },
  stall: { kind: 'stall' },
  throttling: { kind: 'fail', error: 'throttling' },
  'throttling-once': { kind: 'fail', error: 'throttling', times: 1 },
  'daily-quota': { kind: 'fail', error: 'daily-quota' },
  'recipient-not-verified': { kind: 'fail', error: 'recipient-not-verified' },
  'sender-not-verified': { kind: 'fail', error: 'sender-not-verified' },
  'sending-paused': { kind: 'fail', error: 'sending-paused' },
  'invalid-client-token': { kind: 'fail', error: 'invalid-client-token' },
  'signature-mismatch': { kind: 'fail', error: 'signature-mismatch' },
  'internal-failure': { kind: 'fail', error: 'internal-failure' },
  'malformed-xml': { kind: 'fail', error: 'malformed-xml' },
} as const satisfies Record<string, SesBehaviour>;

export type SesBehaviourName = keyof typeof SES_BEHAVIOURS;

export function isSesBehaviourName(name: string): name is SesBehaviourName {
  return Object.hasOwn(SES_BEHAVIOURS, name);
}

/** The error SES sends for a failure, worded as SES words it for this request (its addresses, its region). */
export function sesError(
  kind: Exclude<SesErrorKind, 'malformed-xml'>,
  form: Readonly<Record<string, string>>,
  region: string,
): AwsError {
  const recipient = form['Destination.ToAddresses.member.1'] ?? form['Destinations.member.1'] ?? '';
  // SES names the identity, the address itself, whatever display name the Source carries.
  const sender = addressparser(form.Source ?? '', { flatten: true })[0]?.address ?? '';
  const notVerified = (address: string) =>
    new AwsError(
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${address}`,
    );
  switch (kind) {
    case 'throttling':
      return new AwsError('Throttling', 'Maximum sending rate exceeded.');
    case 'daily-quota':
      return new AwsError('Throttling', 'Daily message quota exceeded.');
    case 'recipient-not-verified':
      return notVerified(recipient);
    case 'sender-not-verified':
      return notVerified(sender);
    case 'sending-paused':
      return new AwsError(
        'AccountSendingPausedException',
        'Email sending is disabled for your entire Amazon SES account.',
      );
    case 'invalid-client-token':
      return invalidClientToken();
    case 'signature-mismatch':
      return signatureMismatch();
    case 'internal-failure':
      return new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error, exception or failure.',
        500,
        'Receiver',
      );
  }
}
