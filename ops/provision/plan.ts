// The provisioning plan: from the state read once (state.ts) and the options, the ordered list of
// what the run shows and changes, pure and testable without any server. First only checks, and a
// refusal there changes nothing; then the changes, in the order that keeps every interruption safe
// to repeat, with the key created last, when everything it needs is in place; the permissions are
// checked once more between the new key and its file (grantAudit.ts), since an administrator may
// have attached something while the run made its changes. Then the summary with the next steps.

import { maskAddress } from '../../lambda/log.ts';
import { shownPath } from '../paths.ts';
import { type Check, isChange, type Plan, type PlanItem, Refusal } from './change.ts';
import type { StepContext } from './context.ts';
import type { ConfigurationSetReport } from './deliverabilityReport.ts';
import { ProvisionError } from './errors.ts';
import { auditPermissions, checkAfterChanges } from './grantAudit.ts';
import { attachedPolicies } from './managedPolicies.ts';
import { deployCommand, type ProvisionOptions, retireOldKeyCommand } from './options.ts';
import { checkOwnership } from './ownership.ts';
import type { Summary } from './print.ts';
import { type KeyOutcome, planAccessKey } from './resources/accessKey.ts';
import { planAccount } from './resources/account.ts';
import { planAttachments } from './resources/attachments.ts';
import { checkBoundary, planBoundary } from './resources/boundary.ts';
import { planConfigurationSet, planConfigurationSetSetting } from './resources/configurationSet.ts';
import { type DomainOutcome, planDomain } from './resources/domain.ts';
import { checkIdentityPolicies } from './resources/identityPolicies.ts';
import { checkLimitTable, planLimitTable, planLimitTableSetting } from './resources/limitTable.ts';
import { type PolicyChangesMade, planPolicy } from './resources/policies.ts';
import { planAddress, planSender, planSending } from './resources/sender.ts';
import { planUser } from './resources/user.ts';
import type { ProvisionState } from './state.ts';

/** What the run's changes leave behind, for the summary: as planned, then as each change answered. */
export interface Outcomes {
  readonly key?: KeyOutcome;
  readonly domain?: DomainOutcome;
  /** SES may send from the address already (it, or its domain, is verified). */
  readonly senderVerified: boolean;
  readonly configurationSet?: ConfigurationSetReport;
  /** The configuration set's name goes into the key file: a redeploy is due. */
  readonly setRecorded: boolean;
}

export function planProvision(state: ProvisionState, options: ProvisionOptions): Plan & { outcomes: Outcomes } {
  const fromAddress = options.fromAddress ?? '';
  const { account, granted, limitTable, configurationSet: set, file } = state;
  const made: PolicyChangesMade = new Map();
  const items: PlanItem[] = [planAccount(account)];
  let outcomes: Outcomes = { senderVerified: false, setRecorded: false };
  try {
    checkOwnership(options, state);
    if (limitTable) checkLimitTable(options, limitTable);
    checkBoundary(state.user, granted, options);
    items.push(...auditPermissions(state, options));
    checkIdentityPolicies(state.identityPolicies, state.user, account, options);
    const key = planAccessKey(state.user, state.keys, file, {
      options,
      fromAddress,
      beforeSaving: (context) => checkAfterChanges(context, account, granted, made),
    });
    items.push(...key.checks);

    let domain: DomainOutcome | undefined;
    if (state.domain) {
      const planned = planDomain(state.domain, fromAddress, options.region);
      items.push(...planned.items);
      domain = planned.outcome;
    } else if (state.sender) {
      items.push(planSender(fromAddress, state.sender, options.region));
    }
    // Each address is asked about once: one the run has just asked SES to verify is pending by then.
    const asked = new Set(items.filter(isChange).map((item) => (item.step === 'sender' ? fromAddress : '')));
    for (const recipient of options.verifyRecipients) {
      const status = asked.has(recipient) ? 'Pending' : state.recipients[recipient];
      items.push(planAddress('recipient', recipient, status, options.region));
      if (status === undefined) asked.add(recipient);
    }
    items.push(...planSending(state.sending, options.region));
    const setPlan = set && planConfigurationSet(set, options);
    if (setPlan) items.push(...setPlan.items);
    if (options.anySender)
      items.push({
        step: 'policy scope',
        status: 'warning',
        detail:
          '--any-sender: the key may send from any identity and any From address of this account; not least privilege',
      });
    if (limitTable) items.push(...planLimitTable(limitTable, options));
    for (const policy of state.policies) items.push(...planPolicy(policy, made));
    items.push(...planUser(state.user));
    items.push(...planAttachments(state.user, attachedPolicies(granted), state.group));
    items.push(...planBoundary(state.user, granted));
    items.push(...key.items, keyCanDoWhatTheUserWasGiven(key.outcome, state, made, options));
    if (limitTable) items.push(planLimitTableSetting(limitTable.name, file, options.outFile));
    const setSetting = set && planConfigurationSetSetting(set.name, file, options.outFile, key.writesFile);
    if (setSetting) items.push(setSetting);
    const sender = state.sender;
    outcomes = {
      key: key.outcome,
      ...(domain ? { domain } : {}),
      senderVerified: domain
        ? domain.verified
        : sender?.addressStatus === 'Success' || (sender?.domainVerified ?? false),
      ...(setPlan ? { configurationSet: setPlan.outcome } : {}),
      setRecorded: setSetting !== undefined && isChange(setSetting),
    };
    return { items, outcomes };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { items: [...items, ...error.findings], refusal: error.message, outcomes };
  }
}

/** A key made earlier can do whatever the user was given meanwhile: said, though not undone. */
function keyCanDoWhatTheUserWasGiven(
  key: KeyOutcome,
  state: ProvisionState,
  made: PolicyChangesMade,
  options: ProvisionOptions,
): Check {
  return {
    check: async (context: StepContext) => {
      if (key.created || !context.report.changed) return;
      const refusal = await checkAfterChanges(context, state.account, state.granted, made);
      if (refusal)
        throw new ProvisionError(refusal(`the key ${key.accessKeyId} in ${shownPath(options.outFile)} can do so too`));
    },
  };
}

/** The closing lines: what is done, and what the owner does next. */
export function provisionSummary(
  state: ProvisionState,
  options: ProvisionOptions,
  outcomes: Outcomes,
  report: { changed: boolean; plannedChanges: boolean },
): Summary {
  const fromAddress = options.fromAddress ?? '';
  const { key, domain, configurationSet } = outcomes;
  const shownFile = shownPath(options.outFile);
  const next: string[] = [];
  if (options.dryRun) {
    next.push(
      report.plannedChanges
        ? 'Dry run: nothing was changed. Run the same command without --dry-run to make these changes.'
        : 'Dry run: everything is in place; a real run would change nothing.',
    );
  } else {
    next.push(
      report.changed
        ? `Done: AlexaSkillMailSender can send mail as ${maskAddress(fromAddress)} with the key in ${shownFile}.`
        : 'Nothing to change: the policy, the user and its key are in place.',
    );
    if (!outcomes.senderVerified)
      next.push(
        domain
          ? `Before the skill can send, publish the DNS records above for ${domain.domain}; SES looks for them for up to 72 hours: run this command again to see the status.`
          : `Before the skill can send, click the link in the mail SES sent to ${maskAddress(fromAddress)}.`,
      );
    if (!state.sending.sendingEnabled)
      next.push(
        `AWS has paused this account's sending in ${options.region}: see the SES console's reputation page (docs/deliverability.md).`,
      );
    if (state.sending.sandbox)
      next.push(
        'While the account is in the SES sandbox, SES delivers only to verified addresses: run again with --verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS, and request production access in the SES console.',
      );
    if (configurationSet?.subscriptions.some((subscription) => subscription.status !== 'confirmed'))
      next.push(
        'Confirm the topic subscription: click "Confirm subscription" in the mail from AWS Notifications, or no bounce or complaint reaches you.',
      );
    const deploy = deployCommand(options);
    const oldKeys = key?.oldKeyIds.join(' and ');
    if (key?.created && oldKeys) {
      next.push(
        `Next: redeploy the skill now (\`${deploy}\`) so that it sends with the new key ${key.accessKeyId}; the old key ${oldKeys} stays active until you retire it, so the deployed skill keeps sending meanwhile.`,
      );
      next.push(
        `Then, once the redeployed skill has sent a mail, retire the old key: \`${retireOldKeyCommand(options)}\``,
      );
    } else if (oldKeys) {
      next.push(
        `Next: if the deployed skill does not have the key ${key?.accessKeyId} yet, redeploy it (\`${deploy}\`); then retire the old key ${oldKeys}: \`${retireOldKeyCommand(options)}\``,
      );
    } else if (outcomes.setRecorded && !key?.created) {
      next.push(
        `Next: redeploy the skill (\`${deploy}\`) so that it sends through the configuration set ${configurationSet?.name}.`,
      );
    } else {
      next.push(`Next: deploy the skill (\`${deploy}\`); the build reads the key from ${shownFile}.`);
    }
  }
  return {
    ok: true,
    mode: 'provision',
    dryRun: options.dryRun,
    account: state.account.accountId,
    region: options.region,
    credentialsFile: options.outFile,
    ...(key?.accessKeyId ? { accessKeyId: key.accessKeyId } : {}),
    sesAccount: state.sending,
    ...(domain
      ? {
          domain: {
            domain: domain.domain,
            verificationStatus: domain.verificationStatus,
            dkimStatus: domain.dkimStatus,
            records: domain.records,
          },
        }
      : {}),
    ...(configurationSet ? { configurationSet } : {}),
    next: next.join('\n'),
  };
}
