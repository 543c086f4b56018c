// The provisioning output: where the AlexaSkillMailSender key is written, and its shape (with the
// limit table, when provisioning made one). The provisioning script writes it, the build hook
// reads it; its keys are the skill's variable names.

import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ENV, isTableName } from '../lambda/config.ts';
import { PROJECT_ROOT, shownPath } from './paths.ts';
import { pendingKeyPath } from './pendingKey.ts';
import { makePrivateFolder, writePrivately } from './privateFile.ts';

/** Git-ignored (.gitignore: .secrets/), created with mode 0600. */
export const DEFAULT_CREDENTIALS_FILE = join(PROJECT_ROOT, '.secrets/AlexaSkillMailSender.json');

interface CredentialsFile {
  readonly [ENV.accessKeyId]: string;
  readonly [ENV.secretAccessKey]: string;
  readonly [ENV.region]: string;
  readonly [ENV.fromAddress]: string;
  /** Written by `--limit-table`; absent: the skill counts in each container's memory. */
  readonly [ENV.mailLimitTable]?: string;
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
  const table = record[ENV.mailLimitTable];
  if (table !== undefined && (typeof table !== 'string' || !isTableName(table)))
    throw new CredentialsFileError(
      `${shownPath(path)} has a ${ENV.mailLimitTable} that is not a table name; run \`npm run provision -- --from ADDRESS --limit-table NAME\` again.`,
    );
  const configurationSet = record[ENV.configurationSet];
  if (configurationSet !== undefined && typeof configurationSet !== 'string')
    throw new CredentialsFileError(`${shownPath(path)} has an ${ENV.configurationSet} that is not text.`);
  return record as unknown as CredentialsFile;
}

/** The provisioning output as written, whatever it holds; a missing or unreadable file holds nothing. */
export async function readProvisioningOutput(path: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Writes these settings into the file (mode 0600, its folder 0700), keeping whatever else it holds:
 * the role for a hosted skill and the key of the user can both be recorded in one file.
 */
export async function writeProvisioningOutput(path: string, values: Readonly<Record<string, string>>): Promise<void> {
  await makePrivateFolder(dirname(path));
  const output = { ...(await readProvisioningOutput(path)), ...values };
  await writePrivately(path, `${JSON.stringify(output, null, 2)}\n`);
}

/** The limit table an existing file names, if any; a missing or unreadable file names none. */
async function recordedLimitTable(path: string): Promise<string | undefined> {
  try {
    const table = (JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>)[ENV.mailLimitTable];
    return typeof table === 'string' ? table : undefined;
  } catch {
    return undefined;
  }
}

/** Records the limit table in an existing file (mode 0600, as written), keeping everything else in it. */
export async function recordLimitTable(path: string, table: string): Promise<void> {
  const file = await readCredentialsFile(path);
  await writePrivately(path, `${JSON.stringify({ ...file, [ENV.mailLimitTable]: table }, null, 2)}\n`);
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
 * only right after IAM created a new key: an existing file is otherwise never replaced. The
 * limit table an earlier run recorded stays, unless `credentials` names one, and so does a role.
 */
export async function writeCredentialsFile(
  path: string,
  credentials: CredentialsFile,
): Promise<{ json: string; csv: string }> {
  await makePrivateFolder(dirname(path));
  const csv = credentialsCsvPath(path);
  const table = credentials[ENV.mailLimitTable] ?? (await recordedLimitTable(path));
  const earlier = await readProvisioningOutput(path);
  // The role a --hosted-role-arn run recorded stays beside the key.
  const role = Object.fromEntries(
    [ENV.roleArn, ENV.roleExternalId]
      .filter((name) => typeof earlier[name] === 'string')
      .map((name) => [name, earlier[name]]),
  );
  await writePrivately(
    path,
    `${JSON.stringify({ ...role, ...credentials, ...(table ? { [ENV.mailLimitTable]: table } : {}) }, null, 2)}\n`,
  );
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

/** What a run with another --from or --region changes in the file; the key stays. */
export type SenderSettings = Pick<CredentialsFile, typeof ENV.region | typeof ENV.fromAddress>;

/**
 * Rewrites the file with its key (and everything else) unchanged and the sender and its region
 * replaced, after a run that scoped the policy to them. The CSV holds only the key: it stays.
 */
export async function recordSenderSettings(path: string, settings: SenderSettings): Promise<void> {
  const file = await readCredentialsFile(path);
  await writePrivately(path, `${JSON.stringify({ ...file, ...settings }, null, 2)}\n`);
}

/** Removes both files and a pending key's note (teardown, after their keys were deleted). Missing files are fine. */
export async function removeCredentialsFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(credentialsCsvPath(path), { force: true });
  await rm(pendingKeyPath(path), { force: true });
}
