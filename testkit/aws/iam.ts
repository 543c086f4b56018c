// The in-memory IAM of the tests: users, managed policies with their versions, groups,
// attachments, access keys (with when each last signed a request), login profiles and
// tags, answering the actions the provisioning script uses with IAM's own error codes,
// statuses and messages.

import { randomBytes } from 'node:crypto';
import { AwsError, type QueryParams, type XmlValue } from './protocol.ts';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

const MAX_ACCESS_KEYS = 2;
const MAX_POLICY_VERSIONS = 5;
const NAME = /^[\w+=,.@-]{1,128}$/;

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface FakeAccessKey {
  readonly accessKeyId: string;
  /** Kept so tests can prove the secret appears in no output; never answered except by CreateAccessKey. */
  readonly secretAccessKey: string;
  status: 'Active' | 'Inactive';
  readonly createDate: Date;
  /** The last request this key signed, as GetAccessKeyLastUsed reports it; absent until then. */
  lastUsed?: KeyUse;
}

export interface KeyUse {
  readonly date: Date;
  /** The service namespace the request went to (iam, ses, sts). */
  readonly service: string;
  readonly region: string;
}

export interface FakeUser {
  readonly name: string;
  readonly id: string;
  readonly path: string;
  readonly createDate: Date;
  readonly tags: Map<string, string>;
  readonly attachedPolicies: Set<string>;
  readonly accessKeys: FakeAccessKey[];
  loginProfile: boolean;
}

export interface FakePolicyVersion {
  readonly versionId: string;
  /** As sent: IAM stores the JSON text and answers it URL-encoded. */
  readonly document: string;
  readonly createDate: Date;
}

export interface FakePolicy {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly path: string;
  readonly description: string | undefined;
  readonly createDate: Date;
  updateDate: Date;
  defaultVersionId: string;
  readonly versions: FakePolicyVersion[];
  nextVersion: number;
  readonly tags: Map<string, string>;
}

export interface FakeGroup {
  readonly name: string;
  readonly id: string;
  readonly path: string;
  readonly createDate: Date;
  readonly members: Set<string>;
  readonly attachedPolicies: Set<string>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  return prefix + Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('');
}

export class FakeIam {
  readonly users = new Map<string, FakeUser>();
  readonly policies = new Map<string, FakePolicy>();
  readonly groups = new Map<string, FakeGroup>();

  constructor(
    readonly accountId: string,
    private readonly partition = 'aws',
  ) {}

  userArn(name: string, path = '/'): string {
    return `arn:${this.partition}:iam::${this.accountId}:user${path}${name}`;
  }

  policyArn(name: string, path = '/'): string {
    return `arn:${this.partition}:iam::${this.accountId}:policy${path}${name}`;
  }

  groupArn(name: string, path = '/'): string {
    return `arn:${this.partition}:iam::${this.accountId}:group${path}${name}`;
  }

  /** The user owning an active access key, for authenticating requests signed with it. */
  ownerOfKey(accessKeyId: string): FakeUser | undefined {
    const found = this.findAccessKey(accessKeyId);
    return found?.key.status === 'Active' ? found.user : undefined;
  }

  /** Notes that a request signed with this key was authenticated, as IAM's last-used tracking does. */
  recordKeyUse(accessKeyId: string, use: KeyUse): void {
    const key = this.findAccessKey(accessKeyId)?.key;
    if (key) key.lastUsed = use;
  }

  private findAccessKey(accessKeyId: string): { user: FakeUser; key: FakeAccessKey } | undefined {
    for (const user of this.users.values()) {
      const key = user.accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId);
      if (key) return { user, key };
    }
    return undefined;
  }

  // ---- arrangement helpers for tests (what an administrator might have done by hand) ----

  addUser(name: string, options: { tags?: Tag[]; loginProfile?: boolean } = {}): FakeUser {
    const user: FakeUser = {
      name,
      id: randomId('AIDA', 17),
      path: '/',
      createDate: new Date(),
      tags: new Map((options.tags ?? []).map((tag) => [tag.Key, tag.Value])),
      attachedPolicies: new Set(),
      accessKeys: [],
      loginProfile: options.loginProfile ?? false,
    };
    this.users.set(name, user);
    return user;
  }

  addAccessKey(userName: string): FakeAccessKey {
    const user = this.user(userName);
    if (user.accessKeys.length >= MAX_ACCESS_KEYS)
      throw new AwsError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS}`, 409);
    const key: FakeAccessKey = {
      accessKeyId: randomId('AKIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      status: 'Active',
      createDate: new Date(),
    };
    user.accessKeys.push(key);
    return key;
  }

  addPolicy(
    name: string,
    document: string,
    options: { tags?: Tag[]; path?: string; description?: string | undefined } = {},
  ): FakePolicy {
    const path = options.path ?? '/';
    const arn = this.policyArn(name, path);
    if ([...this.policies.values()].some((policy) => policy.name === name)) {
      throw new AwsError(
        'EntityAlreadyExists',
        `A policy called ${name} already exists. Duplicate names are not allowed.`,
        409,
      );
    }
    checkPolicyDocument(document);
    const now = new Date();
    const policy: FakePolicy = {
      name,
      id: randomId('ANPA', 17),
      arn,
      path,
      description: options.description,
      createDate: now,
      updateDate: now,
      defaultVersionId: 'v1',
      versions: [{ versionId: 'v1', document, createDate: now }],
      nextVersion: 2,
      tags: new Map((options.tags ?? []).map((tag) => [tag.Key, tag.Value])),
    };
    this.policies.set(arn, policy);
    return policy;
  }

  /** Adds a version the way CreatePolicyVersion does, including the five-version limit. */
  addPolicyVersion(arn: string, document: string, setAsDefault: boolean): FakePolicyVersion {
    const policy = this.policy(arn);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      throw new AwsError(
        'LimitExceeded',
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
        409,
      );
    }
    checkPolicyDocument(document);
    const version: FakePolicyVersion = { versionId: `v${policy.nextVersion++}`, document, createDate: new Date() };
    policy.versions.push(version);
    policy.updateDate = version.createDate;
    if (setAsDefault) policy.defaultVersionId = version.versionId;
    return version;
  }

  attachedEntityCount(arn: string): number {
    let count = 0;
    for (const user of this.users.values()) if (user.attachedPolicies.has(arn)) count++;
    for (const group of this.groups.values()) if (group.attachedPolicies.has(arn)) count++;
    return count;
  }

  // ---- lookups that answer NoSuchEntity as IAM does ----

  user(name: string): FakeUser {
    const user = this.users.get(name);
    if (!user) throw new AwsError('NoSuchEntity', `The user with name ${name} cannot be found.`, 404);
    return user;
  }

  policy(arn: string): FakePolicy {
    const policy = this.policies.get(arn);
    if (!policy) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
    return policy;
  }

  group(name: string): FakeGroup {
    const group = this.groups.get(name);
    if (!group) throw new AwsError('NoSuchEntity', `The group with name ${name} cannot be found.`, 404);
    return group;
  }

  private attachablePolicy(arn: string): FakePolicy {
    const policy = this.policies.get(arn);
    if (!policy) throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
    return policy;
  }

  // ---- the API ----

  handle(action: string, params: QueryParams): Record<string, XmlValue> {
    switch (action) {
      case 'GetUser': {
        return { User: this.userXml(this.user(params.required('UserName'))) };
      }
      case 'CreateUser': {
        const name = checkName(params.required('UserName'), 'userName');
        if (this.users.has(name))
          throw new AwsError('EntityAlreadyExists', `User with name ${name} already exists.`, 409);
        const user = this.addUser(name, { tags: params.structures('Tags').map(toTag) });
        return { User: this.userXml(user) };
      }
      case 'DeleteUser': {
        const user = this.user(params.required('UserName'));
        if (user.accessKeys.length > 0)
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete access keys first.', 409);
        if (user.loginProfile)
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete login profile first.', 409);
        if (user.attachedPolicies.size > 0)
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
        if ([...this.groups.values()].some((group) => group.members.has(user.name))) {
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
        }
        this.users.delete(user.name);
        return {};
      }
      case 'ListUserTags': {
        return { Tags: tagsXml(this.user(params.required('UserName')).tags), IsTruncated: false };
      }
      case 'TagUser': {
        const user = this.user(params.required('UserName'));
        for (const tag of params.structures('Tags').map(toTag)) user.tags.set(tag.Key, tag.Value);
        if (user.tags.size > 50) throw new AwsError('LimitExceeded', 'Cannot exceed quota for TagsPerUser: 50', 409);
        return {};
      }
      case 'UntagUser': {
        const user = this.user(params.required('UserName'));
        for (const key of params.list('TagKeys')) user.tags.delete(key);
        return {};
      }
      case 'GetLoginProfile': {
        const user = this.user(params.required('UserName'));
        if (!user.loginProfile)
          throw new AwsError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`, 404);
        return { LoginProfile: { UserName: user.name, CreateDate: user.createDate, PasswordResetRequired: false } };
      }
      case 'DeleteLoginProfile': {
        const user = this.user(params.required('UserName'));
        if (!user.loginProfile)
          throw new AwsError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`, 404);
        user.loginProfile = false;
        return {};
      }
      case 'CreateAccessKey': {
        const user = this.user(params.required('UserName'));
        const key = this.addAccessKey(user.name);
        return {
          AccessKey: {
            UserName: user.name,
            AccessKeyId: key.accessKeyId,
            Status: key.status,
            SecretAccessKey: key.secretAccessKey,
            CreateDate: key.createDate,
          },
        };
      }
      case 'ListAccessKeys': {
        const user = this.user(params.required('UserName'));
        return {
          AccessKeyMetadata: user.accessKeys.map((key) => ({
            UserName: user.name,
            AccessKeyId: key.accessKeyId,
            Status: key.status,
            CreateDate: key.createDate,
          })),
          IsTruncated: false,
        };
      }
      case 'UpdateAccessKey': {
        const key = this.accessKey(params.required('UserName'), params.required('AccessKeyId'));
        const status = params.required('Status');
        if (status !== 'Active' && status !== 'Inactive')
          throw new AwsError(
            'ValidationError',
            `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
          );
        key.status = status;
        return {};
      }
      case 'DeleteAccessKey': {
        const user = this.user(params.required('UserName'));
        const key = this.accessKey(user.name, params.required('AccessKeyId'));
        user.accessKeys.splice(user.accessKeys.indexOf(key), 1);
        return {};
      }
      case 'GetAccessKeyLastUsed': {
        const accessKeyId = params.required('AccessKeyId');
        const found = this.findAccessKey(accessKeyId);
        if (!found) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found`, 404);
        const use = found.key.lastUsed;
        // A key that never signed a request has no LastUsedDate, and "N/A" for the other two.
        return {
          UserName: found.user.name,
          AccessKeyLastUsed: use
            ? { LastUsedDate: use.date, ServiceName: use.service, Region: use.region }
            : { ServiceName: 'N/A', Region: 'N/A' },
        };
      }
      case 'GetPolicy': {
        return { Policy: this.policyXml(this.policy(params.required('PolicyArn'))) };
      }
      case 'CreatePolicy': {
        const name = checkName(params.required('PolicyName'), 'policyName');
        const policy = this.addPolicy(name, params.required('PolicyDocument'), {
          tags: params.structures('Tags').map(toTag),
          path: params.optional('Path') ?? '/',
          ...(params.optional('Description') ? { description: params.optional('Description') } : {}),
        });
        return { Policy: this.policyXml(policy) };
      }
      case 'DeletePolicy': {
        const policy = this.policy(params.required('PolicyArn'));
        if (this.attachedEntityCount(policy.arn) > 0)
          throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
        if (policy.versions.length > 1) {
          throw new AwsError(
            'DeleteConflict',
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
            409,
          );
        }
        this.policies.delete(policy.arn);
        return {};
      }
      case 'ListPolicyTags': {
        return { Tags: tagsXml(this.policy(params.required('PolicyArn')).tags), IsTruncated: false };
      }
      case 'GetPolicyVersion': {
        const policy = this.policy(params.required('PolicyArn'));
        const versionId = params.required('VersionId');
        const version = policy.versions.find((candidate) => candidate.versionId === versionId);
        if (!version)
          throw new AwsError(
            'NoSuchEntity',
            `Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`,
            404,
          );
        return { PolicyVersion: this.versionXml(policy, version, true) };
      }
      case 'ListPolicyVersions': {
        const policy = this.policy(params.required('PolicyArn'));
        return {
          Versions: [...policy.versions].reverse().map((version) => this.versionXml(policy, version, false)),
          IsTruncated: false,
        };
      }
      case 'CreatePolicyVersion': {
        const policy = this.policy(params.required('PolicyArn'));
        const version = this.addPolicyVersion(
          policy.arn,
          params.required('PolicyDocument'),
          params.optional('SetAsDefault') === 'true',
        );
        return { PolicyVersion: this.versionXml(policy, version, false) };
      }
      case 'DeletePolicyVersion': {
        const policy = this.policy(params.required('PolicyArn'));
        const versionId = params.required('VersionId');
        const index = policy.versions.findIndex((candidate) => candidate.versionId === versionId);
        if (index < 0)
          throw new AwsError(
            'NoSuchEntity',
            `Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`,
            404,
          );
        if (policy.defaultVersionId === versionId)
          throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.', 409);
        policy.versions.splice(index, 1);
        return {};
      }
      case 'ListEntitiesForPolicy': {
        const policy = this.policy(params.required('PolicyArn'));
        return {
          PolicyUsers: [...this.users.values()]
            .filter((user) => user.attachedPolicies.has(policy.arn))
            .map((user) => ({ UserName: user.name, UserId: user.id })),
          PolicyGroups: [...this.groups.values()]
            .filter((group) => group.attachedPolicies.has(policy.arn))
            .map((group) => ({ GroupName: group.name, GroupId: group.id })),
          PolicyRoles: [],
          IsTruncated: false,
        };
      }
      case 'AttachUserPolicy': {
        const user = this.user(params.required('UserName'));
        user.attachedPolicies.add(this.attachablePolicy(params.required('PolicyArn')).arn);
        return {};
      }
      case 'DetachUserPolicy': {
        const user = this.user(params.required('UserName'));
        const arn = params.required('PolicyArn');
        if (!user.attachedPolicies.delete(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
        return {};
      }
      case 'ListAttachedUserPolicies': {
        const user = this.user(params.required('UserName'));
        return { AttachedPolicies: this.attachedXml(user.attachedPolicies), IsTruncated: false };
      }
      case 'CreateGroup': {
        const name = checkName(params.required('GroupName'), 'groupName');
        if (this.groups.has(name))
          throw new AwsError('EntityAlreadyExists', `Group with name ${name} already exists.`, 409);
        const group: FakeGroup = {
          name,
          id: randomId('AGPA', 17),
          path: params.optional('Path') ?? '/',
          createDate: new Date(),
          members: new Set(),
          attachedPolicies: new Set(),
        };
        this.groups.set(name, group);
        return { Group: this.groupXml(group) };
      }
      case 'GetGroup': {
        const group = this.group(params.required('GroupName'));
        return {
          Group: this.groupXml(group),
          Users: [...group.members]
            .map((name) => this.users.get(name))
            .filter((user) => user !== undefined)
            .map((user) => this.userXml(user)),
          IsTruncated: false,
        };
      }
      case 'DeleteGroup': {
        const group = this.group(params.required('GroupName'));
        if (group.members.size > 0)
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must remove users from group first.', 409);
        if (group.attachedPolicies.size > 0)
          throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
        this.groups.delete(group.name);
        return {};
      }
      case 'AddUserToGroup': {
        const group = this.group(params.required('GroupName'));
        group.members.add(this.user(params.required('UserName')).name);
        return {};
      }
      case 'RemoveUserFromGroup': {
        const group = this.group(params.required('GroupName'));
        const user = this.user(params.required('UserName'));
        if (!group.members.delete(user.name))
          throw new AwsError('NoSuchEntity', `The user with name ${user.name} cannot be found.`, 404);
        return {};
      }
      case 'ListGroupsForUser': {
        const user = this.user(params.required('UserName'));
        return {
          Groups: [...this.groups.values()]
            .filter((group) => group.members.has(user.name))
            .map((group) => this.groupXml(group)),
          IsTruncated: false,
        };
      }
      case 'AttachGroupPolicy': {
        const group = this.group(params.required('GroupName'));
        group.attachedPolicies.add(this.attachablePolicy(params.required('PolicyArn')).arn);
        return {};
      }
      case 'DetachGroupPolicy': {
        const group = this.group(params.required('GroupName'));
        const arn = params.required('PolicyArn');
        if (!group.attachedPolicies.delete(arn))
          throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
        return {};
      }
      case 'ListAttachedGroupPolicies': {
        const group = this.group(params.required('GroupName'));
        return { AttachedPolicies: this.attachedXml(group.attachedPolicies), IsTruncated: false };
      }
      default:
        throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400);
    }
  }

  private accessKey(userName: string, accessKeyId: string): FakeAccessKey {
    const key = this.user(userName).accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId);
    if (!key) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found`, 404);
    return key;
  }

  private userXml(user: FakeUser): Record<string, XmlValue> {
    return {
      Path: user.path,
      UserName: user.name,
      UserId: user.id,
      Arn: this.userArn(user.name, user.path),
      CreateDate: user.createDate,
      ...(user.tags.size > 0 ? { Tags: tagsXml(user.tags) } : {}),
    };
  }

  private policyXml(policy: FakePolicy): Record<string, XmlValue> {
    return {
      PolicyName: policy.name,
      PolicyId: policy.id,
      Arn: policy.arn,
      Path: policy.path,
      DefaultVersionId: policy.defaultVersionId,
      AttachmentCount: this.attachedEntityCount(policy.arn),
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      Description: policy.description,
      CreateDate: policy.createDate,
      UpdateDate: policy.updateDate,
      ...(policy.tags.size > 0 ? { Tags: tagsXml(policy.tags) } : {}),
    };
  }

  private versionXml(policy: FakePolicy, version: FakePolicyVersion, withDocument: boolean): Record<string, XmlValue> {
    return {
      // IAM answers documents URL-encoded (RFC 3986).
      Document: withDocument ? encodeURIComponent(version.document) : undefined,
      VersionId: version.versionId,
      IsDefaultVersion: policy.defaultVersionId === version.versionId,
      CreateDate: version.createDate,
    };
  }

  private groupXml(group: FakeGroup): Record<string, XmlValue> {
    return {
      Path: group.path,
      GroupName: group.name,
      GroupId: group.id,
      Arn: this.groupArn(group.name, group.path),
      CreateDate: group.createDate,
    };
  }

  private attachedXml(arns: Set<string>): XmlValue[] {
    return [...arns].map((arn) => ({
      PolicyName: this.policies.get(arn)?.name ?? arn.split('/').pop(),
      PolicyArn: arn,
    }));
  }
}

function toTag(record: Record<string, string>): Tag {
  return { Key: record.Key ?? '', Value: record.Value ?? '' };
}

function tagsXml(tags: Map<string, string>): XmlValue[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

function checkName(name: string, member: string): string {
  if (!NAME.test(name)) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  return name;
}

function checkPolicyDocument(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'Syntax errors in policy.', 400);
  }
  const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  if (record.Version !== '2012-10-17' && record.Version !== '2008-10-17')
    throw new AwsError('MalformedPolicyDocument', 'The policy failed legacy parsing', 400);
  if (!record.Statement) throw new AwsError('MalformedPolicyDocument', 'Syntax errors in policy.', 400);
  if (document.length > 6144) throw new AwsError('LimitExceeded', 'Cannot exceed quota for PolicySize: 6144', 409);
}
