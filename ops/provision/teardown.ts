// --teardown: removes, in the order IAM requires, what carries this tool's mark (the managed-by
// tag, the group path, the saved-key tag or the key ID in the credentials file), and nothing else:
// of the attachments, only those of a policy this tool created to the user or to its own group.
// A dry run reports exactly what the real run does.

import {
  type AttachedPolicy,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  type Group,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { removeCredentialsFile } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';
import type { AwsCaller } from './awsCalls.ts';
import { ProvisionError } from './errors.ts';
import { grantedOnlyWithFlag, MANAGED_POLICIES, managedPolicyArn } from './managedPolicies.ts';
import { GROUP_PATH, isManaged, USER_NAME } from './names.ts';
import type { StepStatus, Summary } from './report.ts';
import { listKeys, readSavedFile, type SavedFile, savedKeyIds, shortKeyId } from './steps/accessKey.ts';
import { findAccount } from './steps/account.ts';
import { configurationSetInUse, removeConfigurationSet } from './steps/configurationSet.ts';
import type { Account, StepContext } from './steps/context.ts';
import { removeLimitTables } from './steps/limitTable.ts';
import { readUser, type UserState } from './steps/user.ts';

export type Confirm = (question: string) => Promise<boolean>;

export async function teardown(context: StepContext, confirm: Confirm): Promise<Summary> {
  const { options, aws } = context;
  const account = await findAccount(context);
  await askFirst(context, confirm, account);
  const policies = await Promise.all(
    MANAGED_POLICIES.map(({ name }) => readPolicy(context, name, managedPolicyArn(account, name))),
  );
  const ours = new Set(policies.filter((policy) => policy.managed).map((policy) => policy.arn));
  const file = await readSavedFile(options.outFile);
  const user = await readUser(context);

  let removed: Removed = {
    keys: new Set(),
    detachedFromGroups: new Set(),
    detachedFromUser: new Set(),
    user: !user.exists,
  };
  if (user.exists) {
    const keys = await deleteAccessKeys(context, user, file);
    const { groups, detachedFromGroups } = await leaveGroups(context, ours);
    const { attached, detachedFromUser } = await detachFromUser(context, policies);
    const userGone = await deleteUser(context, user, { attached, groups, ours, keys: keys.kept });
    removed = { keys: keys.deleted, detachedFromGroups, detachedFromUser, user: userGone };
  } else {
    context.report.step('user', 'skipped', `${USER_NAME} does not exist`);
  }
  // Before the policies: AlexaSkillMailLimit names the table.
  await removeLimitTables(context, account);
  for (const policy of policies) await deletePolicy(context, policy, removed);
  // Read before the key file goes: it may be what names the set.
  const set = await configurationSetInUse(options);
  if (set) await removeConfigurationSet(context, account, set.name);
  await deleteCredentialsFile(context, file, removed);

  return {
    ok: true,
    mode: 'teardown',
    dryRun: aws.dryRun,
    account: account.accountId,
    region: options.region,
    next: aws.dryRun
      ? 'Dry run: nothing was changed. Run the same command without --dry-run to delete these.'
      : 'Removed what this tool created. SES identities (addresses, and a --domain domain) stay verified: remove them in the SES console if you no longer need them.',
  };
}

/** What this run removed (in a dry run: would remove), for the steps that depend on it. */
interface Removed {
  readonly keys: ReadonlySet<string>;
  /** "group name + policy ARN" of each policy detached from a group: see attachmentKey. */
  readonly detachedFromGroups: ReadonlySet<string>;
  /** ARNs of the policies detached from the user. */
  readonly detachedFromUser: ReadonlySet<string>;
  readonly user: boolean;
}

function attachmentKey(group: string, arn: string): string {
  return `${group}\n${arn}`;
}

/** A policy of this tool's names, as teardown sees it. */
interface PolicyFound {
  readonly name: string;
  readonly arn: string;
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it, and so made its attachments. */
  readonly managed: boolean;
}

async function readPolicy({ clients, aws }: StepContext, name: string, arn: string): Promise<PolicyFound> {
  const policy = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (!policy?.Policy) return { name, arn, exists: false, managed: false };
  const tags =
    (await aws.read('iam:ListPolicyTags', () => clients.iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))))
      .Tags ?? [];
  return { name, arn, exists: true, managed: isManaged(tags) };
}

function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function deletedStatus(aws: AwsCaller): StepStatus {
  return aws.dryRun ? 'would delete' : 'deleted';
}

async function askFirst({ options, aws }: StepContext, confirm: Confirm, account: Account): Promise<void> {
  if (aws.dryRun || options.yes) return;
  const agreed = await confirm(
    `This deletes ${USER_NAME}, its access keys, the ${MANAGED_POLICIES.map(({ name }) => name).join(' and ')} policies and any limit table that this tool created in account ${account.accountId}; a deployed skill stops sending mail.`,
  );
  if (!agreed) throw new ProvisionError('Teardown cancelled: nothing was changed.');
}

/**
 * The keys this tool saved (the one in the key file, and those tagged as saved), whoever made the
 * user. Any other key is someone's who may still use it: kept, and the user with it.
 */
async function deleteAccessKeys(
  context: StepContext,
  user: UserState,
  file: SavedFile,
): Promise<{ deleted: Set<string>; kept: string[] }> {
  const { clients, aws, report } = context;
  const tagged = savedKeyIds(user.tags);
  const deleted = new Set<string>();
  const kept: string[] = [];
  for (const key of await listKeys(context, user)) {
    const id = key.AccessKeyId ?? '';
    if (id !== file.accessKeyId && !tagged.has(id)) {
      kept.push(shortKeyId(id));
      report.step('access key', 'skipped', `${shortKeyId(id)} was not saved by this tool: left in place`);
      continue;
    }
    if (!aws.dryRun)
      await aws.change('iam:DeleteAccessKey', () =>
        clients.iam.send(new DeleteAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id })),
      );
    deleted.add(id);
    report.step('access key', deletedStatus(aws), id);
  }
  return { deleted, kept };
}

/**
 * Out of every group under this tool's path: the membership, this tool's policies (which go from
 * the group even when others are in it: this tool attached them, and deletes them), and the
 * group once nothing else is in it.
 */
async function leaveGroups(
  { clients, aws, report }: StepContext,
  ours: ReadonlySet<string>,
): Promise<{ groups: Group[]; detachedFromGroups: Set<string> }> {
  const groups =
    (
      await aws.read('iam:ListGroupsForUser', () =>
        clients.iam.send(new ListGroupsForUserCommand({ UserName: USER_NAME })),
      )
    ).Groups ?? [];
  const detachedFromGroups = new Set<string>();
  for (const group of groups.filter((candidate) => candidate.Path === GROUP_PATH)) {
    const name = group.GroupName ?? '';
    const details = await aws.read('iam:GetGroup', () => clients.iam.send(new GetGroupCommand({ GroupName: name })));
    const otherMembers = (details.Users ?? []).filter((member) => member.UserName !== USER_NAME);
    if (!aws.dryRun)
      await aws.change('iam:RemoveUserFromGroup', () =>
        clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: name, UserName: USER_NAME })),
      );
    report.step('group member', deletedStatus(aws), `${USER_NAME} from ${name}`);
    const policies =
      (
        await aws.read('iam:ListAttachedGroupPolicies', () =>
          clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name })),
        )
      ).AttachedPolicies ?? [];
    for (const arn of policies.map((policy) => policy.PolicyArn ?? '').filter((arn) => ours.has(arn))) {
      if (!aws.dryRun)
        await aws.change('iam:DetachGroupPolicy', () =>
          clients.iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn: arn })),
        );
      detachedFromGroups.add(attachmentKey(name, arn));
      const others =
        otherMembers.length > 0
          ? ` (its other members, ${otherMembers.map((member) => member.UserName).join(', ')}, lose it too)`
          : '';
      report.step('group policy', deletedStatus(aws), `${policyName(arn)} from ${name}${others}`);
    }
    const otherPolicies = policies.filter((policy) => !ours.has(policy.PolicyArn ?? ''));
    if (otherMembers.length > 0 || otherPolicies.length > 0) {
      report.step('group', 'skipped', `${name} has other members or policies: left in place`);
      continue;
    }
    if (!aws.dryRun)
      await aws.change('iam:DeleteGroup', () => clients.iam.send(new DeleteGroupCommand({ GroupName: name })));
    report.step('group', deletedStatus(aws), name);
  }
  return { groups, detachedFromGroups };
}

/** This tool's policies from the user; one of these names it did not create stays attached. Returns every policy the user had. */
async function detachFromUser(
  { clients, aws, report }: StepContext,
  policies: readonly PolicyFound[],
): Promise<{ attached: AttachedPolicy[]; detachedFromUser: Set<string> }> {
  const attached =
    (
      await aws.read('iam:ListAttachedUserPolicies', () =>
        clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: USER_NAME })),
      )
    ).AttachedPolicies ?? [];
  const detachedFromUser = new Set<string>();
  for (const arn of attached.map((policy) => policy.PolicyArn ?? '')) {
    const policy = policies.find((candidate) => candidate.arn === arn);
    if (!policy) continue;
    const { name } = policy;
    if (!policy.managed) {
      report.step(
        'attachment',
        'skipped',
        `${name} was created outside this tool: its attachment to ${USER_NAME} is left in place`,
      );
      continue;
    }
    if (!aws.dryRun)
      await aws.change('iam:DetachUserPolicy', () =>
        clients.iam.send(new DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
      );
    detachedFromUser.add(arn);
    report.step('attachment', deletedStatus(aws), `${name} from ${USER_NAME}`);
  }
  return { attached, detachedFromUser };
}

/**
 * The user, and its console password first, but only a user this tool created and only when
 * nothing it did not add (another policy, another group, a key it did not save) still hangs on
 * it. True when it is gone.
 */
async function deleteUser(
  { clients, aws, report }: StepContext,
  user: UserState,
  held: {
    attached: readonly AttachedPolicy[];
    groups: readonly Group[];
    ours: ReadonlySet<string>;
    /** Keys this tool did not save, shortened. */
    keys: readonly string[];
  },
): Promise<boolean> {
  if (!user.managed) {
    report.step('user', 'skipped', `${USER_NAME} was created outside this tool: left in place`);
    return false;
  }
  const blockers = [
    ...held.attached
      .filter((policy) => !held.ours.has(policy.PolicyArn ?? ''))
      .map((policy) => `policy ${policy.PolicyName}`),
    ...held.groups.filter((group) => group.Path !== GROUP_PATH).map((group) => `group ${group.GroupName}`),
    ...held.keys.map((key) => `access key ${key}`),
  ];
  if (blockers.length > 0) {
    report.step(
      'user',
      'skipped',
      `${USER_NAME} also has ${blockers.join(', ')}, which this tool did not add: left in place`,
    );
    return false;
  }
  const loginProfile = await aws.find('iam:GetLoginProfile', () =>
    clients.iam.send(new GetLoginProfileCommand({ UserName: USER_NAME })),
  );
  if (loginProfile?.LoginProfile && !aws.dryRun) {
    await aws.change('iam:DeleteLoginProfile', () =>
      clients.iam.send(new DeleteLoginProfileCommand({ UserName: USER_NAME })),
    );
  }
  if (!aws.dryRun)
    await aws.change('iam:DeleteUser', () => clients.iam.send(new DeleteUserCommand({ UserName: USER_NAME })));
  report.step('user', deletedStatus(aws), USER_NAME);
  return true;
}

/** A policy and its older versions, if this tool created it and nothing else is attached to it any more. */
async function deletePolicy(
  { clients, aws, report }: StepContext,
  policy: PolicyFound,
  removed: Removed,
): Promise<void> {
  const { name, arn } = policy;
  if (!policy.exists) {
    if (!grantedOnlyWithFlag(name)) report.step('policy', 'skipped', `${name} does not exist`);
    return;
  }
  if (!policy.managed) {
    report.step('policy', 'skipped', `${name} was created outside this tool: left in place`);
    return;
  }
  const entities = await aws.read('iam:ListEntitiesForPolicy', () =>
    clients.iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn })),
  );
  // In a dry run nothing was detached yet: leave out exactly what this run would have detached.
  const remaining = [
    ...(entities.PolicyUsers ?? [])
      .filter((entity) => !(aws.dryRun && entity.UserName === USER_NAME && removed.detachedFromUser.has(arn)))
      .map((entity) => `user ${entity.UserName}`),
    ...(entities.PolicyGroups ?? [])
      .filter((entity) => !(aws.dryRun && removed.detachedFromGroups.has(attachmentKey(entity.GroupName ?? '', arn))))
      .map((entity) => `group ${entity.GroupName}`),
    ...(entities.PolicyRoles ?? []).map((entity) => `role ${entity.RoleName}`),
  ];
  if (remaining.length > 0) {
    report.step('policy', 'skipped', `${name} is still attached to ${remaining.join(', ')}: left in place`);
    return;
  }
  const versions =
    (
      await aws.read('iam:ListPolicyVersions', () =>
        clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })),
      )
    ).Versions ?? [];
  const older = versions.filter((version) => !version.IsDefaultVersion);
  if (!aws.dryRun) {
    for (const version of older) {
      await aws.change('iam:DeletePolicyVersion', () =>
        clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: version.VersionId })),
      );
    }
    await aws.change('iam:DeletePolicy', () => clients.iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
  }
  report.step(
    'policy',
    deletedStatus(aws),
    older.length > 0 ? `${name} and its ${older.length} older version(s)` : name,
  );
}

/** The key file and its CSV, once the key they hold is deleted; a file whose key survives is kept. */
async function deleteCredentialsFile(
  { options, aws, report }: StepContext,
  file: SavedFile,
  removed: Removed,
): Promise<void> {
  const shownFile = shownPath(options.outFile);
  if (!file.exists) {
    report.step('credentials file', 'skipped', `${shownFile} does not exist`);
  } else if (file.accessKeyId && (removed.user || removed.keys.has(file.accessKeyId))) {
    if (!aws.dryRun) await removeCredentialsFile(options.outFile);
    report.step('credentials file', deletedStatus(aws), `${shownFile} and its CSV (their key is deleted)`);
  } else {
    report.step('credentials file', 'skipped', `${shownFile} is kept: its key was not deleted`);
  }
}
