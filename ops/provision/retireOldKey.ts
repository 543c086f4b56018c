// --retire-old-key, the second half of a key rotation: deactivates, then deletes, the other keys
// this tool created, keeping the one in the credentials file; a key it did not create is never
// touched. Its lines are a plan too, printed by a dry run or applied (apply.ts).

import {
  type AccessKeyLastUsed,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { shownPath } from '../paths.ts';
import { forgetSavedKeys } from '../savedKeys.ts';
import { applyPlan } from './apply.ts';
import { change, finding, type PlanItem } from './change.ts';
import type { StepContext } from './context.ts';
import { ProvisionError } from './errors.ts';
import { USER_NAME } from './names.ts';
import { deployCommand } from './options.ts';
import type { Summary } from './print.ts';
import { keyIds, keysThisToolSaved, listKeys, readSavedFile, shortKeyId } from './resources/accessKey.ts';
import { planAccount, readAccount } from './resources/account.ts';
import { readUser } from './resources/user.ts';

async function lastUsed({ aws }: StepContext, accessKeyId: string): Promise<AccessKeyLastUsed | undefined> {
  const answer = await aws.iam.read(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
  return answer.AccessKeyLastUsed?.LastUsedDate ? answer.AccessKeyLastUsed : undefined;
}

function describeUse(use: AccessKeyLastUsed | undefined): string {
  if (!use?.LastUsedDate) return 'never used';
  const when = `${use.LastUsedDate.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `last used ${when} (${use.ServiceName ?? 'unknown service'} in ${use.Region ?? 'an unknown region'})`;
}

export async function retireOldKey(context: StepContext): Promise<Summary> {
  const { options, report } = context;
  const account = await readAccount(context);
  report.print(planAccount(account));
  const shownFile = shownPath(options.outFile);
  const file = await readSavedFile(options.outFile);
  if (!file.accessKeyId) {
    const why = file.exists ? 'is not a credentials file this tool wrote' : 'does not exist';
    throw new ProvisionError(
      `${shownFile} ${why}, so there is no new key to keep; pass the --out FILE that --rotate-key wrote.`,
    );
  }

  const user = await readUser(context);
  if (!user.exists) throw new ProvisionError(`${USER_NAME} does not exist, so it has no old key to retire.`);
  const keys = await listKeys(context, user.exists);
  const current = keys.find((key) => key.AccessKeyId === file.accessKeyId);
  if (!current) {
    throw new ProvisionError(
      `The key in ${shownFile} (${file.accessKeyId}) is not an access key of ${USER_NAME} any more, so nothing is retired: another key may be the only one that works.`,
    );
  }
  if (current.Status !== 'Active') {
    throw new ProvisionError(
      `The key in ${shownFile} (${file.accessKeyId}) is inactive, so retiring the others would leave the skill no working key; run \`npm run provision -- --from ADDRESS\` to reactivate it first.`,
    );
  }
  const items: PlanItem[] = [
    finding('access key', 'exists', `${current.AccessKeyId}, active; its secret is in ${shownFile}: kept`),
  ];
  const saved = keysThisToolSaved(file);
  const others = keys.filter((key) => key !== current);
  const retiring = others.filter((key) => saved.has(key.AccessKeyId ?? ''));
  for (const key of others.filter((other) => !retiring.includes(other)))
    items.push(
      finding(
        'other access key',
        'skipped',
        `${shortKeyId(key.AccessKeyId)} was not saved by this tool: left in place`,
      ),
    );
  const summary = {
    ok: true,
    mode: 'retire-old-key',
    dryRun: options.dryRun,
    account: account.accountId,
    region: options.region,
    credentialsFile: options.outFile,
    accessKeyId: current.AccessKeyId,
  } as const;
  if (retiring.length === 0) {
    items.push(finding('old access key', 'skipped', 'none: this tool created no other key of the user'));
    await applyPlan(context, { items });
    return { ...summary, next: `Nothing to retire: ${current.AccessKeyId} is the only key this tool created.` };
  }

  // IAM's last-used record of the new key is the evidence that the redeploy happened: while it has
  // never signed a request, the deployed skill may still be sending with an old one.
  const newKeyUse = await lastUsed(context, current.AccessKeyId ?? '');
  items.push(
    newKeyUse
      ? finding('new key in use', 'checked', `${current.AccessKeyId} ${describeUse(newKeyUse)}`)
      : finding(
          'new key in use',
          'warning',
          `${current.AccessKeyId} has never signed a request: the redeployed skill has not sent a mail with it yet`,
        ),
  );
  const unconfirmed = !newKeyUse && !options.yes;
  if (unconfirmed)
    items.push({
      check: async () => {
        throw new ProvisionError(
          `The new key ${current.AccessKeyId} has never been used, so the deployed skill may still be sending with ${keyIds(retiring)}; redeploy (\`${deployCommand(options)}\`), let the skill send one mail and run this again, or pass --yes to retire the old key anyway.`,
        );
      },
    });
  for (const key of retiring) {
    const id = key.AccessKeyId ?? '';
    const use = describeUse(await lastUsed(context, id));
    const detail = `${id} (${key.Status?.toLowerCase()}, ${use}): deactivate, then delete`;
    items.push(
      change('old access key', 'delete', detail, async ({ aws, options }) => {
        // Deactivated first, as IAM recommends: a failure between the two calls leaves a key
        // that can be reactivated rather than one that is gone.
        if (key.Status !== 'Inactive')
          await aws.iam.change(
            new UpdateAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id, Status: 'Inactive' }),
          );
        await aws.iam.change(new DeleteAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id }));
        await aws.iam.change(new UntagUserCommand({ UserName: USER_NAME, TagKeys: [id] }));
        await forgetSavedKeys(options.outFile, [id]);
        return `${id} (${use}): deactivated, then deleted`;
      }),
    );
  }
  await applyPlan(context, { items });

  if (options.dryRun) {
    return {
      ...summary,
      next: unconfirmed
        ? `Dry run: nothing was changed. A real run would refuse while ${current.AccessKeyId} has never been used: redeploy (\`${deployCommand(options)}\`) and let the skill send one mail first, or pass --yes.`
        : 'Dry run: nothing was changed. Run the same command without --dry-run to retire these keys.',
    };
  }
  return {
    ...summary,
    next: `Done: ${keyIds(retiring)} ${retiring.length > 1 ? 'are' : 'is'} deleted; the key this tool keeps for ${USER_NAME} is ${current.AccessKeyId}, in ${shownFile}.`,
  };
}
