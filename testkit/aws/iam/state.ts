// What the fake IAM account holds: users, managed policies (the account's and AWS's) with their
// versions, groups, roles with their trust policies, attachments, inline policies, permissions
// boundaries, access keys (with when each last signed a request), login profiles and tags,
// with the lookups that fail as IAM fails and the arrangement helpers tests use to set up
// what an administrator might have done by hand. The API actions live beside it, by resource.

import { randomBytes } from 'node:crypto';
import { AwsError } from '../protocol.ts';

const MAX_ACCESS_KEYS = 2;
const MAX_POLICY_VERSIONS = 5;
const NAME = /^[\w+=,.@-]{1,128}$/;
const AWS_MANAGED_ARN = /^arn:[^:]+:iam::aws:policy\//;

/** One of AWS's own policies, which live under the account "aws" and which no customer can change. */
export function isAwsManaged(arn: string): boolean {
  return AWS_MANAGED_ARN.test(arn);
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface FakeAccessKey {
  readonly accessKeyId: string;
  /** Verifies the key's signatures; never answered except by CreateAccessKey, and tests prove it appears in no output. */
  readonly secretAccessKey: string;
  status: 'Active' | 'Inactive';
  readonly createDate: Date;
  /** The last request this key signed, as GetAccessKeyLastUsed reports it; absent until then. */
  lastUsed?: KeyUse;
}

interface KeyUse {
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
  /** Inline policies: name → document (JSON text). */
  readonly inlinePolicies: Map<string, string>;
  /** The managed policy ARN that bounds what the user's policies can grant. */
  permissionsBoundary: string | undefined;
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
  /** Inline policies: name → document (JSON text). */
  readonly inlinePolicies: Map<string, string>;
}

export interface FakeRole {
  readonly name: string;
  readonly id: string;
  readonly path: string;
  readonly createDate: Date;
  /** Who may assume the role (JSON text, as sent): IAM answers it URL-encoded. */
  assumeRolePolicyDocument: string;
  readonly tags: Map<string, string>;
  readonly attachedPolicies: Set<string>;
  /** Inline policies: name → document (JSON text). */
  readonly inlinePolicies: Map<string, string>;
  permissionsBoundary: string | undefined;
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
  readonly roles = new Map<string, FakeRole>();

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

  roleArn(name: string, path = '/'): string {
    return `arn:${this.partition}:iam::${this.accountId}:role${path}${name}`;
  }

  /** An active key with its owner: what authenticates a request signed with it. */
  activeKey(accessKeyId: string): { user: FakeUser; key: FakeAccessKey } | undefined {
    const found = this.findAccessKey(accessKeyId);
    return found?.key.status === 'Active' ? found : undefined;
  }

  /** Notes that a request signed with this key was authenticated, as IAM's last-used tracking does. */
  recordKeyUse(accessKeyId: string, use: KeyUse): void {
    const key = this.findAccessKey(accessKeyId)?.key;
    if (key) key.lastUsed = use;
  }

  findAccessKey(accessKeyId: string): { user: FakeUser; key: FakeAccessKey } | undefined {
    for (const user of this.users.values()) {
      const key = user.accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId);
      if (key) return { user, key };
    }
    return undefined;
  }

  attachedEntityCount(arn: string): number {
    let count = 0;
    for (const user of this.users.values()) if (user.attachedPolicies.has(arn)) count++;
    for (const group of this.groups.values()) if (group.attachedPolicies.has(arn)) count++;
    for (const role of this.roles.values()) if (role.attachedPolicies.has(arn)) count++;
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

  role(name: string): FakeRole {
    const role = this.roles.get(name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  /** A policy to attach: IAM words a missing one differently here. */
  attachablePolicy(arn: string): FakePolicy {
    const policy = this.policies.get(arn);
    if (!policy) throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
    return policy;
  }

  accessKey(userName: string, accessKeyId: string): FakeAccessKey {
    const key = this.user(userName).accessKeys.find((candidate) => candidate.accessKeyId === accessKeyId);
    if (!key) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found`, 404);
    return key;
  }

  policyVersion(policy: FakePolicy, versionId: string): FakePolicyVersion {
    const version = policy.versions.find((candidate) => candidate.versionId === versionId);
    if (!version)
      throw new AwsError(
        'NoSuchEntity',
        `Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`,
        404,
      );
    return version;
  }

  // ---- arrangement helpers for tests, also used by the actions: IAM's limits apply to both ----

  addUser(name: string, options: { tags?: Tag[]; loginProfile?: boolean } = {}): FakeUser {
    const user: FakeUser = {
      name,
      id: randomId('AIDA', 17),
      path: '/',
      createDate: new Date(),
      tags: new Map((options.tags ?? []).map((tag) => [tag.Key, tag.Value])),
      attachedPolicies: new Set(),
      inlinePolicies: new Map(),
      permissionsBoundary: undefined,
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

  /** `awsManaged`: one of AWS's own policies (arn:aws:iam::aws:policy/AdministratorAccess), which every account can attach. */
  addPolicy(
    name: string,
    document: string,
    options: { tags?: Tag[]; path?: string; description?: string | undefined; awsManaged?: boolean } = {},
  ): FakePolicy {
    const path = options.path ?? '/';
    const arn = options.awsManaged ? `arn:${this.partition}:iam::aws:policy${path}${name}` : this.policyArn(name, path);
    // Customer policy names are unique in the account; AWS's own live apart, under the account "aws".
    const duplicate = options.awsManaged
      ? this.policies.has(arn)
      : [...this.policies.values()].some((policy) => policy.name === name && !isAwsManaged(policy.arn));
    if (duplicate) {
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

  addGroup(name: string, path = '/'): FakeGroup {
    const group: FakeGroup = {
      name,
      id: randomId('AGPA', 17),
      path,
      createDate: new Date(),
      members: new Set(),
      attachedPolicies: new Set(),
      inlinePolicies: new Map(),
    };
    this.groups.set(name, group);
    return group;
  }

  /** A role as CreateRole makes it: its trust policy is checked as IAM checks it (roles.ts). */
  addRole(name: string, trustPolicy: string, path = '/', tags: readonly Tag[] = []): FakeRole {
    if (this.roles.has(name)) throw new AwsError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    checkPolicyDocument(trustPolicy);
    const role: FakeRole = {
      name,
      id: randomId('AROA', 17),
      path,
      createDate: new Date(),
      assumeRolePolicyDocument: trustPolicy,
      tags: new Map(tags.map((tag) => [tag.Key, tag.Value])),
      attachedPolicies: new Set(),
      inlinePolicies: new Map(),
      permissionsBoundary: undefined,
    };
    this.roles.set(name, role);
    return role;
  }
}

export function toTag(record: Record<string, string>): Tag {
  return { Key: record.Key ?? '', Value: record.Value ?? '' };
}

/** A user, group or policy name as IAM accepts it; `member` is the parameter named in the error. */
export function checkName(name: string, member: string): string {
  if (!NAME.test(name)) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  return name;
}

/** An inline policy's document, checked as IAM checks a managed one's. */
export function checkInlinePolicy(name: string, document: string): [string, string] {
  checkPolicyDocument(document);
  return [checkName(name, 'policyName'), document];
}

/** A document's syntax and size, as IAM checks them for any policy. */
export function checkPolicyDocument(document: string): void {
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
