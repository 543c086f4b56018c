// How IAM shapes the entities it answers with: the members of a User, Policy, PolicyVersion,
// Group, Role, an attached-policy entry and a tag list, as the Query protocol serializes them.

import type { XmlValue } from '../protocol.ts';
import type { FakeGroup, FakeIam, FakePolicy, FakePolicyVersion, FakeRole, FakeUser } from './state.ts';

export function tagsXml(tags: Map<string, string>): XmlValue[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

function boundaryXml(arn: string | undefined): Record<string, XmlValue> {
  return arn ? { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } } : {};
}

export function userXml(iam: FakeIam, user: FakeUser): Record<string, XmlValue> {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: iam.userArn(user.name, user.path),
    CreateDate: user.createDate,
    ...boundaryXml(user.permissionsBoundary),
    ...(user.tags.size > 0 ? { Tags: tagsXml(user.tags) } : {}),
  };
}

export function policyXml(iam: FakeIam, policy: FakePolicy): Record<string, XmlValue> {
  return {
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: iam.attachedEntityCount(policy.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
    ...(policy.tags.size > 0 ? { Tags: tagsXml(policy.tags) } : {}),
  };
}

export function versionXml(
  policy: FakePolicy,
  version: FakePolicyVersion,
  withDocument: boolean,
): Record<string, XmlValue> {
  return {
    // IAM answers documents URL-encoded (RFC 3986).
    Document: withDocument ? encodeURIComponent(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: policy.defaultVersionId === version.versionId,
    CreateDate: version.createDate,
  };
}

export function groupXml(iam: FakeIam, group: FakeGroup): Record<string, XmlValue> {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: iam.groupArn(group.name, group.path),
    CreateDate: group.createDate,
  };
}

export function roleXml(iam: FakeIam, role: FakeRole, withTags = false): Record<string, XmlValue> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: iam.roleArn(role.name, role.path),
    CreateDate: role.createDate,
    // URL-encoded (RFC 3986), as policy documents are.
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    MaxSessionDuration: 3600,
    // GetRole answers the role's boundary and tags with it; ListRoles leaves them out (IAM's Role data type).
    ...(withTags ? boundaryXml(role.permissionsBoundary) : {}),
    ...(withTags && role.tags.size > 0 ? { Tags: tagsXml(role.tags) } : {}),
  };
}

/** The AttachedPolicies list of ListAttachedUserPolicies and ListAttachedGroupPolicies. */
export function attachedXml(iam: FakeIam, arns: Set<string>): XmlValue[] {
  return [...arns].map((arn) => ({
    PolicyName: iam.policies.get(arn)?.name ?? arn.split('/').pop(),
    PolicyArn: arn,
  }));
}
