// The user's permissions boundary: this tool's AlexaSkillMailBoundary (managedPolicies.ts), set
// once the policy and the user exist. A boundary this tool did not set is refused, never replaced:
// someone chose it, and its remedy is theirs to run. Teardown takes this tool's boundary off first.

import { DeleteUserPermissionsBoundaryCommand, PutUserPermissionsBoundaryCommand } from '@aws-sdk/client-iam';
import { change, finding, type PlanItem, Refusal } from '../change.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { USER_NAME } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import type { PolicyFound } from './policies.ts';
import type { UserState } from './user.ts';

function boundaryOf(granted: readonly GrantedPolicy[]): GrantedPolicy {
  const boundary = granted.find((policy) => policy.boundary);
  if (!boundary) throw new Error('Bug: no policy of this run is a permissions boundary.');
  return boundary;
}

/** Before any change: a boundary that is not this tool's stops the run, with the command that removes it. */
export function checkBoundary(user: UserState, granted: readonly GrantedPolicy[], options: ProvisionOptions): void {
  const current = user.permissionsBoundary;
  const ours = boundaryOf(granted);
  if (!current || current === ours.arn) return;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  const remove = `\`aws iam delete-user-permissions-boundary --user-name ${USER_NAME}${profile}\``;
  throw new Refusal(
    [finding('boundary', 'refused', `${current} bounds ${USER_NAME}; this tool sets its own, ${ours.name}`)],
    `${USER_NAME} has a permissions boundary that this tool did not set (${current}), so nothing was changed; remove it with ${remove}, then run again: the tool sets ${ours.name} in its place.`,
  );
}

/** This tool's boundary on the user, set when it is not yet. */
export function planBoundary(user: UserState, granted: readonly GrantedPolicy[]): PlanItem[] {
  const { name, arn } = boundaryOf(granted);
  if (user.permissionsBoundary === arn) return [finding('boundary', 'exists', `${name} bounds ${USER_NAME}`)];
  return [
    change('boundary', 'create', `${name} as the permissions boundary of ${USER_NAME}`, async ({ aws }) => {
      await aws.iam.change(new PutUserPermissionsBoundaryCommand({ UserName: USER_NAME, PermissionsBoundary: arn }));
      return `${name} bounds ${USER_NAME}`;
    }),
  ];
}

/** Teardown: the boundary off the user when it is a policy this tool created, before that policy goes. */
export function planBoundaryRemoval(user: UserState, policies: readonly PolicyFound[]): PlanItem[] {
  const policy = policies.find((candidate) => candidate.arn === user.permissionsBoundary);
  if (!policy?.managed) return [];
  return [
    change(
      'boundary',
      'delete',
      `${policy.name}, the permissions boundary of ${USER_NAME}`,
      async ({ aws }) => void (await aws.iam.change(new DeleteUserPermissionsBoundaryCommand({ UserName: USER_NAME }))),
    ),
  ];
}
