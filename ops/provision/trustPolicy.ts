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
// cancels it. A document with an Effect other than Allow or Deny is read as one that cannot be
// read: as trusting anyone.

import { namesIn, statementsOf } from './policyDocument.ts';

/** The user as IAM knows it; both are absent while it does not exist yet (only "*" can trust it then). */
export interface TrustedUser {
  readonly arn?: string | undefined;
  readonly id?: string | undefined;
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
  const denied = statements.some(
    (statement) =>
      statement.Effect === 'Deny' &&
      !('Condition' in statement) &&
      coversAssumeRole(statement) &&
      reachIn(awsPrincipals(statement.Principal), user, userName) !== undefined,
  );
  if (denied) return undefined;
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
