// The local record, beside the key file, of every access key this tool saved there: the only proof
// that a key is the tool's (an IAM tag is not, since anyone with iam:TagUser can copy it).

import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { makePrivateFolder, writePrivately } from './privateFile.ts';

/** `.secrets/AlexaSkillMailSender.json` → `.secrets/AlexaSkillMailSender.saved-keys.json`. */
export function savedKeysPath(keyFile: string): string {
  return join(dirname(keyFile), `${basename(keyFile, extname(keyFile))}.saved-keys.json`);
}

/** The IDs recorded; a record that cannot be read names no key (so none is trusted through it). */
export async function readSavedKeyIds(keyFile: string): Promise<string[]> {
  try {
    const record = JSON.parse(await readFile(savedKeysPath(keyFile), 'utf8')) as { keys?: unknown };
    return Array.isArray(record.keys) ? record.keys.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

async function writeSavedKeyIds(keyFile: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) {
    await rm(savedKeysPath(keyFile), { force: true });
    return;
  }
  await makePrivateFolder(dirname(keyFile));
  await writePrivately(savedKeysPath(keyFile), `${JSON.stringify({ keys: ids }, null, 2)}\n`);
}

export async function recordSavedKeys(keyFile: string, ids: readonly string[]): Promise<void> {
  const known = await readSavedKeyIds(keyFile);
  await writeSavedKeyIds(keyFile, [...new Set([...known, ...ids.filter(Boolean)])]);
}

export async function forgetSavedKeys(keyFile: string, ids: readonly string[]): Promise<void> {
  const known = await readSavedKeyIds(keyFile);
  await writeSavedKeyIds(
    keyFile,
    known.filter((id) => !ids.includes(id)),
  );
}
