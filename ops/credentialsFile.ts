// The provisioning output: where the AlexaSkillMailSender key is written, and its shape. The
// provisioning script writes it, the build hook reads it; its keys are the skill's variable names.

import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ENV } from '../lambda/config.ts';
import { PROJECT_ROOT, shownPath } from './paths.ts';
import { writePrivately } from './privateFile.ts';

/** Git-ignored (.gitignore: .secrets/), created with mode 0600. */
export const DEFAULT_CREDENTIALS_FILE = join(PROJECT_ROOT, '.secrets/AlexaSkillMailSender.json');

interface CredentialsFile {
  readonly [ENV.accessKeyId]: string;
  readonly [ENV.secretAccessKey]: string;
  readonly [ENV.region]: string;
  readonly [ENV.fromAddress]: string;
  /** Present once provisioning made a configuration set for bounces and complaints (--configuration-set). */
  readonly [ENV.configurationSet]?: string;
}

class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

/** Reads and checks the file. Error messages name the file and the missing field, never a value. */
export async function readCredentialsFile(path: string = DEFAULT_CREDENTIALS_FILE): Promise<CredentialsFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not valid JSON';
    throw new CredentialsFileError(`${shownPath(path)} ${reason}; run \`npm run provision -- --from ADDRESS\` first.`);
  }
  const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  for (const name of [ENV.accessKeyId, ENV.secretAccessKey, ENV.region, ENV.fromAddress]) {
    if (typeof record[name] !== 'string' || !record[name]) {
      throw new CredentialsFileError(
        `${shownPath(path)} has no ${name}; run \`npm run provision -- --from ADDRESS\` again.`,
      );
    }
  }
  const configurationSet = record[ENV.configurationSet];
  if (configurationSet !== undefined && typeof configurationSet !== 'string')
    throw new CredentialsFileError(`${shownPath(path)} has an ${ENV.configurationSet} that is not text.`);
  return record as unknown as CredentialsFile;
}

/**
 * The same key in the CSV the IAM console offers for download, beside the JSON:
 * `.secrets/AlexaSkillMailSender.json` → `.secrets/AlexaSkillMailSender_accessKeys.csv`.
 */
export function credentialsCsvPath(jsonPath: string): string {
  return join(dirname(jsonPath), `${basename(jsonPath, extname(jsonPath))}_accessKeys.csv`);
}

/**
 * Writes the key as JSON (the skill's variable names) and as the console's CSV, both mode
 * 0600, creating the folder with mode 0700. Only the provisioning script calls this, and
 * only right after IAM created a new key: an existing file is otherwise never replaced.
 */
export async function writeCredentialsFile(
  path: string,
  credentials: CredentialsFile,
): Promise<{ json: string; csv: string }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const csv = credentialsCsvPath(path);
  await writePrivately(path, `${JSON.stringify(credentials, null, 2)}\n`);
  await writePrivately(
    csv,
    `Access key ID,Secret access key\n${credentials[ENV.accessKeyId]},${credentials[ENV.secretAccessKey]}\n`,
  );
  return { json: path, csv };
}

/**
 * Rewrites the file with its key unchanged and the configuration set recorded (or, with
 * `undefined`, forgotten): the one setting provisioning changes in an existing file, since a
 * deployed skill must name the set its policy allows. Same modes as writeCredentialsFile.
 */
export async function recordConfigurationSet(path: string, configurationSet: string | undefined): Promise<void> {
  const { [ENV.configurationSet]: _previous, ...rest } = await readCredentialsFile(path);
  await writePrivately(
    path,
    `${JSON.stringify(configurationSet === undefined ? rest : { ...rest, [ENV.configurationSet]: configurationSet }, null, 2)}\n`,
  );
}

/** Removes both files (teardown, after their key was deleted). Missing files are fine. */
export async function removeCredentialsFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(credentialsCsvPath(path), { force: true });
}
