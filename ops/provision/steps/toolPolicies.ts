// Before any change: what IAM holds under the names of this tool's policies, at this tool's ARN,
// whether or not this run grants them: who made each, every version's document, and who else it
// is attached to; and, for one that does not exist there, a policy of the same name elsewhere,
// which IAM's one-name-per-account rule would make CreatePolicy fail on, after other changes.

import {
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  paginateListEntitiesForPolicy,
  paginateListPolicies,
} from '@aws-sdk/client-iam';
import { type GrantedPolicy, MANAGED_POLICIES, managedPolicyArn } from '../managedPolicies.ts';
import { GROUP_PATH, isManaged, USER_NAME } from '../names.ts';
import { decodePolicyDocument } from '../policyDocument.ts';
import type { Account, StepContext } from './context.ts';

export interface PolicyVersionFound {
  readonly id: string;
  readonly isDefault: boolean;
  readonly document: unknown;
}

/**
 * What a run did to one of its policies, for the check after its changes: IAM is eventually
 * consistent, and a read right after a change may still show the state before it.
 */
export interface PolicyChanges {
  readonly arn: string;
  /** Deleted with a 200 answer: gone, though a read may still list them (IAM never reuses a version ID). */
  readonly deletedVersionIds: readonly string[];
  /** The version the run created as the default, with the document it wrote (versions never change). */
  readonly createdDefault?: { readonly id: string; readonly document: unknown };
}

/** A policy of one of this tool's names, at this tool's ARN, as IAM holds it. */
export interface PolicyFound {
  readonly name: string;
  readonly arn: string;
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it. */
  readonly managed: boolean;
  readonly defaultVersionId?: string;
  /** The default version's document, decoded. */
  readonly document?: unknown;
  /** Every version, the default one included. */
  readonly versions: readonly PolicyVersionFound[];
  /**
   * Whoever else it is attached to, as "the user Bob", "the group Operators", "the role Deploy":
   * anything but AlexaSkillMailSender, the --group group and a group of this tool's that holds
   * no one else. A new version would change what they may do.
   */
  readonly otherHolders: readonly string[];
  /** When it does not exist at this tool's ARN: the ARN of the customer policy of its name elsewhere. */
  readonly sameNameElsewhere?: string;
}

/** A policy this run grants, with what IAM holds of it. */
export interface PolicyState extends PolicyFound {
  readonly policy: GrantedPolicy;
}

async function all<Page, Item>(pages: AsyncIterable<Page>, items: (page: Page) => Item[] | undefined): Promise<Item[]> {
  const found: Item[] = [];
  for await (const page of pages) found.push(...(items(page) ?? []));
  return found;
}

/**
 * Every version of a policy with its document: IAM keeps at most five. With `changes`, a stale
 * view of what this run did is left out: a version it deleted, listed still, is gone, and the one
 * it created holds the document it wrote, though a read may not find it yet.
 */
export async function readPolicyVersions(
  { clients, aws }: StepContext,
  arn: string,
  changes?: PolicyChanges,
): Promise<PolicyVersionFound[]> {
  const listed = await aws.read('iam:ListPolicyVersions', () =>
    clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })),
  );
  const versions: PolicyVersionFound[] = [];
  for (const version of listed.Versions ?? []) {
    const id = version.VersionId ?? '';
    if (changes?.deletedVersionIds.includes(id)) continue;
    const isDefault = version.IsDefaultVersion === true;
    if (id === changes?.createdDefault?.id) {
      versions.push({ id, isDefault, document: changes.createdDefault.document });
      continue;
    }
    const answer = await aws.read('iam:GetPolicyVersion', () =>
      clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version.VersionId })),
    );
    versions.push({ id, isDefault, document: decodePolicyDocument(answer.PolicyVersion?.Document) });
  }
  return versions;
}

async function otherHolders(context: StepContext, arn: string): Promise<string[]> {
  const { clients, aws, options } = context;
  const entities = { users: [] as string[], groups: [] as string[], roles: [] as string[] };
  await aws.read('iam:ListEntitiesForPolicy', async () => {
    for await (const page of paginateListEntitiesForPolicy({ client: clients.iam }, { PolicyArn: arn })) {
      entities.users.push(...(page.PolicyUsers ?? []).map((user) => user.UserName ?? ''));
      entities.groups.push(...(page.PolicyGroups ?? []).map((group) => group.GroupName ?? ''));
      entities.roles.push(...(page.PolicyRoles ?? []).map((role) => role.RoleName ?? ''));
    }
  });
  const holders = [
    ...entities.users.filter((name) => name !== USER_NAME).map((name) => `the user ${name}`),
    ...entities.roles.map((name) => `the role ${name}`),
  ];
  // The --group group's other members are refused on their own (ownership.ts).
  for (const name of entities.groups.filter((candidate) => candidate !== options.group)) {
    const group = await aws.read('iam:GetGroup', () => clients.iam.send(new GetGroupCommand({ GroupName: name })));
    const onlyTheUser = (group.Users ?? []).every((member) => member.UserName === USER_NAME);
    if (group.Group?.Path !== GROUP_PATH || !onlyTheUser) holders.push(`the group ${name}`);
  }
  return holders;
}

/** Customer policies by name, for the names that do not exist at this tool's ARN; one listing for all. */
async function customerPoliciesNamed(
  { clients, aws }: StepContext,
  names: readonly string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const policies = await aws.read('iam:ListPolicies', () =>
    all(paginateListPolicies({ client: clients.iam }, { Scope: 'Local' }), (page) => page.Policies),
  );
  return new Map(
    policies
      .filter((policy) => names.includes(policy.PolicyName ?? ''))
      .map((policy) => [policy.PolicyName ?? '', policy.Arn ?? '']),
  );
}

async function readPolicy(
  context: StepContext,
  name: string,
  arn: string,
  changes: PolicyChanges | undefined,
): Promise<PolicyFound> {
  const { clients, aws } = context;
  const found = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (!found?.Policy) return { name, arn, exists: false, managed: false, versions: [], otherHolders: [] };
  const tags =
    (await aws.read('iam:ListPolicyTags', () => clients.iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))))
      .Tags ?? [];
  const versions = await readPolicyVersions(context, arn, changes);
  const defaultVersion = versions.find((version) => version.isDefault);
  return {
    name,
    arn,
    exists: true,
    managed: isManaged(tags),
    ...(defaultVersion ? { defaultVersionId: defaultVersion.id, document: defaultVersion.document } : {}),
    versions,
    otherHolders: await otherHolders(context, arn),
  };
}

/** Every policy of MANAGED_POLICIES, granted by this run or not, in that order; `changes`: what this run did to them. */
export async function readToolPolicies(
  context: StepContext,
  account: Account,
  changes: readonly PolicyChanges[] = [],
): Promise<PolicyFound[]> {
  const found: PolicyFound[] = [];
  for (const { name } of MANAGED_POLICIES) {
    const arn = managedPolicyArn(account, name);
    const changed = changes.find((change) => change.arn === arn);
    found.push(await readPolicy(context, name, arn, changed));
  }
  const elsewhere = await customerPoliciesNamed(
    context,
    found.filter((policy) => !policy.exists).map((policy) => policy.name),
  );
  return found.map((policy) => {
    const arn = elsewhere.get(policy.name);
    return arn ? { ...policy, sameNameElsewhere: arn } : policy;
  });
}

/** The policies this run grants, each with what IAM holds of it. */
export function grantedStates(found: readonly PolicyFound[], granted: readonly GrantedPolicy[]): PolicyState[] {
  return granted.map((policy) => {
    const state = found.find((candidate) => candidate.name === policy.name);
    if (!state) throw new Error(`Bug: ${policy.name} was not read.`);
    return { ...state, policy };
  });
}
