// Whether a role's trust policy lets AlexaSkillMailSender assume the role, and so hands its key
// everything the role may do: within one account, a trust policy that names a user is enough,
// with no policy on the user (AWS's AssumeRole reference).
//
// What counts: an Allow statement for sts:AssumeRole (or an Action pattern or NotAction that
// covers it) whose Principal names the user's ARN or unique ID (IAM shows the ID when it cannot
// map it back to an ARN), or "*" (with or without a Condition: a condition such as
// aws:PrincipalOrgID usually includes the user, and none is evaluated here), or whose NotPrincipal
// leaves the user out. What does not: the account (its root ARN or bare ID), since that only
// delegates to the user's identity policies, which the audit already reads; another account;
// a service or federated principal. A Deny statement without a condition that covers the user
// cancels it, and so does a Deny of "*" whose one condition singles the user out by
// aws:PrincipalArn: the Deny an administrator can write before the user exists, since IAM refuses
// a Principal that names a user it does not know (denyStatement). A document with an Effect other
// than Allow or Deny is read as one that cannot be read: as trusting anyone.

import { namesIn, statementsOf } from './policyDocument.ts';

/** The user as IAM knows it; both are absent while it does not exist yet (only "*" can trust it then). */
export interface TrustedUser {
  readonly arn?: string | undefined;
  readonly id?: string | undefined;
  /** While it does not exist yet: the ARN CreateUser will give it, which aws:PrincipalArn will hold. */
  readonly arnOnceCreated?: string | undefined;
}

/**
 * The statement that denies the user the role whatever else the trust policy says, which IAM
 * accepts even before the user exists.
 */
export function denyStatement(userArn: string): Record<string, unknown> {
  return {
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'sts:AssumeRole',
    Condition: { ArnEquals: { 'aws:PrincipalArn': userArn } },
  };
}

/** How a trust policy reaches the user: by name (ARN or ID), or as one of everyone. */
export type TrustReach = { readonly by: 'name' | 'everyone'; readonly reason: string };

const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * Whether `text` matches `pattern`, where * stands for any run of characters and ? for one. One
 * pass that goes back only to the last *, so a pattern of many *s costs at most pattern × text
 * steps, where a RegExp of `.*`s backtracks exponentially.
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  let at = 0;
  let from = 0;
  let star = -1;
  let afterStar = 0;
  while (from < text.length) {
    if (at < pattern.length && (pattern[at] === '?' || pattern[at] === text[from])) {
      at++;
      from++;
    } else if (pattern[at] === '*') {
      star = at++;
      afterStar = from;
    } else if (star >= 0) {
      at = star + 1;
      from = ++afterStar;
    } else {
      return false;
    }
  }
  while (pattern[at] === '*') at++;
  return at === pattern.length;
}

/** IAM matches actions case-insensitively, with * and ? as wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern.toLowerCase(), action.toLowerCase());
}

function coversAssumeRole(statement: Record<string, unknown>): boolean {
  if ('NotAction' in statement) return !namesIn(statement.NotAction).some((name) => actionMatches(name, ASSUME_ROLE));
  return namesIn(statement.Action).some((name) => actionMatches(name, ASSUME_ROLE));
}

/** The AWS principals of a Principal or NotPrincipal element; "*" alone means every principal. */
function awsPrincipals(element: unknown): string[] {
  if (element === '*') return ['*'];
  if (!element || typeof element !== 'object') return [];
  return namesIn((element as { AWS?: unknown }).AWS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The six parts of an ARN: the resource keeps any colons of its own. */
function arnParts(arn: string): string[] {
  const parts = arn.split(':');
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

// The operators that compare aws:PrincipalArn with the user's ARN, and how. The Arn ones match
// each of the six parts on its own, wildcards included, so a * never reaches across a colon.
const ARN_COMPARISONS: Record<string, (value: string, arn: string) => boolean> = {
  StringEquals: (value, arn) => value === arn,
  StringLike: (value, arn) => wildcardMatches(value, arn),
  ArnEquals: (value, arn) => arnMatches(value, arn),
  ArnLike: (value, arn) => arnMatches(value, arn),
};

function arnMatches(pattern: string, arn: string): boolean {
  const wanted = arnParts(pattern);
  const parts = arnParts(arn);
  return pattern.split(':').length >= 6 && wanted.every((part, index) => wildcardMatches(part, parts[index] ?? ''));
}

/**
 * Whether a Condition holds for the user and nothing else decides it: exactly one operator of
 * ARN_COMPARISONS with exactly one key, aws:PrincipalArn (keys are case-insensitive), one of
 * whose values matches the user's ARN. Any other condition may not apply, so it cancels nothing.
 */
function singlesOut(condition: unknown, arn: string): boolean {
  if (!isRecord(condition)) return false;
  const operators = Object.entries(condition);
  const [operator, block] = operators[0] ?? [];
  const compare = operator === undefined ? undefined : ARN_COMPARISONS[operator];
  if (operators.length !== 1 || !compare || !isRecord(block)) return false;
  const keys = Object.entries(block);
  const [key, values] = keys[0] ?? [];
  if (keys.length !== 1 || key?.toLowerCase() !== 'aws:principalarn') return false;
  return namesIn(values).some((value) => compare(value, arn));
}

/** Whether a statement is a Deny of sts:AssumeRole that applies to the user whatever the request. */
function deniesUser(statement: Record<string, unknown>, user: TrustedUser, userName: string): boolean {
  if (statement.Effect !== 'Deny' || !coversAssumeRole(statement)) return false;
  const principals = awsPrincipals(statement.Principal);
  if (!('Condition' in statement)) return reachIn(principals, user, userName) !== undefined;
  const arn = user.arn ?? user.arnOnceCreated;
  return principals.includes('*') && arn !== undefined && singlesOut(statement.Condition, arn);
}

/** How one principal list reaches the user, if it does. */
function reachIn(principals: readonly string[], user: TrustedUser, userName: string): TrustReach | undefined {
  if (user.arn && principals.includes(user.arn)) return { by: 'name', reason: `names ${userName}'s ARN` };
  if (user.id && principals.includes(user.id))
    return { by: 'name', reason: `names ${userName}'s unique ID ${user.id}` };
  if (principals.includes('*')) return { by: 'everyone', reason: 'trusts every AWS principal ("*")' };
  return undefined;
}

/** How the trust policy lets the user assume the role; `undefined` when it does not. */
export function trustReach(document: unknown, user: TrustedUser, userName: string): TrustReach | undefined {
  const statements = statementsOf(document);
  if (!statements) return { by: 'everyone', reason: 'could not be read, so it is taken to trust anyone' };
  // IAM accepts only these two; any other is read as an unreadable document is.
  if (statements.some((statement) => statement.Effect !== 'Allow' && statement.Effect !== 'Deny'))
    return { by: 'everyone', reason: 'has an Effect other than "Allow" or "Deny", so it is taken to trust anyone' };
  if (statements.some((statement) => deniesUser(statement, user, userName))) return undefined;
  for (const statement of statements) {
    if (statement.Effect === 'Deny' || !coversAssumeRole(statement)) continue;
    if ('NotPrincipal' in statement) {
      if (!reachIn(awsPrincipals(statement.NotPrincipal), user, userName))
        return { by: 'everyone', reason: 'trusts every principal its NotPrincipal does not name' };
      continue;
    }
    const reach = reachIn(awsPrincipals(statement.Principal), user, userName);
    if (!reach) continue;
    if (reach.by === 'everyone' && 'Condition' in statement)
      return { by: 'everyone', reason: `${reach.reason} under a condition this check does not evaluate` };
    return reach;
  }
  return undefined;
}
