// --teardown as a plan: from the state read once, the deletions in the order IAM requires, of what
// carries this tool's mark (the managed-by tag, the group path, the saved-key tag or the key ID in
// the credentials file), and nothing else: of the attachments, only those of a policy this tool
// created to the user or to its own group. A dry run prints exactly the list a real run carries out,
// and the question a real run asks first names what that same list deletes.

import { removeCredentialsFile } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';
import { type Check, change, finding, isChange, type Plan, type PlanItem } from './change.ts';
import { ProvisionError } from './errors.ts';
import { GROUP_PATH, USER_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import type { Summary } from './print.ts';
import { planKeyDeletion } from './resources/accessKey.ts';
import { planAccount } from './resources/account.ts';
import { planDetachingFromUser, planLeavingGroups } from './resources/attachments.ts';
import { planBoundaryRemoval, roleIdentity, userIdentity } from './resources/boundary.ts';
import { planConfigurationSetDeletion } from './resources/configurationSet.ts';
import { planLimitTableDeletion } from './resources/limitTable.ts';
import { planPolicyDeletion } from './resources/policies.ts';
import { planRoleDeletion, roleHolding } from './resources/role.ts';
import { deleteUser } from './resources/user.ts';
import type { TeardownState } from './state.ts';

export type Confirm = (question: string) => Promise<boolean>;

// What is only taken off something else (an attachment, a group membership, a boundary) is not named:
// it goes with what it was on, or leaves a policy the sentence already names.
const TAKEN_OFF = new Set(['attachment', 'group member', 'group policy', 'role policy', 'boundary']);

/** The sentence the question asks, from the deletions the plan makes: "user X; policy A, B and C; …". */
export function deletionSentence(deletions: readonly PlanItem[], accountId: string): string {
  const named = new Map<string, string[]>();
  for (const item of deletions)
    if (isChange(item) && item.action === 'delete' && !TAKEN_OFF.has(item.step))
      named.set(item.step, [...(named.get(item.step) ?? []), item.detail]);
  const list = new Intl.ListFormat('en');
  const what = [...named].map(([step, details]) => `${step} ${list.format(details)}`).join('; ');
  return `This deletes, in account ${accountId}: ${what}. A deployed skill stops sending mail.`;
}

/** The question a real run asks before its first deletion, unless --yes or there is nothing to delete. */
function askFirst(
  deletions: readonly PlanItem[],
  accountId: string,
  options: ProvisionOptions,
  confirm: Confirm,
): Check {
  return {
    check: async () => {
      if (options.yes || !deletions.some(isChange)) return;
      if (!(await confirm(deletionSentence(deletions, accountId))))
        throw new ProvisionError('Teardown cancelled: nothing was changed.');
    },
  };
}

export function planTeardown(state: TeardownState, options: ProvisionOptions, confirm: Confirm): Plan {
  const deletions = planDeletions(state, options);
  return {
    items: [planAccount(state.account), askFirst(deletions, state.account.accountId, options, confirm), ...deletions],
  };
}

/** The deletions, in the order IAM requires; the question before them is made from this same list. */
function planDeletions(state: TeardownState, options: ProvisionOptions): PlanItem[] {
  const { user, toolPolicies, file } = state;
  const items: PlanItem[] = [];
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
    items.push(...planBoundaryRemoval(userIdentity(user), toolPolicies));
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
  if (state.role?.exists) {
    // Only off a role this tool made: an adopted one is left as it is, boundary and all.
    if (state.role.managed) items.push(...planBoundaryRemoval(roleIdentity(state.role), toolPolicies));
    items.push(...planRoleDeletion(state.role, toolPolicies));
  }
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
  return items;
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
