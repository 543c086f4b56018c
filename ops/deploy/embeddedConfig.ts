// Gathers what the ASK CLI build hook embeds in the Lambda bundle (lambda/deployConfig.ts):
// the provisioning output (the AlexaSkillMailSender key, its region, the sender address, the
// configuration set and the limit table, if any), the deployed skill's ID, and a daily cap given to
// the build. Nothing here prints or returns a secret in readable form.

import { DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY, ENV, loadConfig } from '../../lambda/config.ts';
import { maskAddress } from '../../lambda/log.ts';
import { ASK_STATES_FILE, readSkillId } from '../askStates.ts';
import { DEFAULT_CREDENTIALS_FILE, readCredentialsFile } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';

/** Lets a provisioning run with `--out FILE` feed the deploy build. */
export const CREDENTIALS_FILE_VARIABLE = 'ALEXA_MAILER_CREDENTIALS_FILE';

interface EmbeddedConfig {
  /** Keyed by the skill's environment variable names; only those. */
  readonly values: Readonly<Record<string, string>>;
  /** One line per value for the build log: the key ID shortened, the secret hidden, the address masked. */
  readonly summary: readonly string[];
}

class EmbeddedConfigError extends Error {
  override readonly name = 'EmbeddedConfigError';
}

interface EmbeddedConfigSources {
  readonly credentialsFile?: string;
  readonly askStatesFile?: string;
  /** SKILL_ID in the build's environment: wins over .ask/ask-states.json (several ASK CLI profiles, a skill made by hand). */
  readonly skillId?: string | undefined;
  /** The build's environment, for the abuse limits: MAIL_LIMIT_PER_USER_PER_DAY, MAIL_LIMIT_PER_DAY, and MAIL_LIMIT_TABLE over the file's. */
  readonly limits?: {
    readonly perUserPerDay?: string | undefined;
    readonly perDay?: string | undefined;
    readonly table?: string | undefined;
  };
}

/** "AKIAxxxxxxxxxxxxWXYZ" → "AKIA…WXYZ": enough to tell keys apart in the IAM console. */
export function shortKeyId(keyId: string): string {
  return keyId.length > 8 ? `${keyId.slice(0, 4)}…${keyId.slice(-4)}` : '****';
}

/** The build log's line for the account-wide cap, which is off unless the build's environment sets it. */
export function accountCapLine(accountCap: string | undefined): string {
  return accountCap
    ? `${ENV.mailLimitPerDay} ${accountCap} (from the environment)`
    : `${ENV.mailLimitPerDay} not set: no cap on all users' mails together (docs/limits.md)`;
}

/** The skill ID the skill will answer to, or a sentence saying how to get one: without it the skill sends no mail. */
async function findSkillId(
  sources: EmbeddedConfigSources,
  askStatesFile: string,
): Promise<{ id: string; from: string }> {
  const fromEnvironment = sources.skillId?.trim();
  if (fromEnvironment) return { id: fromEnvironment, from: `${ENV.skillId} in the environment` };
  const skill = await readSkillId(askStatesFile);
  if (!('reason' in skill)) return { id: skill.skillId, from: shownPath(askStatesFile) };
  throw new EmbeddedConfigError(
    `No skill ID to embed (${skill.reason}), and a skill without one sends no mail: deploy with \`npx ask deploy\`, which records the new skill's ID in ${shownPath(askStatesFile)} before this build runs, or set ${ENV.skillId}=amzn1.ask.skill.… (the ID the Alexa developer console shows under the skill's name) for the build.`,
  );
}

export function credentialsFileFrom(env: NodeJS.ProcessEnv): string {
  return env[CREDENTIALS_FILE_VARIABLE]?.trim() || DEFAULT_CREDENTIALS_FILE;
}

export async function gatherEmbeddedConfig(sources: EmbeddedConfigSources = {}): Promise<EmbeddedConfig> {
  const credentialsFile = sources.credentialsFile ?? DEFAULT_CREDENTIALS_FILE;
  const askStatesFile = sources.askStatesFile ?? ASK_STATES_FILE;
  const credentials = await readCredentialsFile(credentialsFile);
  const skill = await findSkillId(sources, askStatesFile);
  const values: Record<string, string> = {
    [ENV.accessKeyId]: credentials[ENV.accessKeyId],
    [ENV.secretAccessKey]: credentials[ENV.secretAccessKey],
    [ENV.region]: credentials[ENV.region],
    [ENV.fromAddress]: credentials[ENV.fromAddress],
    [ENV.skillId]: skill.id,
  };
  const configurationSet = credentials[ENV.configurationSet];
  if (configurationSet) values[ENV.configurationSet] = configurationSet;
  const table = sources.limits?.table?.trim() || credentials[ENV.mailLimitTable];
  if (table) values[ENV.mailLimitTable] = table;
  const cap = sources.limits?.perUserPerDay?.trim();
  if (cap) values[ENV.mailLimitPerUserPerDay] = cap;
  const accountCap = sources.limits?.perDay?.trim();
  if (accountCap) values[ENV.mailLimitPerDay] = accountCap;
  // The same check the skill makes at cold start, now, while the deploy can still stop.
  const problems = loadConfig(values).problems;
  if (problems.length > 0)
    throw new EmbeddedConfigError(
      `${shownPath(credentialsFile)} would leave the skill unable to send mail: ${problems.join(' ')}`,
    );

  const summary = [
    `${ENV.accessKeyId} ${shortKeyId(values[ENV.accessKeyId]!)} (from ${shownPath(credentialsFile)})`,
    `${ENV.secretAccessKey} (hidden)`,
    `${ENV.region} ${values[ENV.region]}`,
    `${ENV.fromAddress} ${maskAddress(values[ENV.fromAddress]!)}`,
    configurationSet
      ? `${ENV.configurationSet} ${configurationSet}`
      : `${ENV.configurationSet} not set: SES reports no bounces or complaints to you (docs/deliverability.md)`,
    table
      ? `${ENV.mailLimitTable} ${table} (from ${sources.limits?.table?.trim() ? 'the environment' : shownPath(credentialsFile)})`
      : `${ENV.mailLimitTable} not set: each Lambda container counts the daily cap alone (npm run provision -- --limit-table NAME)`,
    `${ENV.mailLimitPerUserPerDay} ${cap ? `${cap} (from the environment)` : `not set: the skill's default, ${DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY}`}`,
    accountCapLine(accountCap),
    `${ENV.skillId} ${skill.id} (from ${skill.from})`,
  ];
  return { values, summary };
}
