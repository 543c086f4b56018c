// SES sending-authorization policies on the sender's identities (the address, its domain, the
// --domain domain): resource policies that can let AlexaSkillMailSender send as any address of a
// domain, which no identity policy of the user shows. Read on every run; a statement that gives
// the user more than this tool grants (sending as the sender) refuses the run, with the command
// that removes it. The guard's Denies cap such a grant anyway; the refusal makes it seen.

import { GetIdentityPoliciesCommand, ListIdentityPoliciesCommand } from '@aws-sdk/client-ses';
import { type Finding, finding, Refusal } from '../change.ts';
import type { Account, StepContext } from '../context.ts';
import { USER_NAME } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import { MAIL_ACTIONS, namesIn, statementsOf } from '../policyDocument.ts';
import type { UserState } from './user.ts';

export interface IdentityPolicy {
  readonly identity: string;
  readonly name: string;
  readonly document: unknown;
}

export async function readIdentityPolicies(
  { aws }: StepContext,
  identities: readonly string[],
): Promise<IdentityPolicy[]> {
  const found: IdentityPolicy[] = [];
  for (const Identity of new Set(identities)) {
    const names = (await aws.ses.read(new ListIdentityPoliciesCommand({ Identity }))).PolicyNames ?? [];
    if (names.length === 0) continue;
    const answer = await aws.ses.read(new GetIdentityPoliciesCommand({ Identity, PolicyNames: names }));
    for (const [name, text] of Object.entries(answer.Policies ?? {})) {
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        document = undefined;
      }
      found.push({ identity: Identity, name, document });
    }
  }
  return found;
}

/** Whether a statement's principal may be the user: its ARN or ID, "*", or a NotPrincipal that may leave it in. */
export function reachesUser(statement: Record<string, unknown>, names: ReadonlySet<string>): boolean {
  if ('NotPrincipal' in statement) return true;
  const principal = statement.Principal;
  if (principal === '*') return true;
  const aws = namesIn((principal as { AWS?: unknown } | undefined)?.AWS);
  return aws.some((name) => name === '*' || names.has(name));
}

/** How a resource policy's principal can name the user: its ARN (the expected one before it exists) or unique ID. */
export function userPrincipalNames(user: UserState, account: Account): Set<string> {
  const arn = user.arn ?? `arn:${account.partition}:iam::${account.accountId}:user/${USER_NAME}`;
  return new Set([arn, ...(user.id ? [user.id] : [])]);
}

/** Sending as the sender only, and nothing else: the one grant this tool makes itself. */
function onlyAsTheSender(statement: Record<string, unknown>, fromAddress: string): boolean {
  const actions = namesIn(statement.Action);
  if ('NotAction' in statement || actions.length === 0) return false;
  if (!actions.every((action) => (MAIL_ACTIONS as readonly string[]).includes(action))) return false;
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  const from = namesIn(condition?.StringEquals?.['ses:FromAddress']);
  return from.length > 0 && from.every((address) => address === fromAddress);
}

/** Before any change: each statement that gives the user more than sending as the sender stops the run. */
export function checkIdentityPolicies(
  policies: readonly IdentityPolicy[],
  user: UserState,
  account: Account,
  options: ProvisionOptions,
): void {
  const fromAddress = options.fromAddress ?? '';
  const names = userPrincipalNames(user, account);
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  const refused: Finding[] = policies
    .filter(({ document }) => {
      const statements = statementsOf(document);
      if (!statements) return true;
      return statements.some(
        (statement) =>
          statement.Effect !== 'Deny' && reachesUser(statement, names) && !onlyAsTheSender(statement, fromAddress),
      );
    })
    .map(({ identity, name }) =>
      finding(
        'extra grant',
        'refused',
        `the SES sending-authorization policy ${name} of the identity ${identity} lets ${USER_NAME} (or anyone) send beyond ${MAIL_ACTIONS.join(' and ')} as the sender: remove it with \`aws ses delete-identity-policy --identity ${identity} --policy-name ${name} --region ${options.region}${profile}\``,
      ),
    );
  if (refused.length === 0) return;
  const one = refused.length === 1;
  throw new Refusal(
    refused,
    `${USER_NAME} could do more than send mail: ${one ? 'one SES identity policy' : `${refused.length} SES identity policies`} that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove ${one ? 'it' : 'them'} with the ${one ? 'command' : 'commands'} shown, then run again.`,
  );
}
