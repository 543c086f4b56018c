// IAM actions on roles: the role, its tags, its trust policy (who may assume it), its permissions boundary and what it is
// allowed (attached and inline policies), listed in pages as IAM lists them. A trust policy that names a user of this account that does not exist is
// refused, as IAM refuses it: IAM stores the user's unique ID in its place.

import { AwsError, type QueryActions } from '../protocol.ts';
import { attachedXml, roleXml, tagsXml } from './answers.ts';
import { inlinePolicyActions } from './inlinePolicies.ts';
import { permissionsBoundaryActions } from './permissionsBoundaries.ts';
import { checkName, checkPolicyDocument, type FakeIam, toTag } from './state.ts';

/** IAM's page size when the caller gives no MaxItems. */
const DEFAULT_PAGE = 100;

function awsPrincipals(document: string): string[] {
  const statements = (JSON.parse(document) as { Statement?: unknown }).Statement;
  return (Array.isArray(statements) ? statements : [statements]).flatMap((statement) => {
    const principal = (statement as { Principal?: unknown } | null)?.Principal;
    const named = principal && typeof principal === 'object' ? (principal as { AWS?: unknown }).AWS : undefined;
    return (Array.isArray(named) ? named : [named]).filter((value): value is string => typeof value === 'string');
  });
}

function checkTrustPolicy(iam: FakeIam, document: string): string {
  checkPolicyDocument(document);
  for (const principal of awsPrincipals(document)) {
    const user = /^arn:[^:]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(principal);
    if (user?.[1] === iam.accountId && !iam.users.has(user[2] ?? ''))
      throw new AwsError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${principal}"`, 400);
  }
  return document;
}

export const ROLE_ACTIONS: QueryActions<FakeIam> = {
  CreateRole: (iam, params) => {
    const name = checkName(params.required('RoleName'), 'roleName');
    const trust = checkTrustPolicy(iam, params.required('AssumeRolePolicyDocument'));
    const tags = params.structures('Tags').map(toTag);
    return { Role: roleXml(iam, iam.addRole(name, trust, params.optional('Path') ?? '/', tags), true) };
  },

  GetRole: (iam, params) => ({ Role: roleXml(iam, iam.role(params.required('RoleName')), true) }),

  TagRole: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    for (const tag of params.structures('Tags').map(toTag)) role.tags.set(tag.Key, tag.Value);
    if (role.tags.size > 50) throw new AwsError('LimitExceeded', 'Cannot exceed quota for TagsPerRole: 50', 409);
    return {};
  },

  ListRoleTags: (iam, params) => ({ Tags: tagsXml(iam.role(params.required('RoleName')).tags), IsTruncated: false }),

  AttachRolePolicy: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    role.attachedPolicies.add(iam.attachablePolicy(params.required('PolicyArn')).arn);
    return {};
  },

  DetachRolePolicy: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    const arn = params.required('PolicyArn');
    if (!role.attachedPolicies.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
    return {};
  },

  ListAttachedRolePolicies: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    return { AttachedPolicies: attachedXml(iam, role.attachedPolicies), IsTruncated: false };
  },

  ...permissionsBoundaryActions('Role', (iam, name) => iam.role(name)),

  ...inlinePolicyActions('Role', (iam, name) => iam.role(name).inlinePolicies),

  // Pages of MaxItems roles; the Marker is where the next page starts, opaque to the caller.
  ListRoles: (iam, params) => {
    const pathPrefix = params.optional('PathPrefix') ?? '/';
    const size = Number(params.optional('MaxItems') ?? DEFAULT_PAGE);
    const start = Number(params.optional('Marker') ?? 0);
    const roles = [...iam.roles.values()].filter((role) => role.path.startsWith(pathPrefix));
    const page = roles.slice(start, start + size);
    const truncated = start + size < roles.length;
    return {
      Roles: page.map((role) => roleXml(iam, role)),
      IsTruncated: truncated,
      ...(truncated ? { Marker: String(start + size) } : {}),
    };
  },

  UpdateAssumeRolePolicy: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    role.assumeRolePolicyDocument = checkTrustPolicy(iam, params.required('PolicyDocument'));
    return {};
  },

  // As IAM: the role's policies must go first (DeleteConflict), and its tags go with it.
  DeleteRole: (iam, params) => {
    const role = iam.role(params.required('RoleName'));
    const conflict = (what: string) => new AwsError('DeleteConflict', `Cannot delete entity, must ${what} first.`, 409);
    if (role.attachedPolicies.size > 0) throw conflict('detach all policies');
    if (role.inlinePolicies.size > 0) throw conflict('delete policies');
    iam.roles.delete(role.name);
    return {};
  },
};
