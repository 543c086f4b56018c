// --teardown: removes, in the order IAM requires, what carries this tool's mark (the managed-by
// tag, the group path, the saved-key tag or the key ID in the credentials file), and nothing else.

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
import { GROUP_PATH, isManaged, POLICY_NAME, USER_NAME } from './names.ts';
import type { StepStatus, Summary } from './report.ts';
import { listKeys, readSavedFile, type SavedFile, savedKeyIds } from './steps/accessKey.ts';
import { findAccount } from './steps/account.ts';
import { configurationSetInUse, removeConfigurationSet } from './steps/configurationSet.ts';
import type { Account, StepContext } from './steps/context.ts';
import { policyArn } from './steps/policy.ts';
import { readUser, type UserState } from './steps/user.ts';

export type Confirm = (question: string) => Promise<boolean>;

export async function teardown(context: StepContext, confirm: Confirm): Promise<Summary> {
  const { options, aws } = context;
  const account = await findAccount(context);
  await askFirst(context, confirm, account);
  const arn = policyArn(account);
  const file = await readSavedFile(options.outFile);
  const user = await readUser(context);

  let removed: Removed = { keys: new Set(), groups: new Set(), user: !user.exists };
  if (user.exists) {
    const keys = await deleteAccessKeys(context, user, file);
    const { groups, deletedGroups } = await leaveGroups(context, arn);
    const attached = await detachFromUser(context, arn);
    removed = { keys, groups: deletedGroups, user: await deleteUser(context, user, { attached, groups, arn }) };
  } else {
    context.report.step('user', 'skipped', `${USER_NAME} does not exist`);
  }
  await deletePolicy(context, arn, user, removed);
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
  readonly groups: ReadonlySet<string>;
  readonly user: boolean;
}

function deletedStatus(aws: AwsCaller): StepStatus {
  return aws.dryRun ? 'would delete' : 'deleted';
}

async function askFirst({ options, aws }: StepContext, confirm: Confirm, account: Account): Promise<void> {
  if (aws.dryRun || options.yes) return;
  const agreed = await confirm(
    `This deletes ${USER_NAME}, its access keys and the ${POLICY_NAME} policy that this tool created in account ${account.accountId}; a deployed skill stops sending mail.`,
  );
  if (!agreed) throw new ProvisionError('Teardown cancelled: nothing was changed.');
}

/** A user this tool created loses every key; anyone else's user only the keys this tool saved. */
async function deleteAccessKeys(context: StepContext, user: UserState, file: SavedFile): Promise<Set<string>> {
  const { clients, aws, report } = context;
  const tagged = savedKeyIds(user.tags);
  const deleted = new Set<string>();
  for (const key of await listKeys(context, user)) {
    const id = key.AccessKeyId ?? '';
    if (!user.managed && id !== file.accessKeyId && !tagged.has(id)) {
      report.step('access key', 'skipped', `${id} was not created by this tool`);
      continue;
    }
    if (!aws.dryRun)
      await aws.change('iam:DeleteAccessKey', () =>
        clients.iam.send(new DeleteAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id })),
      );
    deleted.add(id);
    report.step('access key', deletedStatus(aws), id);
  }
  return deleted;
}

/** Out of every group under this tool's path: the membership, the policy, and the group once nothing else is in it. */
async function leaveGroups(
  { clients, aws, report }: StepContext,
  arn: string,
): Promise<{ groups: Group[]; deletedGroups: Set<string> }> {
  const groups =
    (
      await aws.read('iam:ListGroupsForUser', () =>
        clients.iam.send(new ListGroupsForUserCommand({ UserName: USER_NAME })),
      )
    ).Groups ?? [];
  const deletedGroups = new Set<string>();
  for (const group of groups.filter((candidate) => candidate.Path === GROUP_PATH)) {
    const name = group.GroupName ?? '';
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
    if (policies.some((policy) => policy.PolicyArn === arn)) {
      if (!aws.dryRun)
        await aws.change('iam:DetachGroupPolicy', () =>
          clients.iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn: arn })),
        );
      report.step('group policy', deletedStatus(aws), `${POLICY_NAME} from ${name}`);
    }
    const details = await aws.read('iam:GetGroup', () => clients.iam.send(new GetGroupCommand({ GroupName: name })));
    const otherMembers = (details.Users ?? []).filter((member) => member.UserName !== USER_NAME);
    const otherPolicies = policies.filter((policy) => policy.PolicyArn !== arn);
    if (otherMembers.length > 0 || otherPolicies.length > 0) {
      report.step('group', 'skipped', `${name} has other members or policies: left in place`);
      continue;
    }
    if (!aws.dryRun)
      await aws.change('iam:DeleteGroup', () => clients.iam.send(new DeleteGroupCommand({ GroupName: name })));
    deletedGroups.add(name);
    report.step('group', deletedStatus(aws), name);
  }
  return { groups, deletedGroups };
}

/** The policy's direct attachment to the user; returns every policy the user had attached. */
async function detachFromUser({ clients, aws, report }: StepContext, arn: string): Promise<AttachedPolicy[]> {
  const attached =
    (
      await aws.read('iam:ListAttachedUserPolicies', () =>
        clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: USER_NAME })),
      )
    ).AttachedPolicies ?? [];
  if (attached.some((policy) => policy.PolicyArn === arn)) {
    if (!aws.dryRun)
      await aws.change('iam:DetachUserPolicy', () =>
        clients.iam.send(new DetachUserPolicyCommand({ UserName: USER_NAME, PolicyArn: arn })),
      );
    report.step('attachment', deletedStatus(aws), `${POLICY_NAME} from ${USER_NAME}`);
  }
  return attached;
}

/**
 * The user, and its console password first, but only a user this tool created and only when
 * nothing it did not add (another policy, another group) still hangs on it. True when it is gone.
 */
async function deleteUser(
  { clients, aws, report }: StepContext,
  user: UserState,
  held: { attached: readonly AttachedPolicy[]; groups: readonly Group[]; arn: string },
): Promise<boolean> {
  if (!user.managed) {
    report.step('user', 'skipped', `${USER_NAME} was created outside this tool: left in place`);
    return false;
  }
  const blockers = [
    ...held.attached.filter((policy) => policy.PolicyArn !== held.arn).map((policy) => `policy ${policy.PolicyName}`),
    ...held.groups.filter((group) => group.Path !== GROUP_PATH).map((group) => `group ${group.GroupName}`),
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

/** The policy and its older versions, if this tool created it and nothing else is attached to it any more. */
async function deletePolicy(
  { clients, aws, report }: StepContext,
  arn: string,
  user: UserState,
  removed: Removed,
): Promise<void> {
  const policy = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (!policy?.Policy) {
    report.step('policy', 'skipped', `${POLICY_NAME} does not exist`);
    return;
  }
  const tags =
    (await aws.read('iam:ListPolicyTags', () => clients.iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))))
      .Tags ?? [];
  const entities = await aws.read('iam:ListEntitiesForPolicy', () =>
    clients.iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn })),
  );
  // In a dry run nothing was detached yet: leave out what this run would have detached.
  const remaining = [
    ...(entities.PolicyUsers ?? [])
      .filter((entity) => !(aws.dryRun && user.exists && entity.UserName === USER_NAME))
      .map((entity) => `user ${entity.UserName}`),
    ...(entities.PolicyGroups ?? [])
      .filter((entity) => !(aws.dryRun && removed.groups.has(entity.GroupName ?? '')))
      .map((entity) => `group ${entity.GroupName}`),
    ...(entities.PolicyRoles ?? []).map((entity) => `role ${entity.RoleName}`),
  ];
  if (!isManaged(tags)) {
    report.step('policy', 'skipped', `${POLICY_NAME} was created outside this tool: left in place`);
    return;
  }
  if (remaining.length > 0) {
    report.step('policy', 'skipped', `${POLICY_NAME} is still attached to ${remaining.join(', ')}: left in place`);
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
    older.length > 0 ? `${POLICY_NAME} and its ${older.length} older version(s)` : POLICY_NAME,
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
