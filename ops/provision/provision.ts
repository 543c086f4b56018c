// The provisioning run, step by step in the order that keeps every interruption safe to
// repeat: first only reads (the account, the sender, who made what, everything the user may do,
// its keys), and a refusal there changes nothing; then the changes, with the key created last,
// when everything it needs is in place; and the permission check once more before the key's file
// is written, since an administrator may have attached something while the run made its changes.
// IAM is eventually consistent: that check leaves out the stale views of what the run itself did,
// and reads again a few times before it counts anything else.

import { maskAddress } from '../../lambda/log.ts';
import { shownPath } from '../paths.ts';
import { ProvisionError } from './errors.ts';
import { type GrantedPolicy, grantedPolicies } from './managedPolicies.ts';
import { LIMIT_POLICY_NAME, POLICY_NAME, USER_NAME } from './names.ts';
import { deployCommand, retireOldKeyCommand } from './options.ts';
import type { Summary } from './report.ts';
import { ensureAccessKey, type KeyRefusal, planAccessKey } from './steps/accessKey.ts';
import { findAccount } from './steps/account.ts';
import { ensureAttached } from './steps/attachment.ts';
import {
  type AuditSubject,
  auditPermissions,
  type ExtraGrant,
  findExtraGrants,
  reportExtraGrants,
} from './steps/audit.ts';
import { configurationSetInUse, ensureConfigurationSet, recordInKeyFile } from './steps/configurationSet.ts';
import type { Account, StepContext } from './steps/context.ts';
import { type DomainOutcome, ensureDomain, keptDomain, readDomain } from './steps/domain.ts';
import { checkLimitTable, ensureLimitTable, limitTableInUse, recordLimitTableInKeyFile } from './steps/limitTable.ts';
import { checkOwnership, readGroupState } from './steps/ownership.ts';
import { ensurePolicy } from './steps/policy.ts';
import { checkSending, ensureRecipientsVerified, ensureSenderVerified, readSender } from './steps/ses.ts';
import { grantedStates, type PolicyChanges, type PolicyFound, readToolPolicies } from './steps/toolPolicies.ts';
import { ensureUser, readUser } from './steps/user.ts';

/** The pauses before reading IAM again when the check after the changes finds a grant: three reads over about 5 s. */
export const REREAD_PAUSES_MS: readonly number[] = [1000, 4000];

/** What the permission check looks at: the user, this run's policies as IAM holds them, and the --group group. */
async function readAuditSubject(
  context: StepContext,
  account: Account,
  toolPolicies: readonly PolicyFound[],
  granted: readonly GrantedPolicy[],
): Promise<AuditSubject> {
  const { group } = context.options;
  return {
    account,
    user: await readUser(context),
    policies: grantedStates(toolPolicies, granted),
    group: group ? await readGroupState(context, group) : undefined,
  };
}

/** The permission check on what IAM holds now, after the run's changes; why the key must not be handed out, if so. */
async function recheckPermissions(
  context: StepContext,
  account: Account,
  granted: readonly GrantedPolicy[],
  changes: readonly PolicyChanges[],
): Promise<KeyRefusal> {
  const { report } = context;
  const read = async () =>
    findExtraGrants(
      context,
      await readAuditSubject(context, account, await readToolPolicies(context, account, changes), granted),
      'after the changes',
    );
  let extras: ExtraGrant[] = await read();
  // A grant that is still there after a few seconds is no longer a read that lags behind a change.
  for (const pause of REREAD_PAUSES_MS) {
    if (extras.length === 0) break;
    report.step(
      'permissions',
      'checked',
      `IAM still shows ${extras.length === 1 ? 'a grant' : `${extras.length} grants`} beyond this run's; it can take a few seconds to show a change everywhere, so it is read again in ${pause / 1000} s`,
    );
    await context.wait(pause);
    extras = await read();
  }
  if (extras.length === 0) {
    report.step('permissions', 'checked', `again, with the changes made: still nothing beyond what this run grants`);
    return undefined;
  }
  const count = reportExtraGrants(context, extras);
  const them = extras.length === 1 ? 'it' : 'them';
  return (fate) =>
    `${USER_NAME} was given more than sending mail while this run made its changes: ${count} that this tool did not make (listed above); ${fate}; remove ${them} with the command${extras.length === 1 ? '' : 's'} shown, then run again.`;
}

export async function provision(context: StepContext, fromAddress: string): Promise<Summary> {
  const { options, report } = context;
  const account = await findAccount(context);
  const toolPolicies = await readToolPolicies(context, account);
  // With --domain (given, or kept from an earlier run) the domain's DNS records verify the
  // address: it needs no verification mail of its own.
  const domainReading = options.domain
    ? await readDomain(context, options.domain, fromAddress)
    : await keptDomain(context, toolPolicies.find((policy) => policy.name === POLICY_NAME)?.document, fromAddress);
  const senderReading = domainReading ? undefined : await readSender(context, fromAddress);
  const set = await configurationSetInUse(options);
  const limitTable = await limitTableInUse(
    context,
    toolPolicies.find((policy) => policy.name === LIMIT_POLICY_NAME),
  );
  const policies = grantedPolicies({
    account,
    options,
    fromAddress,
    senderDomainVerified: domainReading
      ? domainReading.verificationStatus === 'Success'
      : (senderReading?.domainVerified ?? false),
    ...(domainReading
      ? { sendingDomain: { domain: domainReading.domain, addressVerified: domainReading.addressVerified } }
      : {}),
    ...(set ? { configurationSet: set.name } : {}),
    ...(limitTable ? { limitTable: limitTable.name } : {}),
  });
  const found = await readAuditSubject(context, account, toolPolicies, policies);
  checkOwnership(context, found);
  if (limitTable) checkLimitTable(context, limitTable);
  await auditPermissions(context, found);
  const keyPlan = await planAccessKey(context, found.user);

  let domain: DomainOutcome | undefined;
  let sender: { verified: boolean };
  if (domainReading) {
    domain = await ensureDomain(context, domainReading, fromAddress);
    sender = domain;
  } else {
    sender = await ensureSenderVerified(
      context,
      fromAddress,
      senderReading ?? (await readSender(context, fromAddress)),
    );
  }
  await ensureRecipientsVerified(context, options.verifyRecipients);
  const sending = await checkSending(context);
  const configurationSet = set ? await ensureConfigurationSet(context, account, set) : undefined;
  if (options.anySender) {
    report.step(
      'policy scope',
      'warning',
      '--any-sender: the key may send from any identity and any From address of this account; not least privilege',
    );
  }
  if (limitTable) await ensureLimitTable(context, limitTable);
  const policyChanges: PolicyChanges[] = [];
  for (const state of found.policies) policyChanges.push(await ensurePolicy(context, state));
  const user = await ensureUser(context, found.user);
  await ensureAttached(context, user, policies, found.group);
  const checkAgain = () => recheckPermissions(context, account, policies, policyChanges);
  const key = await ensureAccessKey(context, keyPlan, fromAddress, checkAgain);
  // A key made earlier can do whatever the user was given meanwhile: said, though not undone.
  if (!key.created && report.changed) {
    const refusal = await checkAgain();
    if (refusal)
      throw new ProvisionError(refusal(`the key ${key.accessKeyId} in ${shownPath(options.outFile)} can do so too`));
  }
  if (limitTable) await recordLimitTableInKeyFile(context, limitTable.name);
  const setRecorded = set ? await recordInKeyFile(context, set.name) : false;

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
    if (!sender.verified)
      next.push(
        domain
          ? `Before the skill can send, publish the DNS records above for ${domain.domain}; SES looks for them for up to 72 hours: run this command again to see the status.`
          : `Before the skill can send, click the link in the mail SES sent to ${maskAddress(fromAddress)}.`,
      );
    if (!sending.sendingEnabled)
      next.push(
        `AWS has paused this account's sending in ${options.region}: see the SES console's reputation page (docs/deliverability.md).`,
      );
    if (sending.sandbox)
      next.push(
        'While the account is in the SES sandbox, SES delivers only to verified addresses: run again with --verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS, and request production access in the SES console.',
      );
    if (configurationSet?.subscriptions.some((subscription) => subscription.status !== 'confirmed'))
      next.push(
        'Confirm the topic subscription: click "Confirm subscription" in the mail from AWS Notifications, or no bounce or complaint reaches you.',
      );
    const deploy = deployCommand(options);
    const oldKeys = key.oldKeyIds.join(' and ');
    if (key.created && oldKeys) {
      next.push(
        `Next: redeploy the skill now (\`${deploy}\`) so that it sends with the new key ${key.accessKeyId}; the old key ${oldKeys} stays active until you retire it, so the deployed skill keeps sending meanwhile.`,
      );
      next.push(
        `Then, once the redeployed skill has sent a mail, retire the old key: \`${retireOldKeyCommand(options)}\``,
      );
    } else if (oldKeys) {
      next.push(
        `Next: if the deployed skill does not have the key ${key.accessKeyId} yet, redeploy it (\`${deploy}\`); then retire the old key ${oldKeys}: \`${retireOldKeyCommand(options)}\``,
      );
    } else if (setRecorded && !key.created) {
      next.push(
        `Next: redeploy the skill (\`${deploy}\`) so that it sends through the configuration set ${set?.name}.`,
      );
    } else {
      next.push(`Next: deploy the skill (\`${deploy}\`); the build reads the key from ${shownFile}.`);
    }
  }
  return {
    ok: true,
    mode: 'provision',
    dryRun: options.dryRun,
    account: account.accountId,
    region: options.region,
    credentialsFile: options.outFile,
    ...(key.accessKeyId ? { accessKeyId: key.accessKeyId } : {}),
    sesAccount: sending,
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
