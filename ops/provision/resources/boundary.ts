// The permissions boundary of the identity this tool hands out (the user, or the hosted role): this
// tool's AlexaSkillMailBoundary (managedPolicies.ts), set once the policy and the identity exist. A
// boundary this tool did not set is refused, never replaced: someone chose it, and its remedy is
// theirs to run. Teardown takes this tool's boundary off first.

import {
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import { SENDER_ROLE_NAME } from '../../../lambda/mail/roleTrustPolicy.ts';
import { change, finding, type PlanItem, Refusal } from '../change.ts';
import type { StepContext } from '../context.ts';
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

async function putBoundary({ aws }: StepContext, identity: BoundedIdentity, arn: string): Promise<void> {
  await aws.iam.change(
    identity.kind === 'user'
      ? new PutUserPermissionsBoundaryCommand({ UserName: identity.name, PermissionsBoundary: arn })
      : new PutRolePermissionsBoundaryCommand({ RoleName: identity.name, PermissionsBoundary: arn }),
  );
}

async function deleteBoundary({ aws }: StepContext, identity: BoundedIdentity): Promise<void> {
  await aws.iam.change(
    identity.kind === 'user'
      ? new DeleteUserPermissionsBoundaryCommand({ UserName: identity.name })
      : new DeleteRolePermissionsBoundaryCommand({ RoleName: identity.name }),
  );
}

function boundaryOf(granted: readonly GrantedPolicy[]): GrantedPolicy {
  const boundary = granted.find((policy) => policy.boundary);
  if (!boundary) throw new Error('Bug: no policy of this run is a permissions boundary.');
  return boundary;
}

/** Before any change: a boundary that is not this tool's stops the run, with the command that removes it. */
export function checkBoundary(
  identity: BoundedIdentity,
  granted: readonly GrantedPolicy[],
  options: ProvisionOptions,
): void {
  const current = identity.permissionsBoundary;
  const ours = boundaryOf(granted);
  if (!current || current === ours.arn) return;
  const { kind, name } = identity;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  const remove = `\`aws iam delete-${kind}-permissions-boundary --${kind}-name ${name}${profile}\``;
  throw new Refusal(
    [finding('boundary', 'refused', `${current} bounds ${name}; this tool sets its own, ${ours.name}`)],
    `${name} has a permissions boundary that this tool did not set (${current}), so nothing was changed; remove it with ${remove}, then run again: the tool sets ${ours.name} in its place.`,
  );
}

/** This tool's boundary on the identity, set when it is not yet. */
export function planBoundary(identity: BoundedIdentity, granted: readonly GrantedPolicy[]): PlanItem[] {
  const { name, arn } = boundaryOf(granted);
  const bounded = `${name} bounds ${identity.name}`;
  if (identity.permissionsBoundary === arn) return [finding('boundary', 'exists', bounded)];
  return [
    change('boundary', 'create', `${name} as the permissions boundary of ${identity.name}`, async (context) => {
      await putBoundary(context, identity, arn);
      return bounded;
    }),
  ];
}

/** Teardown: the boundary off the identity when it is a policy this tool created, before that policy goes. */
export function planBoundaryRemoval(identity: BoundedIdentity, policies: readonly PolicyFound[]): PlanItem[] {
  const policy = policies.find((candidate) => candidate.arn === identity.permissionsBoundary);
  if (!policy?.managed) return [];
  return [
    change(
      'boundary',
      'delete',
      `${policy.name}, the permissions boundary of ${identity.name}`,
      async (context) => void (await deleteBoundary(context, identity)),
    ),
  ];
}
