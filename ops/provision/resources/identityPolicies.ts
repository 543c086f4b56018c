// SES sending-authorization policies on the sender's identities: one that lets AlexaSkillMailSender
// do more than send as the sender refuses the run, since no policy of the user shows such a grant.

import * as SES from '@aws-sdk/client-ses';
import { Refusal, step } from '../change.ts';
import { type Account, profileFlag, type StepContext } from '../context.ts';
import { USER_NAME } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import { MAIL_ACTIONS, namesIn, statementsOf } from '../policyDocument.ts';
import type { UserState } from './user.ts';

export interface IdentityPolicy {
  readonly identity: string;
  readonly name: string;
  readonly document: unknown;
}

export type Statement = Record<string, unknown>;

/** A policy's text as a document; `undefined` when it is not JSON (and so grants who knows what). */
export function parsePolicy(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function readIdentityPolicies({ aws }: StepContext, identities: readonly string[]) {
  const found: IdentityPolicy[] = [];
  for (const Identity of new Set(identities)) {
    const names = (await aws.ses.read(new SES.ListIdentityPoliciesCommand({ Identity }))).PolicyNames ?? [];
    if (names.length === 0) continue;
    const answer = await aws.ses.read(new SES.GetIdentityPoliciesCommand({ Identity, PolicyNames: names }));
    for (const [name, text] of Object.entries(answer.Policies ?? {}))
      found.push({ identity: Identity, name, document: parsePolicy(text) });
  }
  return found;
}

/** Whether a statement's principal may be the user: its ARN or ID, "*", or a NotPrincipal that may leave it in. */
function reachesUser(statement: Statement, names: ReadonlySet<string>): boolean {
  if ('NotPrincipal' in statement) return true;
  if (statement.Principal === '*') return true;
  const aws = namesIn((statement.Principal as { AWS?: unknown } | undefined)?.AWS);
  return aws.some((name) => name === '*' || names.has(name));
}

/**
 * Whether a resource policy lets one of `names` (or anyone) do what `allowed` does not cover; one
 * that cannot be read as a policy counts as doing so.
 */
export function grantsMore(document: unknown, names: ReadonlySet<string>, allowed: (statement: Statement) => boolean) {
  const statements = statementsOf(document);
  return !statements || statements.some((it) => it.Effect !== 'Deny' && reachesUser(it, names) && !allowed(it));
}

/** The statement allows these actions and no other. */
export function onlyActions(statement: Statement, allowed: readonly string[]): boolean {
  const actions = namesIn(statement.Action);
  return !('NotAction' in statement) && actions.length > 0 && actions.every((action) => allowed.includes(action));
}

/** How a resource policy's principal can name the user: its ARN (the expected one before it exists) or unique ID. */
export function userPrincipalNames(user: UserState, account: Account): Set<string> {
  const arn = user.arn ?? `arn:${account.partition}:iam::${account.accountId}:user/${USER_NAME}`;
  return new Set([arn, ...(user.id ? [user.id] : [])]);
}

/** Sending as the sender only, and nothing else: the one grant this tool makes itself. */
function onlyAsTheSender(statement: Statement, fromAddress: string): boolean {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  const from = namesIn(condition?.StringEquals?.['ses:FromAddress']);
  return onlyActions(statement, MAIL_ACTIONS) && from.length > 0 && from.every((address) => address === fromAddress);
}

/** Before any change: each statement that gives the user more than sending as the sender stops the run. */
export function checkIdentityPolicies(
  policies: readonly IdentityPolicy[],
  user: UserState,
  account: Account,
  options: ProvisionOptions,
): void {
  const names = userPrincipalNames(user, account);
  const asTheSender = (statement: Statement) => onlyAsTheSender(statement, options.fromAddress ?? '');
  const flags = ` --region ${options.region}${profileFlag(options)}`;
  const refused = policies
    .filter(({ document }) => grantsMore(document, names, asTheSender))
    .map(({ identity, name }) =>
      step('extra grant').refused(
        `the SES sending-authorization policy ${name} of the identity ${identity} lets ${USER_NAME} (or anyone) send beyond ${MAIL_ACTIONS.join(' and ')} as the sender: remove it with \`aws ses delete-identity-policy --identity ${identity} --policy-name ${name}${flags}\``,
      ),
    );
  if (refused.length === 0) return;
  const one = refused.length === 1;
  throw new Refusal(
    refused,
    `${USER_NAME} could do more than send mail: ${one ? 'one SES identity policy' : `${refused.length} SES identity policies`} that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove ${one ? 'it' : 'them'} with the ${one ? 'command' : 'commands'} shown, then run again.`,
  );
}
