// The permissions boundary (AlexaSkillMailBoundary) of the user or the hosted role: set by this tool,
// and one it did not set is refused, never replaced, since someone chose it. Teardown takes it off.

import * as IAM from '@aws-sdk/client-iam';
import { SENDER_ROLE_NAME } from '../../../lambda/mail/roleTrustPolicy.ts';
import { iam, type PlanItem, Refusal, step } from '../change.ts';
import { profileFlag } from '../context.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { USER_NAME } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import type { PolicyFound } from './policies.ts';
import type { RoleState } from './role.ts';
import type { UserState } from './user.ts';

/** The user or the role, as far as its boundary goes: IAM has one call per kind of identity. */
export interface BoundedIdentity {
  readonly kind: 'user' | 'role';
  readonly name: string;
  readonly permissionsBoundary?: string | undefined;
}

export const userIdentity = (user: UserState): BoundedIdentity => ({
  kind: 'user',
  name: USER_NAME,
  permissionsBoundary: user.permissionsBoundary,
});

export const roleIdentity = (role: RoleState): BoundedIdentity => ({
  kind: 'role',
  name: SENDER_ROLE_NAME,
  permissionsBoundary: role.permissionsBoundary,
});

const BOUNDARY = step('boundary');

function boundaryOf(granted: readonly GrantedPolicy[]): GrantedPolicy {
  const boundary = granted.find((policy) => policy.boundary);
  if (!boundary) throw new Error('Bug: no policy of this run is a permissions boundary.');
  return boundary;
}

/** Before any change: a boundary that is not this tool's stops the run, with the command that removes it. */
export function checkBoundary(identity: BoundedIdentity, granted: readonly GrantedPolicy[], options: ProvisionOptions) {
  const { kind, name, permissionsBoundary: current } = identity;
  const ours = boundaryOf(granted);
  if (!current || current === ours.arn) return;
  const remove = `\`aws iam delete-${kind}-permissions-boundary --${kind}-name ${name}${profileFlag(options)}\``;
  throw new Refusal(
    [BOUNDARY.refused(`${current} bounds ${name}; this tool sets its own, ${ours.name}`)],
    `${name} has a permissions boundary that this tool did not set (${current}), so nothing was changed; remove it with ${remove}, then run again: the tool sets ${ours.name} in its place.`,
  );
}

/** This tool's boundary on the identity, set when it is not yet. */
export function planBoundary(
  { kind, name: to, permissionsBoundary }: BoundedIdentity,
  granted: readonly GrantedPolicy[],
) {
  const { name, arn } = boundaryOf(granted);
  const bounded = `${name} bounds ${to}`;
  if (permissionsBoundary === arn) return [BOUNDARY.exists(bounded)];
  const put =
    kind === 'user'
      ? new IAM.PutUserPermissionsBoundaryCommand({ UserName: to, PermissionsBoundary: arn })
      : new IAM.PutRolePermissionsBoundaryCommand({ RoleName: to, PermissionsBoundary: arn });
  return [BOUNDARY.create(`${name} as the permissions boundary of ${to}`, iam(put), bounded)];
}

/** Teardown: the boundary off the identity when it is a policy this tool created, before that policy goes. */
export function planBoundaryRemoval(identity: BoundedIdentity, policies: readonly PolicyFound[]): PlanItem[] {
  const policy = policies.find((candidate) => candidate.arn === identity.permissionsBoundary);
  if (!policy?.managed) return [];
  const { kind, name } = identity;
  const remove =
    kind === 'user'
      ? new IAM.DeleteUserPermissionsBoundaryCommand({ UserName: name })
      : new IAM.DeleteRolePermissionsBoundaryCommand({ RoleName: name });
  return [BOUNDARY.delete(`${policy.name}, the permissions boundary of ${name}`, iam(remove))];
}
