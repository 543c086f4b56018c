// Before any change: who made the user, the policies and the --group group that carry this tool's
// names. What this tool did not create is never changed: provisioning stops, unless --adopt, which
// uses such a user or group as it is and such a policy only when its document is exactly this tool's.
// Nor is a policy of this tool's that others hold: a new version would change what they may do;
// nor a --group group with other members, who would get what the group is granted.

import { type Finding, finding, Refusal } from './change.ts';
import { GROUP_PATH, USER_NAME } from './names.ts';
import { type AdoptKind, adoptFlags, type ProvisionOptions } from './options.ts';
import { samePolicyDocument } from './policyDocument.ts';
import type { GroupState } from './resources/attachments.ts';
import type { PolicyState } from './resources/policies.ts';
import type { UserState } from './resources/user.ts';

/** IAM has one customer policy of a name per account: one elsewhere keeps this tool from creating its own. */
function checkNameFree(policies: readonly PolicyState[]): void {
  const taken = policies.filter((state) => !state.exists && state.sameNameElsewhere);
  if (taken.length === 0) return;
  throw new Refusal(
    taken.map((state) => finding('policy', 'refused', `${state.name} exists elsewhere, as ${state.sameNameElsewhere}`)),
    `Nothing was changed: ${taken.map((state) => `a policy named ${state.name} exists at ${state.sameNameElsewhere}`).join(', and ')}, and IAM allows one policy of a name in an account, so this tool cannot create its own; delete or rename ${taken.length > 1 ? 'them' : 'it'} once nothing needs ${taken.length > 1 ? 'them' : 'it'}, then run again.`,
  );
}

/** A new version of a policy of this tool's that others hold would change what they may do. */
function checkNotShared(policies: readonly PolicyState[]): void {
  const shared = policies.filter(
    (state) =>
      state.exists && state.otherHolders.length > 0 && !samePolicyDocument(state.document, state.policy.document),
  );
  if (shared.length === 0) return;
  const [first] = shared;
  throw new Refusal(
    shared.map((state) =>
      finding(
        'policy',
        'refused',
        `${state.name} needs a new document, but ${state.otherHolders.join(', ')} ${state.otherHolders.length > 1 ? 'hold' : 'holds'} it too`,
      ),
    ),
    `Nothing was changed: ${shared.map((state) => state.name).join(' and ')} would need a new document, and ${first?.otherHolders.join(', ')} would get it too (whatever it grants them now, they would lose); detach it from them (\`aws iam list-entities-for-policy --policy-arn ${first?.arn}\` lists them), then run again.`,
  );
}

/** Whatever the --group group is granted, each of its members gets: it must hold no one but the user. */
function checkGroupMembers(options: ProvisionOptions, group: GroupState | undefined): void {
  const others = group?.members.filter((member) => member !== USER_NAME) ?? [];
  if (!group || others.length === 0) return;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  throw new Refusal(
    [finding('group', 'refused', `${group.name} has other members: ${others.join(', ')}`)],
    `Nothing was changed: the group ${group.name} also holds ${others.join(', ')}, who would be allowed to send mail as the skill too; choose a group that holds no one but ${USER_NAME}, or take ${others.length > 1 ? 'them' : 'that user'} out of it (\`aws iam remove-user-from-group --group-name ${group.name} --user-name ${others[0]}${profile}\`${others.length > 1 ? ', and so on' : ''}), then run again.`,
  );
}

/**
 * Stops, naming each, when a user, policy or group with this tool's names was made by someone
 * else and --adopt does not name its kind, when such a policy's document is not exactly this tool's, when
 * one of its policies cannot be created or would change for others too.
 */
export function checkOwnership(
  options: ProvisionOptions,
  found: { user: UserState; policies: readonly PolicyState[]; group?: GroupState | undefined },
): void {
  checkNameFree(found.policies);
  const { user, group } = found;
  const refused: Finding[] = [];
  const foreign: { readonly kind: AdoptKind; readonly what: string }[] = [];
  const rewritten: PolicyState[] = [];
  // What --adopt does not name is refused, and the refusal names the --adopt that would allow it.
  const unlessAdopted = (kind: AdoptKind, what: string, detail: string) => {
    if (options.adopt.has(kind)) return;
    foreign.push({ kind, what });
    refused.push(finding(kind, 'refused', detail));
  };
  if (user.exists && !user.managed)
    unlessAdopted(
      'user',
      `the user ${USER_NAME}`,
      `${USER_NAME} exists but this tool did not create it (no managed-by tag)`,
    );
  for (const state of found.policies.filter((candidate) => candidate.exists && !candidate.managed)) {
    // A policy this tool did not create is used only as it is, and only when it says exactly what this tool's would.
    if (samePolicyDocument(state.document, state.policy.document)) {
      unlessAdopted(
        'policy',
        `the policy ${state.name}`,
        `${state.name} exists but this tool did not create it (no managed-by tag)`,
      );
      continue;
    }
    rewritten.push(state);
    refused.push(
      finding(
        'policy',
        'refused',
        `${state.name} exists but this tool did not create it, and its document is not this tool's: it is never rewritten`,
      ),
    );
  }
  if (group?.exists && !group.managed)
    unlessAdopted(
      'group',
      `the group ${group.name}`,
      `${group.name} exists but this tool did not create it (not under ${GROUP_PATH})`,
    );

  if (rewritten.length > 0) {
    const deletions = rewritten.map((state) => `\`aws iam delete-policy --policy-arn ${state.arn}\``);
    throw new Refusal(
      refused,
      `${rewritten.map((state) => state.name).join(' and ')} was made outside this tool with another document, and this tool never rewrites a policy it did not create (whoever uses it would lose or gain permissions), so nothing was changed: delete it once nothing needs it (${deletions.join(' and ')}, after detaching it and deleting its other versions), then run again; --adopt cannot help, since it only uses such a policy when its document is exactly this tool's.`,
    );
  }
  if (foreign.length > 0) {
    throw new Refusal(
      refused,
      `Nothing was changed: this tool did not create ${foreign.map((item) => item.what).join(', ')}, which already ${foreign.length > 1 ? 'exist' : 'exists'} in the account; run again with ${adoptFlags(foreign.map((item) => item.kind))} to use what exists as it is (the user's permissions are still checked, and --teardown will leave it in place), or delete what this tool did not create and run again.`,
    );
  }
  checkGroupMembers(options, group);
  checkNotShared(found.policies);
}
