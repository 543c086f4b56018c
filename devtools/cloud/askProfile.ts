// Finds the ASK CLI profile that `ask` itself would use, without starting it, and checks that
// `ask configure` has set it up (ask-cli 2.x: lib/utils/profile-helper.js, lib/model/app-config.js).

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** ask-cli's name for the profile made of environment variables. */
const ENVIRONMENT_PROFILE = '__ENVIRONMENT_ASK_PROFILE__';

type AskProfile = { readonly name: string } | { readonly problem: string };

function isEnvironmentProfile(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env.AWS_ACCESS_KEY_ID &&
      env.AWS_SECRET_ACCESS_KEY &&
      (env.ASK_REFRESH_TOKEN || env.ASK_ACCESS_TOKEN) &&
      env.ASK_VENDOR_ID,
  );
}

function cliConfigPath(home: string = homedir()): string {
  return join(home, '.ask', 'cli_config');
}

/** --profile, else the environment profile (all its variables set), else ASK_DEFAULT_PROFILE, else "default". */
export async function findAskProfile(
  requested: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): Promise<AskProfile> {
  const name =
    requested ?? (isEnvironmentProfile(env) ? ENVIRONMENT_PROFILE : undefined) ?? env.ASK_DEFAULT_PROFILE ?? 'default';
  if (name === ENVIRONMENT_PROFILE) return { name };
  const path = cliConfigPath(home);
  const setUp = `run \`npx ask configure${name === 'default' ? '' : ` --profile ${name}`}\` to sign in with your Amazon developer account (and link an AWS profile), then \`npx ask deploy\``;
  let config: { profiles?: Record<string, { token?: { refresh_token?: unknown } } | undefined> };
  try {
    config = JSON.parse(await readFile(path, 'utf8')) as typeof config;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no ${path}` : `${path} is not valid JSON`;
    return { problem: `No ASK CLI profile is set up (${reason}): ${setUp}.` };
  }
  const profile = config.profiles?.[name];
  if (!profile) return { problem: `The ASK CLI profile "${name}" is not set up in ${path}: ${setUp}.` };
  if (!profile.token?.refresh_token)
    return { problem: `The ASK CLI profile "${name}" in ${path} has no Amazon sign-in: ${setUp}.` };
  return { name };
}
