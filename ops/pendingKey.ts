// The run's note, beside the key file, that it is about to create an access key: written before
// CreateAccessKey and removed once the key's file is written (or the key deleted again). A later
// run that finds the note and a key made then that no file holds knows nobody has its secret.

import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { makePrivateFolder, writePrivately } from './privateFile.ts';

export interface PendingKey {
  /** When the run was about to call CreateAccessKey. */
  readonly startedAt: Date;
  /** The user's keys before that call: the new key is none of them. */
  readonly keysBefore: readonly string[];
}

/** `.secrets/AlexaSkillMailSender.json` → `.secrets/AlexaSkillMailSender.pending-key.json`. */
export function pendingKeyPath(keyFile: string): string {
  return join(dirname(keyFile), `${basename(keyFile, extname(keyFile))}.pending-key.json`);
}

export async function recordPendingKey(keyFile: string, pending: PendingKey): Promise<void> {
  await makePrivateFolder(dirname(keyFile));
  const note = { startedAt: pending.startedAt.toISOString(), keysBefore: pending.keysBefore };
  await writePrivately(pendingKeyPath(keyFile), `${JSON.stringify(note, null, 2)}\n`);
}

/** The note, if a run left one; one that cannot be read is no note (it names no key to delete). */
export async function readPendingKey(keyFile: string): Promise<PendingKey | undefined> {
  try {
    const note = JSON.parse(await readFile(pendingKeyPath(keyFile), 'utf8')) as Record<string, unknown>;
    const startedAt = new Date(String(note.startedAt));
    const keysBefore = note.keysBefore;
    if (Number.isNaN(startedAt.getTime()) || !Array.isArray(keysBefore)) return undefined;
    return { startedAt, keysBefore: keysBefore.filter((id): id is string => typeof id === 'string') };
  } catch {
    return undefined;
  }
}

export async function forgetPendingKey(keyFile: string): Promise<void> {
  await rm(pendingKeyPath(keyFile), { force: true });
}
