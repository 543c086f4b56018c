// --teardown as a plan: from the state read once, the deletions in the order IAM requires, of what
// carries this tool's mark (the managed-by tag, the group path, the saved-key tag or the key ID in
// the credentials file), and nothing else: of the attachments, only those of a policy this tool
// created to the user or to its own group. A dry run prints exactly the list a real run carries out.

import { SENDER_ROLE_NAME } from '../../lambda/mail/roleTrustPolicy.ts';
import { removeCredentialsFile } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';
import { type Check, change, finding, isChange, type Plan, type PlanItem } from './change.ts';
import { ProvisionError } from './errors.ts';
import { MANAGED_POLICIES } from './managedPolicies.ts';
import { GROUP_PATH, USER_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import type { Summary } from './print.ts';
import { planKeyDeletion } from './resources/accessKey.ts';
import { planAccount } from './resources/account.ts';
import { planDetachingFromUser, planLeavingGroups } from './resources/attachments.ts';
import { planBoundaryRemoval } from './resources/boundary.ts';
import { planConfigurationSetDeletion } from './resources/configurationSet.ts';
import { planLimitTableDeletion } from './resources/limitTable.ts';
import { planPolicyDeletion } from './resources/policies.ts';
import { planRoleDeletion, roleHolding } from './resources/role.ts';
import { deleteUser } from './resources/user.ts';
import type { TeardownState } from './state.ts';

export type Confirm = (question: string) => Promise<boolean>;

/** The question a real run asks before its first deletion, unless --yes. */
function askFirst(state: TeardownState, options: ProvisionOptions, confirm: Confirm): Check {
  return {
    check: async () => {
      if (options.yes) return;
      const agreed = await confirm(
        `This deletes ${USER_NAME}, its access keys, ${state.role?.exists ? `the role ${SENDER_ROLE_NAME}, ` : ''}the ${new Intl.ListFormat('en').format(MANAGED_POLICIES.map(({ name }) => name))} policies and any limit table that this tool created in account ${state.account.accountId}; a deployed skill stops sending mail.`,
      );
      if (!agreed) throw new ProvisionError('Teardown cancelled: nothing was changed.');
    },
  };
}

export function planTeardown(state: TeardownState, options: ProvisionOptions, confirm: Confirm): Plan {
  const { user, toolPolicies, file } = state;
  const items: PlanItem[] = [planAccount(state.account), askFirst(state, options, confirm)];
  const ours = new Set(toolPolicies.filter((policy) => policy.managed).map((policy) => policy.arn));
  /** Who the plan takes a policy of this tool's from before deleting it: "user NAME", "group NAME". */
  const detaching = (arn: string) =>
    new Set([
      ...(user.attached.some((policy) => policy.PolicyArn === arn) || user.permissionsBoundary === arn
        ? [`user ${USER_NAME}`]
        : []),
      ...state.groups
        .filter((group) => group.attached.some((policy) => policy.PolicyArn === arn))
        .map((group) => `group ${group.name}`),
      ...(state.role ? roleHolding(state.role, arn) : []),
    ]);
  let userGone = !user.exists;
  let deletedKeys = new Set<string>();
  if (user.exists) {
    const keys = planKeyDeletion(state.keys, file);
    deletedKeys = keys.deleted;
    items.push(...keys.items);
    items.push(...planLeavingGroups(state.groups, ours));
    items.push(...planDetachingFromUser(user, toolPolicies));
    items.push(...planBoundaryRemoval(user, toolPolicies));
    // Only a user this tool created, and only when nothing it did not add still hangs on it.
    const blockers = [
      ...user.attached
        .filter((policy) => !ours.has(policy.PolicyArn ?? ''))
        .map((policy) => `policy ${policy.PolicyName}`),
      ...user.groups.filter((group) => group.Path !== GROUP_PATH).map((group) => `group ${group.GroupName}`),
      ...keys.kept.map((key) => `access key ${key}`),
    ];
    if (!user.managed) {
      items.push(finding('user', 'skipped', `${USER_NAME} was created outside this tool: left in place`));
    } else if (blockers.length > 0) {
      items.push(
        finding(
          'user',
          'skipped',
          `${USER_NAME} also has ${blockers.join(', ')}, which this tool did not add: left in place`,
        ),
      );
    } else {
      items.push(deleteUser(user));
      userGone = true;
    }
  } else {
    items.push(finding('user', 'skipped', `${USER_NAME} does not exist`));
  }
  if (state.role?.exists) items.push(...planRoleDeletion(state.role, toolPolicies));
  // Before the policies: AlexaSkillMailLimit names the table.
  items.push(...planLimitTableDeletion(state.limitTables));
  for (const policy of toolPolicies) items.push(...planPolicyDeletion(policy, detaching(policy.arn)));
  if (state.configurationSet) items.push(...planConfigurationSetDeletion(state.configurationSet));

  // The key file and its CSV, once the key they hold is deleted; a file whose key survives is kept.
  const shownFile = shownPath(options.outFile);
  if (!file.exists) {
    items.push(finding('credentials file', 'skipped', `${shownFile} does not exist`));
  } else if (
    file.accessKeyId ? userGone || deletedKeys.has(file.accessKeyId) : roleGone(state) && state.roleRecorded === true
  ) {
    items.push(
      change(
        'credentials file',
        'delete',
        file.accessKeyId ? `${shownFile} and its CSV (their key is deleted)` : `${shownFile} (its role is deleted)`,
        async () => void (await removeCredentialsFile(options.outFile)),
      ),
    );
  } else {
    items.push(finding('credentials file', 'skipped', `${shownFile} is kept: its key was not deleted`));
  }
  return { items };
}

/** Whether the role is gone once the plan is carried out: a file that records only it is then of no use. */
function roleGone(state: TeardownState): boolean {
  const role = state.role;
  if (!role?.exists) return true;
  return planRoleDeletion(role, state.toolPolicies).some((item) => isChange(item) && item.step === 'role');
}

export function teardownSummary(state: TeardownState, options: ProvisionOptions): Summary {
  return {
    ok: true,
    mode: 'teardown',
    dryRun: options.dryRun,
    account: state.account.accountId,
    region: options.region,
    next: options.dryRun
      ? 'Dry run: nothing was changed. Run the same command without --dry-run to delete these.'
      : 'Removed what this tool created. SES identities (addresses, and a --domain domain) stay verified: remove them in the SES console if you no longer need them.',
  };
}
