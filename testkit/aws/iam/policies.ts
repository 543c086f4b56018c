// IAM actions on customer managed policies: the policy, its versions and tags, and who it is attached to.

import { AwsError, type QueryActions } from '../protocol.ts';
import { policyXml, tagsXml, versionXml } from './answers.ts';
import { checkName, type FakeIam, isAwsManaged, toTag } from './state.ts';

export const POLICY_ACTIONS: QueryActions<FakeIam> = {
  GetPolicy: (iam, params) => ({ Policy: policyXml(iam, iam.policy(params.required('PolicyArn'))) }),

  // Scope Local: the account's own policies; AWS: AWS's; All (IAM's default): both. In one page.
  ListPolicies: (iam, params) => {
    const scope = params.optional('Scope') ?? 'All';
    const pathPrefix = params.optional('PathPrefix') ?? '/';
    const onlyAttached = params.optional('OnlyAttached') === 'true';
    const policies = [...iam.policies.values()].filter((policy) => {
      const awsManaged = isAwsManaged(policy.arn);
      return (
        (scope === 'All' || (scope === 'AWS') === awsManaged) &&
        policy.path.startsWith(pathPrefix) &&
        (!onlyAttached || iam.attachedEntityCount(policy.arn) > 0)
      );
    });
    return { Policies: policies.map((policy) => policyXml(iam, policy)), IsTruncated: false };
  },

  CreatePolicy: (iam, params) => {
    const name = checkName(params.required('PolicyName'), 'policyName');
    const description = params.optional('Description');
    const policy = iam.addPolicy(name, params.required('PolicyDocument'), {
      tags: params.structures('Tags').map(toTag),
      path: params.optional('Path') ?? '/',
      ...(description ? { description } : {}),
    });
    return { Policy: policyXml(iam, policy) };
  },

  DeletePolicy: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    if (iam.attachedEntityCount(policy.arn) > 0)
      throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
    if (policy.versions.length > 1) {
      throw new AwsError(
        'DeleteConflict',
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        409,
      );
    }
    iam.policies.delete(policy.arn);
    return {};
  },

  TagPolicy: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    for (const tag of params.structures('Tags').map(toTag)) policy.tags.set(tag.Key, tag.Value);
    if (policy.tags.size > 50) throw new AwsError('LimitExceeded', 'Cannot exceed quota for TagsPerPolicy: 50', 409);
    return {};
  },

  ListPolicyTags: (iam, params) => ({
    Tags: tagsXml(iam.policy(params.required('PolicyArn')).tags),
    IsTruncated: false,
  }),

  GetPolicyVersion: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    return { PolicyVersion: versionXml(policy, iam.policyVersion(policy, params.required('VersionId')), true) };
  },

  ListPolicyVersions: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    return {
      Versions: [...policy.versions].reverse().map((version) => versionXml(policy, version, false)),
      IsTruncated: false,
    };
  },

  CreatePolicyVersion: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    const setAsDefault = params.optional('SetAsDefault') === 'true';
    const version = iam.addPolicyVersion(policy.arn, params.required('PolicyDocument'), setAsDefault);
    return { PolicyVersion: versionXml(policy, version, false) };
  },

  DeletePolicyVersion: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    const version = iam.policyVersion(policy, params.required('VersionId'));
    if (policy.defaultVersionId === version.versionId)
      throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.', 409);
    policy.versions.splice(policy.versions.indexOf(version), 1);
    return {};
  },

  ListEntitiesForPolicy: (iam, params) => {
    const policy = iam.policy(params.required('PolicyArn'));
    return {
      PolicyUsers: [...iam.users.values()]
        .filter((user) => user.attachedPolicies.has(policy.arn))
        .map((user) => ({ UserName: user.name, UserId: user.id })),
      PolicyGroups: [...iam.groups.values()]
        .filter((group) => group.attachedPolicies.has(policy.arn))
        .map((group) => ({ GroupName: group.name, GroupId: group.id })),
      PolicyRoles: [...iam.roles.values()]
        .filter((role) => role.attachedPolicies.has(policy.arn))
        .map((role) => ({ RoleName: role.name, RoleId: role.id })),
      IsTruncated: false,
    };
  },
};
