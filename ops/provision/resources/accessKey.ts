// The access key and the file that holds its secret (JSON + CSV, mode 0600): kept, reactivated or
// created by the plan, deleted at teardown; the secret goes to the file and never to the terminal.

import { existsSync } from 'node:fs';
import * as IAM from '@aws-sdk/client-iam';
import { ENV } from '../../../lambda/config.ts';
import { maskAddress } from '../../../lambda/log.ts';
import {
  credentialsCsvPath,
  readCredentialsFile,
  recordSenderSettings,
  writeCredentialsFile,
} from '../../credentialsFile.ts';
import { withSignalsDeferred } from '../../deferredSignals.ts';
import { shownPath } from '../../paths.ts';
import { forgetPendingKey, type PendingKey, readPendingKey, recordPendingKey } from '../../pendingKey.ts';
import { forgetSavedKeys, readSavedKeyIds, recordSavedKeys } from '../../savedKeys.ts';
import { type Check, type Finding, iam, isChange, type PlanItem, Refusal, step } from '../change.ts';
import { profileFlag, type StepContext } from '../context.ts';
import { ProvisionError } from '../errors.ts';
import { SAVED_KEY_TAG_PREFIX, USER_NAME } from '../names.ts';
import { deployCommand, type ProvisionOptions, retireOldKeyCommand } from '../options.ts';

const MAX_ACCESS_KEYS = 2;

export interface SavedFile {
  readonly exists: boolean;
  /** Absent when the file is missing or is not a credentials file. */
  readonly accessKeyId?: string;
  readonly region?: string;
  readonly fromAddress?: string;
  /** The settings an earlier run recorded for the deploy build. */
  readonly configurationSet?: string;
  readonly limitTable?: string;
  /** A run was about to create a key and never said it was saved (pendingKey.ts). */
  readonly pendingKey?: PendingKey;
  /** Every key this tool saved in that file, the current one and those a rotation replaced (savedKeys.ts). */
  readonly savedKeyIds: readonly string[];
}

export async function readSavedFile(path: string): Promise<SavedFile> {
  const pendingKey = await readPendingKey(path);
  const pending = { savedKeyIds: await readSavedKeyIds(path), ...(pendingKey ? { pendingKey } : {}) };
  if (!existsSync(path)) return { exists: false, ...pending };
  try {
    const file = await readCredentialsFile(path);
    return {
      ...pending,
      exists: true,
      accessKeyId: file[ENV.accessKeyId],
      region: file[ENV.region],
      fromAddress: file[ENV.fromAddress],
      ...(file[ENV.configurationSet] ? { configurationSet: file[ENV.configurationSet] } : {}),
      ...(file[ENV.mailLimitTable] ? { limitTable: file[ENV.mailLimitTable] } : {}),
    };
  } catch {
    return { exists: true, ...pending };
  }
}

/** How far IAM's clock may be from this machine's, around a CreateAccessKey made right after the note. */
const CLOCK_SLACK_MS = 5 * 60_000;

/**
 * The key a run made and never saved, so that nobody holds its secret: one that no file
 * claims, that was not there before the run's note, and that IAM dated just after the note. Two
 * such keys cannot both be that run's: then neither is taken for it.
 */
export function keyNobodyHolds(
  keys: readonly IAM.AccessKeyMetadata[],
  file: SavedFile,
): IAM.AccessKeyMetadata | undefined {
  const pending = file.pendingKey;
  if (!pending) return undefined;
  const saved = keysThisToolSaved(file);
  const from = pending.startedAt.getTime() - CLOCK_SLACK_MS;
  const to = pending.startedAt.getTime() + 2 * CLOCK_SLACK_MS;
  const made = keys.filter((key) => {
    const id = key.AccessKeyId ?? '';
    const created = key.CreateDate?.getTime() ?? Number.NaN;
    return !saved.has(id) && !pending.keysBefore.includes(id) && created >= from && created <= to;
  });
  return made.length === 1 ? made[0] : undefined;
}

const KEY = step('access key');
const OLD_KEY = step('old access key');
const FILE = step('credentials file');
const deleteKey = (AccessKeyId: string) => new IAM.DeleteAccessKeyCommand({ UserName: USER_NAME, AccessKeyId });

/**
 * Deletes the key an interrupted run made and never saved (said first), or, in a real run, forgets
 * the note of a run that left none. Answers the keys that remain.
 */
function planUnsavedKey(keys: readonly IAM.AccessKeyMetadata[], file: SavedFile, shownFile: string) {
  const unsaved = keyNobodyHolds(keys, file);
  const remaining = keys.filter((key) => key !== unsaved);
  if (!file.pendingKey) return { items: [], remaining };
  if (!unsaved) return { items: [{ check: ({ options }) => forgetPendingKey(options.outFile) } as Check], remaining };
  const id = unsaved.AccessKeyId ?? '';
  const when = file.pendingKey.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = step('unsaved key');
  const remove = async (context: StepContext) => {
    await iam(deleteKey(id))(context);
    await forgetPendingKey(context.options.outFile);
  };
  const items = [
    lines.warning(
      `${id} was created by a run interrupted at ${when} UTC before it wrote ${shownFile}, so nobody holds its secret: it is deleted`,
    ),
    lines.delete(id, remove, `${id}, which nobody could use`),
  ];
  return { items, remaining };
}

/**
 * Key IDs this tool saved: the one in the key file and those its local record names. Never a tag on
 * the user: the tag describes a key in the IAM console, and anyone with iam:TagUser can copy it.
 */
export function keysThisToolSaved(file: SavedFile): Set<string> {
  return new Set([...(file.accessKeyId ? [file.accessKeyId] : []), ...file.savedKeyIds]);
}

/** "A and B", for sentences. */
export function keyIds(list: readonly IAM.AccessKeyMetadata[]): string {
  return list.map((key) => key.AccessKeyId).join(' and ');
}

export async function listKeys({ aws }: StepContext, userExists: boolean): Promise<IAM.AccessKeyMetadata[]> {
  if (!userExists) return [];
  return (await aws.iam.read(new IAM.ListAccessKeysCommand({ UserName: USER_NAME }))).AccessKeyMetadata ?? [];
}

/** A key ID as the output shows a key this tool did not save: enough to find it, not the whole ID. */
export function shortKeyId(accessKeyId: string | undefined): string {
  const id = accessKeyId ?? '';
  return id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

/** What the run did with the user's keys, for the summary: filled in as the changes are made. */
export interface KeyOutcome {
  /** The key the credentials file holds after this run (unknown in a dry run that would create one). */
  accessKeyId?: string;
  created: boolean;
  /** Keys this tool created before, left active for the deployed skill until --retire-old-key. */
  readonly oldKeyIds: readonly string[];
  /** The kept key's file gets this run's sender or region: the deployed skill has the old ones. */
  readonly senderChanged?: boolean;
}

/**
 * Why a new key must not be handed out after all, as a sentence around what became of the key
 * ("…; the new access key … was deleted again, and nothing was written."); `undefined`: it may.
 */
export type KeyRefusal = ((fate: string) => string) | undefined;

/** The check made between a new key and its file. */
type BeforeSaving = (context: StepContext) => Promise<KeyRefusal>;

/**
 * Keeps the key in the credentials file (reactivated if need be), or creates one and writes its
 * file, and refuses what it must. A key is created only when the user has none that this tool
 * saved, never as a third key. The key this tool saved is recognised by its ID alone, in the
 * credentials file or the record beside it (keysThisToolSaved). A key it did not save would get the
 * sending rights too, so it stops the run unless named with --keep-key (--adopt, which takes a user
 * as it is, never keeps a key). --rotate-key is the first half of a rotation: it adds the new key and leaves the old one
 * active, because the deployed skill embeds the old key until it is redeployed; --retire-old-key
 * removes it later. `beforeSaving` runs between the new key's creation and its file: when it refuses
 * (or fails), the key is deleted again and nothing is written. A key an interrupted run made and
 * never saved (keyNobodyHolds) is deleted first, and counts for nothing else.
 */
export function planAccessKey(
  allKeys: readonly IAM.AccessKeyMetadata[],
  file: SavedFile,
  {
    options,
    fromAddress,
    beforeSaving,
  }: { options: ProvisionOptions; fromAddress: string; beforeSaving: BeforeSaving },
): { checks: Finding[]; items: PlanItem[]; outcome: KeyOutcome; writesFile: boolean } {
  const shownFile = shownPath(options.outFile);
  const unsaved = planUnsavedKey(allKeys, file, shownFile);
  const keys = unsaved.remaining;
  const saved = keysThisToolSaved(file);
  const inFile = keys.find((key) => key.AccessKeyId === file.accessKeyId);
  const ours = keys.filter((key) => saved.has(key.AccessKeyId ?? ''));
  const foreign = keys.filter((key) => !ours.includes(key));
  const kept = (key: IAM.AccessKeyMetadata) => options.keepKeys.includes(key.AccessKeyId ?? '');
  const refused = foreign.filter((key) => !kept(key));
  const retire = retireOldKeyCommand(options);
  const profile = profileFlag(options);
  const described = (key: IAM.AccessKeyMetadata) => `${key.AccessKeyId} (${key.Status?.toLowerCase()})`;

  // Said with the checks, before any change: a refusal stops the run there.
  const checks: Finding[] = foreign.map((key) =>
    step('other access key')[kept(key) ? 'warning' : 'refused'](
      `${shortKeyId(key.AccessKeyId)} (${key.Status?.toLowerCase()}) was not saved by this tool: whoever holds it can send mail as the skill${kept(key) ? ' (--keep-key keeps it)' : ''}`,
    ),
  );
  if (refused.length > 0) {
    const them = refused.length > 1 ? 'them' : 'it';
    throw new Refusal(
      checks,
      `Nothing was changed: ${USER_NAME} has ${refused.length > 1 ? `${refused.length} access keys` : 'an access key'} that this tool did not save (${refused.map((key) => shortKeyId(key.AccessKeyId)).join(', ')}), and whoever holds ${them} would send mail as the skill too; delete ${them} (\`aws iam list-access-keys --user-name ${USER_NAME}${profile}\` shows the whole ID, \`aws iam delete-access-key --user-name ${USER_NAME} --access-key-id ID${profile}\` deletes it), or run again with --keep-key ID to keep ${them}.`,
    );
  }

  if (!options.rotateKey && inFile?.AccessKeyId) {
    const id = inFile.AccessKeyId;
    const old = ours.filter((key) => key !== inFile);
    const keyFile = keptFile(options, file, fromAddress);
    const reactivate = iam(new IAM.UpdateAccessKeyCommand({ UserName: USER_NAME, AccessKeyId: id, Status: 'Active' }));
    const items = [
      ...unsaved.items,
      inFile.Status === 'Inactive'
        ? KEY.update(
            `${id} is inactive: reactivate it (its secret is in ${shownFile})`,
            reactivate,
            `${id} reactivated (its secret is in ${shownFile})`,
          )
        : KEY.exists(`${id}, active; its secret is in ${shownFile}`),
      keyFile,
      // A rotation whose second half has not run yet.
      ...old.map((key) =>
        OLD_KEY.warning(
          `${described(key)} is left from --rotate-key: once the skill is redeployed with ${id}, run \`${retire}\``,
        ),
      ),
    ];
    const oldKeyIds = old.map((key) => key.AccessKeyId ?? '');
    return {
      checks,
      items,
      outcome: { accessKeyId: id, created: false, oldKeyIds, senderChanged: isChange(keyFile) },
      writesFile: false,
    };
  }
  if (!options.rotateKey && ours.length > 0)
    throw new Refusal(
      checks,
      `${USER_NAME} already has the access key ${keyIds(ours)} that this tool created, but its secret is not in ${shownFile} (the only copy was written there); restore that file, or run again with --rotate-key to replace the key.`,
    );
  if (keys.length >= MAX_ACCESS_KEYS)
    throw new Refusal(checks, noRoomForAKey(keys, ours, inFile, shownFile, { deploy: deployCommand(options), retire }));

  // Rotating: the key(s) this tool created before stay active for the deployed skill.
  const old = options.rotateKey ? ours : [];
  const outcome: KeyOutcome = { created: false, oldKeyIds: old.map((key) => key.AccessKeyId ?? '') };
  const create = async (context: StepContext) => {
    const accessKeyId = await createAndSave(context, keys, fromAddress, beforeSaving);
    // The key a rotation replaces stays the tool's once the file names only the new one.
    await recordSavedKeys(context.options.outFile, [...ours.map((key) => key.AccessKeyId ?? ''), accessKeyId]);
    Object.assign(outcome, { accessKeyId, created: true });
    return `${accessKeyId} for ${USER_NAME}`;
  };
  // The tag that marks the key as the one this tool saved, once its file holds it.
  const tag = (context: StepContext) => {
    const Value = `${SAVED_KEY_TAG_PREFIX} on ${new Date().toISOString().slice(0, 10)}`;
    return iam(new IAM.TagUserCommand({ UserName: USER_NAME, Tags: [{ Key: outcome.accessKeyId, Value }] }))(context);
  };
  const files = `${shownFile} and ${shownPath(credentialsCsvPath(options.outFile))}, mode 0600`;
  const items = [
    ...unsaved.items,
    KEY.create(`a new key for ${USER_NAME}${options.rotateKey ? ' (--rotate-key)' : ''}`, create),
    (file.exists ? FILE.update : FILE.create)(files, tag),
    ...old.map((key) =>
      OLD_KEY.exists(
        `${described(key)} is kept, so the deployed skill keeps sending until it is redeployed with the new key; retire it after that`,
      ),
    ),
  ];
  return { checks, items, outcome, writesFile: true };
}

/**
 * The note first (pendingKey.ts: a run killed from here on leaves a key the next run deletes), then,
 * with Ctrl-C and SIGTERM held back until the key is either in its file or deleted again:
 * CreateAccessKey, once; the check; the file. Answers the new key's ID.
 */
async function createAndSave(
  context: StepContext,
  keys: readonly IAM.AccessKeyMetadata[],
  fromAddress: string,
  beforeSaving: BeforeSaving,
): Promise<string> {
  const { options, aws, clients } = context;
  const shownFile = shownPath(options.outFile);
  const failedWrite = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'write failed';
  const keysBefore = keys.map((key) => key.AccessKeyId ?? '');
  await recordPendingKey(options.outFile, { startedAt: new Date(), keysBefore }).catch((error: unknown) => {
    throw new ProvisionError(
      `Could not write beside ${shownFile} (${failedWrite(error)}), so no access key was created; fix that and run again.`,
    );
  });
  return withSignalsDeferred(
    `Interrupted: finishing ${shownFile} for the new access key first, then stopping.`,
    async () => {
      // One call, never retried (awsClients.ts): a lost answer is resolved by listing the keys, not by asking again.
      const created = await aws
        .change('iam:CreateAccessKey', () =>
          clients.iamSingleAttempt.send(new IAM.CreateAccessKeyCommand({ UserName: USER_NAME })),
        )
        .catch(async (error: unknown) => {
          throw await keyWithoutSecret(context, keys, error as Error);
        });
      const { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey } = created.AccessKey ?? {};
      if (!accessKeyId || !secretAccessKey)
        throw await keyWithoutSecret(
          context,
          keys,
          new ProvisionError('IAM answered without the new key and its secret.'),
        );
      // A check that cannot be made counts as a refusal: the key is not handed out unchecked.
      const refusal = await beforeSaving(context).catch(
        (error: unknown) => (fate: string) => `${(error as Error).message.replace(/\.$/, '')}; ${fate}.`,
      );
      if (refusal) throw new ProvisionError(refusal(await withdrawKey(context, accessKeyId)));
      const values = {
        [ENV.accessKeyId]: accessKeyId,
        [ENV.secretAccessKey]: secretAccessKey,
        [ENV.region]: options.region,
        [ENV.fromAddress]: fromAddress,
      };
      try {
        await writeCredentialsFile(options.outFile, values);
      } catch (error) {
        // The secret exists nowhere else: a key nobody can use must not take one of the two slots
        // (if it cannot be deleted now, the note stays, and the next run deletes it).
        await clients.iam
          .send(deleteKey(accessKeyId))
          .then(() => forgetPendingKey(options.outFile))
          .catch(() => undefined);
        throw new ProvisionError(
          `Could not write ${shownFile} (${failedWrite(error)}), so the new access key was deleted again; fix that and run again.`,
        );
      }
      await forgetPendingKey(options.outFile);
      return accessKeyId;
    },
  );
}

/** A new key that must not be handed out after all: deleted again before any file holds it. Says what became of it. */
async function withdrawKey({ aws, options }: StepContext, accessKeyId: string): Promise<string> {
  const profile = profileFlag(options);
  return aws.iam.change(deleteKey(accessKeyId)).then(
    async () => {
      await forgetPendingKey(options.outFile);
      return `the new access key ${accessKeyId} was deleted again, and nothing was written`;
    },
    () =>
      `nothing was written, but the new access key ${accessKeyId} could not be deleted: delete it with \`aws iam delete-access-key --user-name ${USER_NAME} --access-key-id ${accessKeyId}${profile}\``,
  );
}

/**
 * After a CreateAccessKey whose answer failed or could not be read: IAM may have made the key all
 * the same, and its secret exists nowhere now. Lists the keys to say which one, and how to delete it.
 */
async function keyWithoutSecret(
  context: StepContext,
  before: readonly IAM.AccessKeyMetadata[],
  failure: Error,
): Promise<ProvisionError> {
  const known = new Set(before.map((key) => key.AccessKeyId));
  const after = await listKeys(context, true).catch(() => undefined);
  const profile = profileFlag(context.options);
  if (!after) {
    return new ProvisionError(
      `${failure.message.replace(/\.$/, '')}, and the user's keys could not be listed to see whether IAM made one: list them (\`aws iam list-access-keys --user-name ${USER_NAME}${profile}\`), delete any key whose secret is not in ${shownPath(context.options.outFile)}, then run again.`,
      { cause: failure },
    );
  }
  const made = after.filter((key) => !known.has(key.AccessKeyId));
  if (made.length === 0)
    return failure instanceof ProvisionError ? failure : new ProvisionError(failure.message, { cause: failure });
  const deletions = made.map(
    (key) => `\`aws iam delete-access-key --user-name ${USER_NAME} --access-key-id ${key.AccessKeyId}${profile}\``,
  );
  return new ProvisionError(
    `IAM made the access key ${keyIds(made)}, but its answer was lost (${lostAnswer(failure)}), so nobody holds its secret and nothing was written: delete it with ${deletions.join(' and ')}, then run again.`,
    { cause: failure },
  );
}

/** "HTTP 500 InternalFailure", "an answer that could not be read": what came back instead of the key. */
function lostAnswer(failure: Error): string {
  const sdkError = (failure.cause ?? failure) as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (/deserialization|parse error/i.test(sdkError.message ?? '')) return 'an answer that could not be read';
  const status = sdkError.$metadata?.httpStatusCode;
  return status ? `HTTP ${status} ${sdkError.name ?? ''}`.trim() : (sdkError.name ?? 'no answer');
}

/** Why no key can be created while the user has two: one sentence naming the situation. */
function noRoomForAKey(
  keys: readonly IAM.AccessKeyMetadata[],
  ours: IAM.AccessKeyMetadata[],
  inFile: IAM.AccessKeyMetadata | undefined,
  shownFile: string,
  commands: { deploy: string; retire: string },
): string {
  const others = keys.filter((key) => !ours.includes(key));
  if (others.length === keys.length) {
    return `${USER_NAME} already has two access keys (${keys.map((key) => shortKeyId(key.AccessKeyId)).join(' and ')}) that this tool did not save, and IAM allows no third; delete the one you no longer use (aws iam delete-access-key --user-name ${USER_NAME} --access-key-id ID), then run again.`;
  }
  if (others.length > 0) {
    return `${USER_NAME} has two access keys, so IAM has no room for a new one; delete ${others.map((key) => shortKeyId(key.AccessKeyId)).join(' and ')}, which this tool did not save (\`aws iam list-access-keys --user-name ${USER_NAME}\` shows the whole ID), then run --rotate-key again.`;
  }
  if (inFile) {
    const left = ours.filter((key) => key !== inFile);
    return `${USER_NAME} already has two access keys, ${inFile.AccessKeyId} (in ${shownFile}) and ${keyIds(left)} (left from the last --rotate-key), and IAM allows no third; finish that rotation first (\`${commands.deploy}\` if the skill does not have the new key yet, then \`${commands.retire}\`), then run --rotate-key again.`;
  }
  return `${USER_NAME} already has two access keys that this tool created (${keyIds(keys)}), neither of them in ${shownFile}, and IAM allows no third; delete the one the deployed skill does not use (aws iam delete-access-key --user-name ${USER_NAME} --access-key-id ID), then run --rotate-key again.`;
}

/**
 * The key file of a key that stays: unchanged, or, after a run with another --from or --region,
 * rewritten with the sender and region this run scoped the policy to, its key unchanged (the
 * deployed skill embeds the old ones: the summary asks for a redeploy). Planned after the policy,
 * so an interruption in between leaves a file that the next run still updates.
 */
function keptFile(options: ProvisionOptions, file: SavedFile, fromAddress: string): PlanItem {
  const shownFile = shownPath(options.outFile);
  const differences: string[] = [];
  if (file.fromAddress !== fromAddress)
    differences.push(`${ENV.fromAddress} ${maskAddress(file.fromAddress ?? '')} → ${maskAddress(fromAddress)}`);
  if (file.region !== options.region) differences.push(`${ENV.region} ${file.region ?? '(none)'} → ${options.region}`);
  if (differences.length === 0) return FILE.exists(`${shownFile}, unchanged`);
  const settings = { [ENV.region]: options.region, [ENV.fromAddress]: fromAddress };
  return FILE.update(`${shownFile}: ${differences.join(', ')}; the key is kept`, () =>
    recordSenderSettings(options.outFile, settings),
  );
}

/**
 * Teardown: the keys this tool saved (the one in the key file, and those its record names), and one
 * an interrupted run made and never saved, whoever made the user. Any other key is someone's who
 * may still use it: kept, and the user with it.
 */
export function planKeyDeletion(keys: readonly IAM.AccessKeyMetadata[], file: SavedFile) {
  const saved = keysThisToolSaved(file);
  const unsaved = keyNobodyHolds(keys, file);
  const deleted = new Set<string>();
  const kept: string[] = [];
  const items = keys.map((key): PlanItem => {
    const id = key.AccessKeyId ?? '';
    if (!saved.has(id) && key !== unsaved) {
      kept.push(shortKeyId(id));
      return KEY.skipped(`${shortKeyId(id)} was not saved by this tool: left in place`);
    }
    deleted.add(id);
    const remove = async (context: StepContext) => {
      await iam(deleteKey(id))(context);
      if (key === unsaved) await forgetPendingKey(context.options.outFile);
      await forgetSavedKeys(context.options.outFile, [id]);
    };
    return KEY.delete(
      key === unsaved ? `${id} (made by an interrupted run and never saved: nobody holds its secret)` : id,
      remove,
    );
  });
  return { items, deleted, kept };
}
