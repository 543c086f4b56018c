// The provisioning run, step by step in the order that keeps every interruption safe to
// repeat: nothing is created before the account and region are known to work, and the
// key is created last, when everything it needs is in place.

import { maskAddress } from '../../lambda/log.ts';
import { shownPath } from '../paths.ts';
import { deployCommand, retireOldKeyCommand } from './options.ts';
import { buildMailAccessPolicy, MAIL_ACTIONS } from './policyDocument.ts';
import type { Summary } from './report.ts';
import { ensureAccessKey } from './steps/accessKey.ts';
import { findAccount } from './steps/account.ts';
import { ensureAttached } from './steps/attachment.ts';
import type { StepContext } from './steps/context.ts';
import { ensurePolicy } from './steps/policy.ts';
import { checkSending, ensureRecipientsVerified, ensureSenderVerified } from './steps/ses.ts';
import { ensureUser } from './steps/user.ts';

export async function provision(context: StepContext, fromAddress: string): Promise<Summary> {
  const { options, report } = context;
  const account = await findAccount(context);
  const sender = await ensureSenderVerified(context, fromAddress);
  await ensureRecipientsVerified(context, options.verifyRecipients);
  const sending = await checkSending(context);

  const document = buildMailAccessPolicy({
    partition: account.partition,
    region: options.region,
    accountId: account.accountId,
    fromAddress,
    domainIdentity: sender.domainVerified,
    recipientIdentities: options.verifyRecipients,
    anySender: options.anySender,
  });
  if (options.anySender) {
    report.step(
      'policy scope',
      'warning',
      '--any-sender: the key may send from any identity and any From address of this account; not least privilege',
    );
  }
  const recipients =
    options.verifyRecipients.length > 0
      ? ` (SES also checks the sandbox recipients ${options.verifyRecipients.map(maskAddress).join(', ')})`
      : '';
  const scope = options.anySender
    ? `${MAIL_ACTIONS.join(' and ')} from any identity`
    : `${MAIL_ACTIONS.join(' and ')} from ${maskAddress(fromAddress)} only${recipients}`;
  const policyArn = await ensurePolicy(context, account, document, scope);
  const user = await ensureUser(context);
  await ensureAttached(context, user, policyArn);
  const key = await ensureAccessKey(context, user, fromAddress);

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
      next.push(`Before the skill can send, click the link in the mail SES sent to ${maskAddress(fromAddress)}.`);
    if (sending.sandbox)
      next.push(
        'While the account is in the SES sandbox, SES delivers only to verified addresses: run again with --verify-recipient YOUR-ALEXA-ACCOUNT-ADDRESS.',
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
    next: next.join('\n'),
  };
}
