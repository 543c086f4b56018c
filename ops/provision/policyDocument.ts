// The AlexaSkillMailAccess policy document: built here and only here, so the script
// that creates it and the tests that evaluate it in an IAM simulator see the same JSON;
// and how any document IAM answers is read: decoded, compared, and what it allows.

/** The only actions the skill needs. (The article this project starts from writes `ses:SendMail`: no such action exists.) */
export const MAIL_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'] as const;

const SENDER_ONLY_SID = 'SendMailFromTheSkillSenderOnly';
const ANY_SENDER_SID = 'SendMailFromAnyIdentity';

interface MailAccessPolicyInput {
  readonly partition?: string;
  readonly region: string;
  readonly accountId: string;
  /** The sender address (SES_FROM_ADDRESS). */
  readonly fromAddress: string;
  /** Also allow the domain identity: when the sender's domain, not the address, is what SES verified. */
  readonly domainIdentity?: boolean;
  /**
   * The domain identity the sender sends as (`--domain`), verified with Easy DKIM: the resource
   * instead of the address identity, unless SES also verified the address on its own.
   */
  readonly sendingDomain?: { readonly domain: string; readonly addressVerified: boolean };
  /**
   * The configuration set every send names (SES_CONFIGURATION_SET): AWS also checks the set's ARN
   * when a send names one, so it is a resource too; a send naming another set is refused.
   */
  readonly configurationSet?: string;
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
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: readonly string[];
  /** A guard's Deny of every action but these (guardPolicyDocument.ts). */
  readonly NotAction?: readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  /** Operator → condition key → value(s), as IAM writes it. */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

type SesLocation = Pick<MailAccessPolicyInput, 'partition' | 'region' | 'accountId'>;

const sesArn = ({ partition = 'aws', region, accountId }: SesLocation, resource: string) =>
  `arn:${partition}:ses:${region}:${accountId}:${resource}`;

export function sesIdentityArn(location: SesLocation, identity: string): string {
  return sesArn(location, `identity/${identity}`);
}

/** The ARN AWS checks, beside the identity's, when a send names a configuration set. */
export function configurationSetArn(location: SesLocation, name: string): string {
  return sesArn(location, `configuration-set/${name}`);
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Least privilege: the two actions the skill calls, on the sender's SES identity (and the
 * configuration set it names, if any), with the sender as From.
 */
export function buildMailAccessPolicy(input: MailAccessPolicyInput): PolicyDocument {
  if (input.anySender) {
    return {
      Version: '2012-10-17',
      Statement: [{ Sid: ANY_SENDER_SID, Effect: 'Allow', Action: [...MAIL_ACTIONS], Resource: '*' }],
    };
  }
  const identities: string[] = [];
  const sending = input.sendingDomain;
  if (!sending || sending.addressVerified) identities.push(input.fromAddress);
  if (sending) identities.push(sending.domain);
  else if (input.domainIdentity) identities.push(domainOf(input.fromAddress));
  for (const recipient of input.recipientIdentities ?? [])
    if (!identities.includes(recipient)) identities.push(recipient);
  const resources = identities.map((identity) => sesIdentityArn(input, identity));
  if (input.configurationSet) resources.push(configurationSetArn(input, input.configurationSet));
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: SENDER_ONLY_SID,
        Effect: 'Allow',
        Action: [...MAIL_ACTIONS],
        Resource: resources,
        Condition: { StringEquals: { 'ses:FromAddress': input.fromAddress } },
      },
    ],
  };
}

/**
 * Whether a document is one that buildMailAccessPolicy writes for some sender of this account:
 * an earlier run's document, which a later run may delete from the policy's versions. It says
 * nothing of which sender: only that the version could come from this tool.
 */
export function isMailAccessDocument(
  document: unknown,
  account: { readonly partition: string; readonly accountId: string },
): boolean {
  const { Version, Statement: statements } = (document ?? {}) as { Version?: unknown; Statement?: unknown };
  if (Version !== '2012-10-17' || !Array.isArray(statements) || statements.length !== 1) return false;
  if (Object.keys(document as object).length !== 2) return false;
  const statement = statements[0] as Record<string, unknown>;
  const sameActions = samePolicyDocument(statement.Action, [...MAIL_ACTIONS]);
  if (statement.Effect !== 'Allow' || !sameActions) return false;
  if (statement.Sid === ANY_SENDER_SID) return statement.Resource === '*' && Object.keys(statement).length === 4;
  const sesArn = new RegExp(
    `^arn:${account.partition}:ses:[a-z0-9-]+:${account.accountId}:(identity|configuration-set)/[^*?]+$`,
  );
  const resources = statement.Resource;
  const condition = statement.Condition as { StringEquals?: Record<string, unknown> } | undefined;
  return (
    statement.Sid === SENDER_ONLY_SID &&
    Object.keys(statement).length === 5 &&
    Array.isArray(resources) &&
    resources.length > 0 &&
    resources.every((resource) => typeof resource === 'string' && sesArn.test(resource)) &&
    condition !== undefined &&
    Object.keys(condition).length === 1 &&
    Object.keys(condition.StringEquals ?? {}).join() === 'ses:FromAddress' &&
    typeof condition.StringEquals?.['ses:FromAddress'] === 'string'
  );
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

/** A document's statements (one given as an object included); `undefined` when it cannot be read. */
export function statementsOf(document: unknown): Record<string, unknown>[] | undefined {
  const statement = (document as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statement) ? statement : statement ? [statement] : undefined;
  return list?.every((item) => item && typeof item === 'object') ? (list as Record<string, unknown>[]) : undefined;
}

/** The strings of a policy element that is one string or a list of them. */
export function namesIn(value: unknown): string[] {
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
