// What `npm run hosted` embeds in the hosted bundle: the provisioning output (sender, SES region,
// configuration set, limit table and the role to assume, or with --embed-key the key), the skill
// ID, and a daily cap from the environment. Checked as the skill checks it at cold start.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV, isRoleArn, loadConfig } from '../../lambda/config.ts';
import { maskAddress } from '../../lambda/log.ts';
import { ASK_STATES_FILE, readSkillId } from '../askStates.ts';
import { readCredentialsFile } from '../credentialsFile.ts';
import { accountCapLine, shortKeyId } from '../deploy/embeddedConfig.ts';
import { shownPath } from '../paths.ts';

export class HostedConfigError extends Error {
  override readonly name = 'HostedConfigError';
}

interface HostedConfigSources {
  readonly credentialsFile: string;
  /** --role-arn and --external-id: over what the provisioning output records. */
  readonly roleArn?: string | undefined;
  readonly externalId?: string | undefined;
  /** --embed-key: the AlexaSkillMailSender key instead of a role. */
  readonly embedKey: boolean;
  /** --skill-id, else SKILL_ID, else the first .ask/ask-states.json of these that names one skill. */
  readonly skillId?: string | undefined;
  readonly askStatesFiles: readonly string[];
  /** MAIL_LIMIT_PER_USER_PER_DAY and MAIL_LIMIT_PER_DAY in the environment of the export. */
  readonly perUserPerDay?: string | undefined;
  readonly perDay?: string | undefined;
}

interface HostedConfig {
  readonly values: Readonly<Record<string, string>>;
  /** One line per value for the terminal: the key ID shortened, the secret hidden, the address masked. */
  readonly summary: readonly string[];
}

/** The provisioning output as written, any field may be missing; a missing or unreadable file is an error. */
async function readProvisioningOutput(path: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not valid JSON';
    throw new HostedConfigError(`${shownPath(path)} ${reason}; run \`npm run provision -- --from ADDRESS\` first.`);
  }
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;

async function findSkillId(sources: HostedConfigSources): Promise<{ id: string; from: string }> {
  if (sources.skillId?.trim()) return { id: sources.skillId.trim(), from: '--skill-id' };
  const reasons: string[] = [];
  for (const file of sources.askStatesFiles) {
    const found = await readSkillId(file);
    if (found.skillId !== undefined) return { id: found.skillId, from: shownPath(file) };
    reasons.push(found.reason);
  }
  throw new HostedConfigError(
    `No skill ID to embed (${reasons.join('; ')}), and a skill without one sends no mail: pass --skill-id amzn1.ask.skill.… (the ID the Alexa developer console shows under the skill's name), or export into a clone made by \`npx ask init --hosted-skill-id ID\`.`,
  );
}

/**
 * Where the skill ID is recorded: in the hosted clone's own .ask/ (with --into), else the project's.
 * Never the project's for a clone: that one may name another skill, and a wrong ID refuses every request.
 */
export function askStatesFilesFor(into: string | undefined): string[] {
  return [into ? join(into, '.ask/ask-states.json') : ASK_STATES_FILE];
}

export async function gatherHostedConfig(sources: HostedConfigSources): Promise<HostedConfig> {
  const file = sources.credentialsFile;
  const output = await readProvisioningOutput(file);
  const skill = await findSkillId(sources);
  const values: Record<string, string> = {};
  const summary: string[] = [];
  for (const name of [ENV.region, ENV.fromAddress, ENV.configurationSet, ENV.mailLimitTable]) {
    const value = text(output[name]);
    if (value) values[name] = value;
  }
  if (!values[ENV.region] || !values[ENV.fromAddress])
    throw new HostedConfigError(
      `${shownPath(file)} has no ${values[ENV.region] ? ENV.fromAddress : ENV.region}; run \`npm run provision -- --from ADDRESS\` again.`,
    );
  if (sources.embedKey) {
    // The file as the build hook reads it: a key pair, or a sentence saying what is missing.
    const credentials = await readCredentialsFile(file);
    values[ENV.accessKeyId] = credentials[ENV.accessKeyId];
    values[ENV.secretAccessKey] = credentials[ENV.secretAccessKey];
    summary.push(
      `${ENV.accessKeyId} ${shortKeyId(credentials[ENV.accessKeyId])} (from ${shownPath(file)})`,
      `${ENV.secretAccessKey} (hidden)`,
    );
  } else {
    const roleArn = sources.roleArn?.trim() || text(output[ENV.roleArn]);
    const externalId = sources.externalId?.trim() || text(output[ENV.roleExternalId]);
    if (!roleArn)
      throw new HostedConfigError(
        `${shownPath(file)} records no role to assume: run \`npm run provision -- --from ADDRESS --hosted-role-arn ARN\` with the ARN from the skill's Code tab (docs/hosted.md), or pass --role-arn ARN --external-id ID for a role made by hand, or (not advised) --embed-key.`,
      );
    if (!isRoleArn(roleArn))
      throw new HostedConfigError(
        `--role-arn "${roleArn}" is not an IAM role ARN (arn:aws:iam::<12 digits>:role/NAME).`,
      );
    values[ENV.roleArn] = roleArn;
    if (externalId) values[ENV.roleExternalId] = externalId;
    summary.push(
      `${ENV.roleArn} ${roleArn} (from ${sources.roleArn?.trim() ? '--role-arn' : shownPath(file)})`,
      externalId
        ? `${ENV.roleExternalId} (set, from ${sources.externalId?.trim() ? '--external-id' : shownPath(file)})`
        : `${ENV.roleExternalId} not set: the role's trust policy should ask for one (docs/hosted.md)`,
    );
  }
  const cap = sources.perUserPerDay?.trim();
  if (cap) values[ENV.mailLimitPerUserPerDay] = cap;
  const accountCap = sources.perDay?.trim();
  if (accountCap) values[ENV.mailLimitPerDay] = accountCap;
  values[ENV.skillId] = skill.id;

  // The same check the skill makes at cold start, now, before anything is written.
  const problems = loadConfig(values).problems;
  if (problems.length > 0) throw new HostedConfigError(`The exported skill could not send mail: ${problems.join(' ')}`);

  summary.push(
    `${ENV.region} ${values[ENV.region]}`,
    `${ENV.fromAddress} ${maskAddress(values[ENV.fromAddress] ?? '')}`,
    values[ENV.configurationSet]
      ? `${ENV.configurationSet} ${values[ENV.configurationSet]}`
      : `${ENV.configurationSet} not set: SES reports no bounces or complaints to you (docs/deliverability.md)`,
    values[ENV.mailLimitTable]
      ? `${ENV.mailLimitTable} ${values[ENV.mailLimitTable]}`
      : `${ENV.mailLimitTable} not set: the daily cap is counted in the hosted skill's own table (docs/hosted.md)`,
    accountCapLine(accountCap),
    `${ENV.skillId} ${skill.id} (from ${skill.from})`,
  );
  return { values, summary };
}
