// The AlexaSkillMailAccess policy document: built here and only here, so the script
// that creates it and the tests that evaluate it in an IAM simulator see the same JSON;
// and how any document IAM answers is read: decoded, compared, and what it allows.

/** The only actions the skill needs. (The article this project starts from writes `ses:SendMail`: no such action exists.) */
export const MAIL_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'] as const;

interface MailAccessPolicyInput {
  readonly partition?: string;
  readonly region: string;
  readonly accountId: string;
  /** The sender address (SES_FROM_ADDRESS). */
  readonly fromAddress: string;
  /** Also allow the domain identity: when the sender's domain, not the address, is what SES verified. */
  readonly domainIdentity?: boolean;
  /**
   * Recipient identities to allow as resources too. In the SES sandbox, SES also checks the
   * sending permission against each (verified) recipient's identity.
   */
  readonly recipientIdentities?: readonly string[];
  /** Relax the policy to any identity and any From address (`--any-sender`). */
  readonly anySender?: boolean;
}

interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: { readonly StringEquals: { readonly 'ses:FromAddress': string } };
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function sesIdentityArn(
  input: Pick<MailAccessPolicyInput, 'partition' | 'region' | 'accountId'>,
  identity: string,
): string {
  return `arn:${input.partition ?? 'aws'}:ses:${input.region}:${input.accountId}:identity/${identity}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Least privilege: the two actions the skill calls, on the sender's SES identity, with the sender as From. */
export function buildMailAccessPolicy(input: MailAccessPolicyInput): PolicyDocument {
  if (input.anySender) {
    return {
      Version: '2012-10-17',
      Statement: [{ Sid: 'SendMailFromAnyIdentity', Effect: 'Allow', Action: [...MAIL_ACTIONS], Resource: '*' }],
    };
  }
  const identities = [input.fromAddress];
  if (input.domainIdentity) identities.push(domainOf(input.fromAddress));
  for (const recipient of input.recipientIdentities ?? [])
    if (!identities.includes(recipient)) identities.push(recipient);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SendMailFromTheSkillSenderOnly',
        Effect: 'Allow',
        Action: [...MAIL_ACTIONS],
        Resource: identities.map((identity) => sesIdentityArn(input, identity)),
        Condition: { StringEquals: { 'ses:FromAddress': input.fromAddress } },
      },
    ],
  };
}

/** Same meaning, regardless of key order or whitespace (IAM answers its own formatting). */
export function samePolicyDocument(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A document as IAM answers it: URL-encoded JSON (RFC 3986); `undefined` when it cannot be read. */
export function decodePolicyDocument(encoded: string | undefined): unknown {
  if (!encoded) return undefined;
  try {
    return JSON.parse(decodeURIComponent(encoded));
  } catch {
    return undefined;
  }
}

function statementsOf(document: unknown): Record<string, unknown>[] | undefined {
  const statement = (document as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statement) ? statement : statement ? [statement] : undefined;
  return list?.every((item) => item && typeof item === 'object') ? (list as Record<string, unknown>[]) : undefined;
}

function namesIn(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/**
 * What a document allows, in a few words ("iam:*", "*", "s3:GetObject, s3:PutObject and 3 more",
 * "everything except iam:*"), or `undefined` when it allows nothing: a document of Deny statements
 * only takes permissions away. A document that cannot be read is taken to allow anything.
 */
export function describeAllowed(document: unknown): string | undefined {
  const statements = statementsOf(document);
  if (!statements) return 'anything (its document could not be read)';
  const allowing = statements.filter((statement) => statement.Effect !== 'Deny');
  if (allowing.length === 0) return undefined;
  const actions = [...new Set(allowing.flatMap((statement) => namesIn(statement.Action)))];
  const except = [...new Set(allowing.flatMap((statement) => namesIn(statement.NotAction)))];
  const shown = actions.includes('*') ? ['*'] : actions;
  const listed = shown.length > 3 ? `${shown.slice(0, 3).join(', ')} and ${shown.length - 3} more` : shown.join(', ');
  const parts = [listed, except.length > 0 ? `everything except ${except.join(', ')}` : ''].filter(Boolean);
  return parts.join(', and ') || 'anything';
}
