// SigV4 checked the way AWS checks it: the signature is computed again with the SDK's own
// signer and the secret of the key the request names, and a missing, unknown or wrong one is
// refused with AWS's own error. The fake AWS account and the SES stand-in authenticate here.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from './protocol.ts';

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The secret of a key the stand-in honours; undefined for a key it never issued (or no longer honours). */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** What the credential scope of a SigV4 Authorization header names. */
interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string;
  /** The signing name: iam, ses (or email), sts … */
  readonly service: string;
}

export function keyring(keys: readonly AccessKey[]): SecretLookup {
  const secrets = new Map(keys.map((key) => [key.accessKeyId, key.secretAccessKey]));
  return (accessKeyId) => secrets.get(accessKeyId);
}

// AWS4-HMAC-SHA256 Credential=KEY/20240101/us-east-1/ses/aws4_request, SignedHeaders=host;x-amz-date, Signature=<hex>
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const missingToken = () => new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
const incomplete = (why: string) => new AwsError('IncompleteSignature', why, 403);
export const invalidClientToken = () =>
  new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
export const signatureMismatch = () =>
  new AwsError(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    403,
  );

/** The key, region and service a request claims to be signed for; undefined when it is not signed at all. */
export function credentialScope(request: IncomingMessage): CredentialScope | undefined {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const [, accessKeyId = '', , region = '', service = ''] = match;
  return { accessKeyId, region, service };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function signingDate(request: IncomingMessage): Date {
  const parts = AMZ_DATE.exec(header(request, 'x-amz-date') ?? '');
  if (!parts) throw incomplete("Authorization header requires existence of a valid 'X-Amz-Date' header.");
  const [, year, month, day, hours, minutes, seconds] = parts.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds));
}

/**
 * Authenticates a request as AWS does and returns who signed it, or throws the AwsError AWS
 * answers: MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId (a key it does
 * not know) or SignatureDoesNotMatch (the wrong secret, or a request changed after signing).
 */
export async function verifySignature(
  request: IncomingMessage,
  body: Uint8Array,
  secretOf: SecretLookup,
): Promise<CredentialScope> {
  const authorization = request.headers.authorization;
  if (!authorization) throw missingToken();
  const match = AUTHORIZATION.exec(authorization);
  if (!match) throw incomplete(`Authorization header is not a valid AWS4-HMAC-SHA256 signature: ${authorization}`);
  const [, accessKeyId = '', , region = '', service = '', signedHeaderList = '', claimed = ''] = match;
  const secretAccessKey = secretOf(accessKeyId);
  if (secretAccessKey === undefined) throw invalidClientToken();

  const signedHeaders = signedHeaderList.split(';');
  // The signer trusts a payload hash given in this header; AWS checks it against the body.
  const claimedPayloadHash = header(request, 'x-amz-content-sha256');
  if (claimedPayloadHash !== undefined && claimedPayloadHash !== createHash('sha256').update(body).digest('hex'))
    throw signatureMismatch();
  const url = new URL(request.url ?? '/', `http://${header(request, 'host') ?? 'localhost'}`);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service,
    sha256: Sha256,
    // Adds no header of its own: the headers signed are exactly the ones the request lists.
    applyChecksum: false,
  });
  const expected = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers: Object.fromEntries(signedHeaders.map((name) => [name, header(request, name) ?? ''])),
      body,
    },
    { signingDate: signingDate(request), signableHeaders: new Set(signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]{64})$/.exec(expected.headers.authorization ?? '')?.[1] ?? '';
  if (computed.length !== claimed.length || !timingSafeEqual(Buffer.from(computed), Buffer.from(claimed)))
    throw signatureMismatch();
  return { accessKeyId, region, service };
}
