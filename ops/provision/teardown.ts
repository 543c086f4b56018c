// --teardown: removes what this tool created, in the order IAM requires (keys, group
// membership and attachments before the user; versions and attachments before the
// policy), and only what carries its mark: the managed-by tag, the group path, the
// saved-key tag or the key ID in the credentials file. Anything else is left in place.

import {
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
import { ProvisionError } from './errors.ts';
import { GROUP_PATH, isManaged, POLICY_NAME, USER_NAME } from './names.ts';
import type { Summary } from './report.ts';
import { listKeys, readSavedFile, savedKeyIds } from './steps/accessKey.ts';
import { findAccount } from './steps/account.ts';
import type { StepContext } from './steps/context.ts';
import { policyArn } from './steps/policy.ts';
import { readUser } from './steps/user.ts';

export type Confirm = (question: string) => Promise<boolean>;

export async function teardown(context: StepContext, confirm: Confirm): Promise<Summary> {
  const { options, clients, aws, report } = context;
  const deleted = aws.dryRun ? 'would delete' : 'deleted';
  const account = await findAccount(context);
  const arn = policyArn(account);

  if (!aws.dryRun && !options.yes) {
    const agreed = await confirm(
      `This deletes ${USER_NAME}, its access keys and the ${POLICY_NAME} policy that this tool created in account ${account.accountId}; a deployed skill stops sending mail.`,
    );
    if (!agreed) throw new ProvisionError('Teardown cancelled: nothing was changed.');
  }

  const file = await readSavedFile(options.outFile);
  const user = await readUser(context);
  const deletedKeys = new Set<string>();
  const detachedGroups = new Set<string>();
  let userGone = !user.exists;

  if (!user.exists) {
    report.step('user', 'skipped', `${USER_NAME} does not exist`);
  } else {
    const tagged = savedKeyIds(user.tags);
    for (const key of await listKeys(context, user)) {
      const id = key.AccessKeyId ?? '';
      // A user this tool created goes entirely; on anyone else's user only the keys it saved go.
      if (!user.managed && id !== file.accessKeyId && !tagged.has(id)) {
        report.step('access key', 'skipped', `${id} was not created by this tool`);
        continue;
      }
      if (!aws.dryRun)
        await aws.change('iam:DeleteAccessKey', () =>
          clients.iam.send(new DeleteAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id })),
        );
      deletedKeys.add(id);
      report.step('access key', deleted, id);
    }

    const groups =
      (
        await aws.read('iam:ListGroupsForUser', () =>
          clients.iam.send(new ListGroupsForUserCommand({ UserName: USER_NAME })),
        )
      ).Groups ?? [];
    for (const group of groups.filter((candidate) => candidate.Path === GROUP_PATH)) {
      const name = group.GroupName ?? '';
      if (!aws.dryRun)
        await aws.change('iam:RemoveUserFromGroup', () =>
          clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: name, UserName: USER_NAME })),
        );
      report.step('group member', deleted, `${USER_NAME} from ${name}`);
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
        report.step('group policy', deleted, `${POLICY_NAME} from ${name}`);
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
      detachedGroups.add(name);
      report.step('group', deleted, name);
    }

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
      report.step('attachment', deleted, `${POLICY_NAME} from ${USER_NAME}`);
    }

    if (!user.managed) {
      report.step('user', 'skipped', `${USER_NAME} was created outside this tool: left in place`);
    } else {
      const otherPolicies = attached.filter((policy) => policy.PolicyArn !== arn);
      const otherGroups = groups.filter((group) => group.Path !== GROUP_PATH);
      if (otherPolicies.length > 0 || otherGroups.length > 0) {
        const blockers = [
          ...otherPolicies.map((policy) => `policy ${policy.PolicyName}`),
          ...otherGroups.map((group) => `group ${group.GroupName}`),
        ].join(', ');
        report.step('user', 'skipped', `${USER_NAME} also has ${blockers}, which this tool did not add: left in place`);
      } else {
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
        userGone = true;
        report.step('user', deleted, USER_NAME);
      }
    }
  }

  const policy = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (!policy?.Policy) {
    report.step('policy', 'skipped', `${POLICY_NAME} does not exist`);
  } else {
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
        .filter((entity) => !(aws.dryRun && detachedGroups.has(entity.GroupName ?? '')))
        .map((entity) => `group ${entity.GroupName}`),
      ...(entities.PolicyRoles ?? []).map((entity) => `role ${entity.RoleName}`),
    ];
    if (!isManaged(tags)) {
      report.step('policy', 'skipped', `${POLICY_NAME} was created outside this tool: left in place`);
    } else if (remaining.length > 0) {
      report.step('policy', 'skipped', `${POLICY_NAME} is still attached to ${remaining.join(', ')}: left in place`);
    } else {
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
        deleted,
        older.length > 0 ? `${POLICY_NAME} and its ${older.length} older version(s)` : POLICY_NAME,
      );
    }
  }

  const shownFile = shownPath(options.outFile);
  if (!file.exists) {
    report.step('credentials file', 'skipped', `${shownFile} does not exist`);
  } else if (file.accessKeyId && (userGone || deletedKeys.has(file.accessKeyId))) {
    if (!aws.dryRun) await removeCredentialsFile(options.outFile);
    report.step('credentials file', deleted, `${shownFile} and its CSV (their key is deleted)`);
  } else {
    report.step('credentials file', 'skipped', `${shownFile} is kept: its key was not deleted`);
  }

  return {
    ok: true,
    mode: 'teardown',
    dryRun: aws.dryRun,
    account: account.accountId,
    region: options.region,
    next: aws.dryRun
      ? 'Dry run: nothing was changed. Run the same command without --dry-run to delete these.'
      : 'Removed what this tool created. SES identities stay verified: remove them in the SES console if you no longer need them.',
  };
}
