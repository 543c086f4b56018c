// This tool's managed policies (documents from managedPolicies.ts): read with every version and
// holder, created or given a new default version, and deleted at teardown when this tool made them.

import * as IAM from '@aws-sdk/client-iam';
import { SENDER_ROLE_NAME } from '../../../lambda/mail/roleTrustPolicy.ts';
import { adopted, type Found, iam, leftAlone, type PlanItem, step } from '../change.ts';
import { type Account, all, type StepContext } from '../context.ts';
import { type GrantedPolicy, grantedOnlyWithFlag, MANAGED_POLICIES, managedPolicyArn } from '../managedPolicies.ts';
import { GROUP_PATH, isManaged, MANAGED_TAG, USER_NAME } from '../names.ts';
import { decodePolicyDocument, describeAllowed, samePolicyDocument } from '../policyDocument.ts';

export interface PolicyVersionFound {
  readonly id: string;
  readonly isDefault: boolean;
  readonly document: unknown;
}

/**
 * What a run did to one of its policies, for the check after its changes: IAM is eventually
 * consistent, and a read right after a change may still show the state before it.
 */
interface PolicyChanges {
  readonly arn: string;
  /** Deleted with a 200 answer: gone, though a read may still list them (IAM never reuses a version ID). */
  readonly deletedVersionIds: string[];
  /** The version the run created as the default, with the document it wrote (versions never change). */
  createdDefault?: { readonly id: string; readonly document: unknown };
}

/** A policy of one of this tool's names, at this tool's ARN, as IAM holds it. */
export interface PolicyFound extends Found {
  readonly name: string;
  readonly arn: string;
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
  /** Every user, group and role it is attached to, by name. */
  readonly holders: { readonly users: string[]; readonly groups: string[]; readonly roles: string[] };
  /** When it does not exist at this tool's ARN: the ARN of the customer policy of its name elsewhere. */
  readonly sameNameElsewhere?: string;
}

/** A policy this run grants, with what IAM holds of it. */
export interface PolicyState extends PolicyFound {
  readonly policy: GrantedPolicy;
}

/**
 * Every version of a policy with its document: IAM keeps at most five. With `changes`, a stale
 * view of what this run did is left out: a version it deleted, listed still, is gone, and the one
 * it created holds the document it wrote, though a read may not find it yet.
 */
export async function readPolicyVersions(
  { aws }: StepContext,
  arn: string,
  changes?: PolicyChanges,
): Promise<PolicyVersionFound[]> {
  const listed = await aws.iam.read(new IAM.ListPolicyVersionsCommand({ PolicyArn: arn }));
  const versions: PolicyVersionFound[] = [];
  for (const { VersionId: id = '', IsDefaultVersion } of listed.Versions ?? []) {
    if (changes?.deletedVersionIds.includes(id)) continue;
    const document =
      id === changes?.createdDefault?.id
        ? changes.createdDefault.document
        : decodePolicyDocument(
            (await aws.iam.read(new IAM.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: id }))).PolicyVersion
              ?.Document,
          );
    versions.push({ id, isDefault: IsDefaultVersion === true, document });
  }
  return versions;
}

async function readHolders(context: StepContext, arn: string): Promise<Pick<PolicyFound, 'holders' | 'otherHolders'>> {
  const { clients, aws, options } = context;
  const pages = await aws.read('iam:ListEntitiesForPolicy', () =>
    all(IAM.paginateListEntitiesForPolicy({ client: clients.iam }, { PolicyArn: arn }), (page) => [page]),
  );
  const entities = {
    users: pages.flatMap((page) => (page.PolicyUsers ?? []).map((user) => user.UserName ?? '')),
    groups: pages.flatMap((page) => (page.PolicyGroups ?? []).map((group) => group.GroupName ?? '')),
    roles: pages.flatMap((page) => (page.PolicyRoles ?? []).map((role) => role.RoleName ?? '')),
  };
  const holders = [
    ...entities.users.filter((name) => name !== USER_NAME).map((name) => `the user ${name}`),
    // The role --hosted-role-arn makes holds the same policies as the user, by design.
    ...entities.roles.filter((name) => name !== SENDER_ROLE_NAME).map((name) => `the role ${name}`),
  ];
  // The --group group's other members are refused on their own (ownership.ts).
  for (const name of entities.groups.filter((candidate) => candidate !== options.group)) {
    const group = await aws.iam.read(new IAM.GetGroupCommand({ GroupName: name }));
    const onlyTheUser = (group.Users ?? []).every((member) => member.UserName === USER_NAME);
    if (group.Group?.Path !== GROUP_PATH || !onlyTheUser) holders.push(`the group ${name}`);
  }
  return { holders: entities, otherHolders: holders };
}

/** Customer policies by name, for the names that do not exist at this tool's ARN; one listing for all. */
async function customerPoliciesNamed({ clients, aws }: StepContext, names: readonly string[]) {
  if (names.length === 0) return new Map<string, string>();
  const policies = await aws.read('iam:ListPolicies', () =>
    all(IAM.paginateListPolicies({ client: clients.iam }, { Scope: 'Local' }), (page) => page.Policies),
  );
  const named = policies.filter(({ PolicyName = '' }) => names.includes(PolicyName));
  return new Map(named.map(({ PolicyName = '', Arn = '' }) => [PolicyName, Arn]));
}

const NO_HOLDERS = { holders: { users: [], groups: [], roles: [] }, otherHolders: [] };

async function readPolicy(
  context: StepContext,
  name: string,
  arn: string,
  changes: PolicyChanges | undefined,
): Promise<PolicyFound> {
  const { aws } = context;
  const found = await aws.iam.find(new IAM.GetPolicyCommand({ PolicyArn: arn }));
  if (!found?.Policy) return { name, arn, exists: false, managed: false, versions: [], ...NO_HOLDERS };
  const tags = (await aws.iam.read(new IAM.ListPolicyTagsCommand({ PolicyArn: arn }))).Tags ?? [];
  const versions = await readPolicyVersions(context, arn, changes);
  const defaultVersion = versions.find((version) => version.isDefault);
  return {
    name,
    arn,
    exists: true,
    managed: isManaged(tags),
    ...(defaultVersion ? { defaultVersionId: defaultVersion.id, document: defaultVersion.document } : {}),
    versions,
    ...(await readHolders(context, arn)),
  };
}

/** Every policy of MANAGED_POLICIES, granted by this run or not, in that order; `changes`: what this run did to them. */
export async function readToolPolicies(
  context: StepContext,
  account: Account,
  changes: PolicyChangesMade = new Map(),
): Promise<PolicyFound[]> {
  const found: PolicyFound[] = [];
  for (const { name } of MANAGED_POLICIES) {
    const arn = managedPolicyArn(account, name);
    found.push(await readPolicy(context, name, arn, changes.get(arn)));
  }
  const missing = found.filter((policy) => !policy.exists).map((policy) => policy.name);
  const elsewhere = await customerPoliciesNamed(context, missing);
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

/**
 * Versions of a policy this tool created, other than the default, that hold a document this tool
 * writes: they go, since each is one SetDefaultPolicyVersion away from being the key's again.
 */
function earlierVersions(state: PolicyState): PolicyVersionFound[] {
  if (!state.managed) return [];
  const number = (version: PolicyVersionFound) => Number(version.id.replace(/^v/, ''));
  return state.versions
    .filter((version) => !version.isDefault && state.policy.writtenByThisTool(version.document))
    .sort((a, b) => number(a) - number(b));
}

/** What the run did to each policy, by ARN, filled in as its changes are made. */
export type PolicyChangesMade = Map<string, PolicyChanges>;

function recorded(made: PolicyChangesMade, arn: string): PolicyChanges {
  const entry = made.get(arn) ?? { arn, deletedVersionIds: [] };
  made.set(arn, entry);
  return entry;
}

const POLICY = step('policy');

function deleteVersions(state: PolicyState, made: PolicyChangesMade): PlanItem[] {
  const versions = earlierVersions(state);
  if (versions.length === 0) return [];
  const ids = versions.map((version) => version.id);
  const documents = versions.length > 1 ? 'documents' : 'the document';
  const detail = `${state.name} ${ids.join(', ')}, ${documents} of earlier runs (one SetDefaultPolicyVersion from being the key's again)`;
  return [
    step('policy version').delete(detail, async ({ aws }) => {
      for (const VersionId of ids) {
        await aws.iam.change(new IAM.DeletePolicyVersionCommand({ PolicyArn: state.arn, VersionId }));
        recorded(made, state.arn).deletedVersionIds.push(VersionId);
      }
    }),
  ];
}

/**
 * `state` as readToolPolicies found it, past the checks: one this tool did not create reaches here
 * only adopted, with exactly this tool's document; one it did, only when nobody else holds it.
 */
export function planPolicy(state: PolicyState, made: PolicyChangesMade): PlanItem[] {
  const { name, arn: PolicyArn, document, description, summary } = state.policy;
  const PolicyDocument = JSON.stringify(document, null, 2);
  if (!state.exists) {
    const create = async ({ aws }: StepContext) => {
      const policy = { PolicyName: name, PolicyDocument, Description: description, Tags: [MANAGED_TAG] };
      const id = (await aws.iam.change(new IAM.CreatePolicyCommand(policy))).Policy?.DefaultVersionId ?? 'v1';
      made.set(PolicyArn, { arn: PolicyArn, deletedVersionIds: [], createdDefault: { id, document } });
      return `${name} ${id}: ${summary}`;
    };
    return [POLICY.create(`${name}: ${summary}`, create)];
  }
  if (samePolicyDocument(state.document, document)) {
    const adoptedAs = adopted(state.managed, ": its document is exactly this tool's");
    return [
      POLICY.exists(`${name} ${state.defaultVersionId ?? 'v1'}${adoptedAs}: ${summary}`),
      ...deleteVersions(state, made),
    ];
  }
  if (!state.managed) throw new Error(`Bug: ${name}, made outside this tool, was about to be rewritten.`);

  // Room first: IAM keeps five versions, and the checks let through no other non-default one.
  const replaced = state.versions.find((version) => version.isDefault);
  const was = replaced && `; ${replaced.id}, which allowed ${describeAllowed(replaced.document) ?? 'nothing'}`;
  const update = async ({ aws }: StepContext) => {
    const created = await aws.iam.change(
      new IAM.CreatePolicyVersionCommand({ PolicyArn, PolicyDocument, SetAsDefault: true }),
    );
    const id = created.PolicyVersion?.VersionId ?? '';
    if (id) recorded(made, PolicyArn).createdDefault = { id, document };
    if (replaced) {
      await aws.iam.change(new IAM.DeletePolicyVersionCommand({ PolicyArn, VersionId: replaced.id }));
      recorded(made, PolicyArn).deletedVersionIds.push(replaced.id);
    }
    return `${name} ${id} is the new default version: ${summary}${was ? `${was}, is deleted` : ''}`;
  };
  const detail = `${name}: its document differs; a new default version: ${summary}${was ? `${was}, would be deleted` : ''}`;
  return [...deleteVersions(state, made), POLICY.update(detail, update)];
}

/**
 * Teardown: a policy this tool created, with its older versions, once nothing else holds it;
 * `detaching`: the holders ("user NAME", "group NAME") the same plan takes it from first.
 */
export function planPolicyDeletion(policy: PolicyFound, detaching: ReadonlySet<string>): PlanItem[] {
  const { name, arn: PolicyArn, holders } = policy;
  if (!policy.exists && grantedOnlyWithFlag(name)) return [];
  const left = leftAlone('policy', name, policy);
  if (left) return [left];
  const remaining = [
    ...holders.users.map((user) => `user ${user}`),
    ...holders.groups.map((group) => `group ${group}`),
    ...holders.roles.map((role) => `role ${role}`),
  ].filter((holder) => !detaching.has(holder));
  if (remaining.length > 0)
    return [POLICY.skipped(`${name} is still attached to ${remaining.join(', ')}: left in place`)];
  const older = policy.versions.filter((version) => !version.isDefault);
  const versions = older.map(({ id: VersionId }) => new IAM.DeletePolicyVersionCommand({ PolicyArn, VersionId }));
  return [
    POLICY.delete(
      older.length > 0 ? `${name} and its ${older.length} older version(s)` : name,
      iam(...versions, new IAM.DeletePolicyCommand({ PolicyArn })),
    ),
  ];
}
