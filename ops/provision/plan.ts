// The provisioning plan: from the state read once (state.ts) and the options, the ordered list of
// what the run shows and changes, pure and testable without any server; then the closing summary.

import { maskAddress } from '../../lambda/log.ts';
import { SENDER_ROLE_NAME } from '../../lambda/mail/roleTrustPolicy.ts';
import { DEFAULT_CREDENTIALS_FILE } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';
import { type Check, isChange, type Plan, type PlanItem, Refusal, step } from './change.ts';
import type { StepContext } from './context.ts';
import type { ConfigurationSetReport, DomainReport } from './deliverabilityReport.ts';
import { ProvisionError } from './errors.ts';
import { auditPermissions, auditRole, checkAfterChanges } from './grantAudit.ts';
import { attachedPolicies } from './managedPolicies.ts';
import { USER_NAME } from './names.ts';
import { deployCommand, type ProvisionOptions, retireOldKeyCommand } from './options.ts';
import { checkOwnership } from './ownership.ts';
import type { Summary } from './print.ts';
import { type KeyOutcome, planAccessKey } from './resources/accessKey.ts';
import { planAccount } from './resources/account.ts';
import { planAttachments } from './resources/attachments.ts';
import { checkBoundary, planBoundary, roleIdentity, userIdentity } from './resources/boundary.ts';
import { planConfigurationSet, planConfigurationSetSetting } from './resources/configurationSet.ts';
import { type DomainOutcome, planDomain } from './resources/domain.ts';
import { checkIdentityPolicies } from './resources/identityPolicies.ts';
import {
  checkLimitTable,
  checkLimitTablePolicy,
  planLimitTable,
  planLimitTableSetting,
} from './resources/limitTable.ts';
import { type PolicyChangesMade, planPolicy } from './resources/policies.ts';
import { checkRole, planRole, planRoleOutput } from './resources/role.ts';
import { freeMailWarning, planAddress, planSender, planSending, sandboxAdvice } from './resources/sender.ts';
import { NO_USER, planUser } from './resources/user.ts';
import type { ProvisionState } from './state.ts';

// dist/provision.cjs (ops/build/provisionBundle.ts defines it) runs where the skill project is not,
// AWS CloudShell: the key file it writes must first reach the project, where the deploy runs.
declare const PROVISION_LONE_FILE: boolean | undefined;
const RUNS_OUTSIDE_PROJECT = typeof PROVISION_LONE_FILE !== 'undefined' && PROVISION_LONE_FILE;

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

/**
 * First only checks, and a refusal there changes nothing; then the changes, in the order that keeps
 * every interruption safe to repeat, with the key created last, when everything it needs is in
 * place; the permissions are checked once more between the new key and its file (grantAudit.ts),
 * since an administrator may have attached something while the run made its changes.
 */
export function planProvision(state: ProvisionState, options: ProvisionOptions): Plan & { outcomes: Outcomes } {
  const fromAddress = options.fromAddress ?? '';
  const { account, granted, limitTable, configurationSet: set, file, hostedRole, sender } = state;
  const made: PolicyChangesMade = new Map();
  const items: PlanItem[] = [planAccount(account)];
  let outcomes: Outcomes = { senderVerified: false, setRecorded: false };
  try {
    // With --hosted-role-arn the role takes the user's place: the user and its key are left as they are.
    checkOwnership(options, hostedRole ? { ...state, user: NO_USER } : state);
    if (limitTable) checkLimitTable(options, limitTable);
    const identity = hostedRole ? roleIdentity(hostedRole.role) : userIdentity(state.user);
    if (hostedRole) items.push(...checkRole(hostedRole.role, options));
    checkBoundary(identity, granted, options);
    // The role's own checks: what it may do, besides who may assume it (resources/role.ts).
    items.push(
      ...(hostedRole
        ? auditRole(SENDER_ROLE_NAME, hostedRole.role, hostedRole.held, state, options)
        : auditPermissions(state, options)),
    );
    checkIdentityPolicies(state.identityPolicies, state.user, account, options);
    if (limitTable) checkLimitTablePolicy(limitTable, state.user, account, options, hostedRole?.role.arn);
    const beforeSaving = (context: StepContext) => checkAfterChanges(context, account, granted, made);
    const key = hostedRole ? undefined : planAccessKey(state.keys, file, { options, fromAddress, beforeSaving });
    items.push(...(key?.checks ?? []));

    const domain = state.domain && planDomain(state.domain, fromAddress, options.region);
    if (domain) items.push(...domain.items);
    else if (sender) items.push(planSender(fromAddress, sender, options.region), ...freeMailWarning(fromAddress));
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
      items.push(
        step('policy scope').warning(
          '--any-sender: the key may send from any identity and any From address of this account; not least privilege',
        ),
      );
    if (limitTable) items.push(...planLimitTable(limitTable, options));
    for (const policy of state.policies) items.push(...planPolicy(policy, made));
    if (hostedRole) {
      const { role, recorded, externalId } = hostedRole;
      items.push(...planRole(role, attachedPolicies(granted), options, externalId), ...planBoundary(identity, granted));
      const { accountId, partition } = account;
      items.push(
        planRoleOutput(recorded, role, options, { externalId, accountId, partition, limitTable: limitTable?.name }),
      );
    } else if (key) {
      items.push(...planUser(state.user), ...planAttachments(state.user, attachedPolicies(granted), state.group));
      items.push(
        ...planBoundary(identity, granted),
        ...key.items,
        keyCanDoWhatTheUserWasGiven(key.outcome, state, made, options),
      );
    }
    // With the role, its one output change records these too.
    if (limitTable && key) items.push(planLimitTableSetting(limitTable.name, file, options.outFile));
    const setSetting = set && key && planConfigurationSetSetting(set.name, file, options.outFile, key.writesFile);
    if (setSetting) items.push(setSetting);
    outcomes = {
      ...(key ? { key: key.outcome } : {}),
      ...(domain ? { domain: domain.outcome } : {}),
      senderVerified: domain
        ? domain.outcome.verified
        : sender?.addressStatus === 'Success' || !!sender?.domainVerified,
      ...(setPlan ? { configurationSet: setPlan.outcome } : {}),
      setRecorded: !!setSetting && isChange(setSetting),
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

/** With --hosted-role-arn: the export, and which way each build sends when the file holds a key too. */
function hostedNextSteps(state: ProvisionState, shownFile: string): string[] {
  const steps = [
    `Next: export the skill into its hosted repository (\`npm run hosted -- --into DIR\`, docs/hosted.md); the export reads ${SENDER_ROLE_NAME} and its external ID from ${shownFile}.`,
  ];
  if (state.file.accessKeyId)
    steps.push(
      `${shownFile} also holds the key ${state.file.accessKeyId} of ${USER_NAME}: the next \`npm run hosted\` uses the role (the key only with --embed-key), and the next \`npx ask deploy\` of a self-hosted skill embeds the key.`,
    );
  return steps;
}

/** What --json reports of the domain: its report, without what only the summary's sentences use. */
function domainReport({ verified, addressVerified, ...report }: DomainOutcome): DomainReport {
  return report;
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
    const sender = maskAddress(fromAddress);
    next.push(
      !report.changed
        ? `Nothing to change: the policy, ${options.hostedRoleArn ? 'the role and its trust policy' : 'the user and its key'} are in place.`
        : options.hostedRoleArn
          ? `Done: ${SENDER_ROLE_NAME} can send mail as ${sender}, and only ${options.hostedRoleArn} may assume it, with the external ID in ${shownFile}.`
          : `Done: ${USER_NAME} can send mail as ${sender} with the key in ${shownFile}.`,
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
    if (state.sending.sandbox) next.push(sandboxAdvice(fromAddress, options.verifyRecipients, domain?.domain));
    if (configurationSet?.subscriptions.some((subscription) => subscription.status !== 'confirmed'))
      next.push(
        'Confirm the topic subscription: click "Confirm subscription" in the mail from AWS Notifications, or no bounce or complaint reaches you.',
      );
    if (RUNS_OUTSIDE_PROJECT)
      next.push(
        `This ran outside the skill project: download ${options.outFile} (in AWS CloudShell: Actions → Download file) and put it in the project as ${shownPath(DEFAULT_CREDENTIALS_FILE)} (chmod 600); the commands below run there.`,
      );
    const deploy = deployCommand(options);
    const oldKeys = key?.oldKeyIds.join(' and ');
    if (options.hostedRoleArn) {
      next.push(...hostedNextSteps(state, shownFile));
    } else if (key?.created && oldKeys) {
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
    } else if (key?.senderChanged) {
      const before = `${maskAddress(state.file.fromAddress ?? '')} in ${state.file.region ?? '(no region)'}`;
      next.push(
        `Next: deploy the skill again (\`${deploy}\`, or \`${deploy.replace(/npx ask deploy$/, 'npm run hosted -- --into DIR')}\` for an Alexa-hosted skill) so that it sends as ${maskAddress(fromAddress)} through SES in ${options.region}: the deployed skill still sends as ${before}${options.anySender ? '' : ', which the policy no longer allows'}.`,
      );
    } else if (outcomes.setRecorded && !key?.created) {
      next.push(
        `Next: redeploy the skill (\`${deploy}\`) so that it sends through the configuration set ${configurationSet?.name}.`,
      );
    } else {
      next.push(`Next: deploy the skill (\`${deploy}\`); the build reads the key from ${shownFile}.`);
    }
    if (!options.hostedRoleArn && state.roleRecorded)
      next.push(
        `${shownFile} also records the role ${SENDER_ROLE_NAME}: the next \`${deploy}\` of a self-hosted skill embeds the key, while the next \`npm run hosted\` uses the role (the key only with --embed-key).`,
      );
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
    ...(domain ? { domain: domainReport(domain) } : {}),
    ...(configurationSet ? { configurationSet } : {}),
    next: next.join('\n'),
  };
}
