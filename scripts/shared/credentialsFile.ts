// The provisioning output: where the AlexaSkillMailSender key is written, and its shape.
// The provisioning script writes it; the build hook and the local tools read it.
// The JSON keys are the skill's own environment variable names (lambda/config.ts).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { PROJECT_ROOT } from '../build/lambda.ts';

/** Git-ignored (.gitignore: .secrets/), created with mode 0600. */
export const DEFAULT_CREDENTIALS_FILE = join(PROJECT_ROOT, '.secrets/AlexaSkillMailSender.json');

export interface CredentialsFile {
  readonly [ENV.accessKeyId]: string;
  readonly [ENV.secretAccessKey]: string;
  readonly [ENV.region]: string;
  readonly [ENV.fromAddress]: string;
}

export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

/** Reads and checks the file. Error messages name the file and the missing field, never a value. */
export async function readCredentialsFile(path: string = DEFAULT_CREDENTIALS_FILE): Promise<CredentialsFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not valid JSON';
    throw new CredentialsFileError(`${path} ${reason}; run \`npm run provision -- --from ADDRESS\` first.`);
  }
  const record = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  for (const name of [ENV.accessKeyId, ENV.secretAccessKey, ENV.region, ENV.fromAddress]) {
    if (typeof record[name] !== 'string' || !record[name]) {
      throw new CredentialsFileError(`${path} has no ${name}; run \`npm run provision -- --from ADDRESS\` again.`);
    }
  }
  return record as unknown as CredentialsFile;
}
