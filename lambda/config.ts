// Reads the skill's configuration from the environment once, at cold start,
// into a typed object. Every environment variable name lives here and only here.

import { AMAZON_API_ORIGINS, type ApiOrigin, parseApiOrigin } from './apiOrigins.ts';
import { hasInvisible } from './characters.ts';

export const ENV = {
  fromAddress: 'SES_FROM_ADDRESS',
  region: 'SES_REGION',
  accessKeyId: 'SES_ACCESS_KEY_ID',
  secretAccessKey: 'SES_SECRET_ACCESS_KEY',
  skillId: 'SKILL_ID',
  alexaApiEndpoints: 'ALEXA_API_ENDPOINTS',
  mailLimitPerUserPerDay: 'MAIL_LIMIT_PER_USER_PER_DAY',
  mailLimitPerDay: 'MAIL_LIMIT_PER_DAY',
  mailLimitTable: 'MAIL_LIMIT_TABLE',
  configurationSet: 'SES_CONFIGURATION_SET',
  roleArn: 'SES_ROLE_ARN',
  roleExternalId: 'SES_ROLE_EXTERNAL_ID',
  /** Set by Alexa-hosted skills on their own Lambda: the table their execution role may use. */
  persistenceTable: 'DYNAMODB_PERSISTENCE_TABLE_NAME',
  persistenceRegion: 'DYNAMODB_PERSISTENCE_REGION',
} as const;

interface SesCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A role in the owner's account that the skill assumes to send (docs/hosted.md). */
export interface AssumedRoleConfig {
  readonly arn: string;
  /** The secret the role's trust policy asks for (sts:ExternalId); absent: none is sent. */
  readonly externalId?: string;
  /** Names the skill in the owner's CloudTrail. */
  readonly sessionName: string;
}

export interface MailConfig {
  readonly fromAddress: string;
  readonly region: string;
  /** Absent: the SDK's default credential chain (a Lambda role with the same policy), or the role below. */
  readonly credentials?: SesCredentials;
  /** Credentials from STS AssumeRole, asked with the default chain's; never set together with `credentials`. */
  readonly role?: AssumedRoleConfig;
  /** Named on every send, so that SES reports its bounces and complaints; absent: none is named. */
  readonly configurationSet?: string;
}

/** How many mails one Alexa user, and the whole account, may send a day, and where that is counted (docs/limits.md). */
export interface LimitConfig {
  /** Mails per user (and per recipient address) per UTC day; 0: no cap (the duplicate guard stays). */
  readonly perUserPerDay: number;
  /** Mails of every user together per UTC day, to keep the SES quota for this skill's users; 0: no cap. */
  readonly perDay: number;
  /** The DynamoDB table every container counts in; absent: each container counts in its own memory. */
  readonly table?: string;
  /** An Alexa-hosted skill's own table, counted in when `table` is absent (lambda/limits/persistenceTable.ts). */
  readonly persistenceTable?: { readonly name: string; readonly region: string };
}

export interface Config {
  /** `undefined` when the skill is not set up to send mail; `problems` says why. */
  readonly mail?: MailConfig;
  readonly limits: LimitConfig;
  /** `undefined`: the skill cannot tell its own requests from others', so it answers each with "not set up". */
  readonly skillId?: string;
  /** Where the user's API access token may be sent: Amazon's Alexa API, plus ALEXA_API_ENDPOINTS. */
  readonly apiOrigins: readonly ApiOrigin[];
  /** Human-readable reasons the mail configuration is unusable. Never contains a secret. */
  readonly problems: readonly string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The SES region when neither SES_REGION nor AWS_REGION names one; provisioning defaults to it too. */
export const DEFAULT_REGION = 'us-east-1';
// Deliberately loose: SES does the real check; this catches empty, spaced or half-typed values,
// and any character a header would turn into a space, and so into a new address: a control, a bidi
// override or any other invisible one (lambda/characters.ts).
const ADDRESS_SHAPE = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\]+$/u;
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** DynamoDB's own rule for a table name. */
const TABLE_NAME_SHAPE = /^[A-Za-z0-9_.-]{3,255}$/;
/** The daily cap per user: change it here, or per deployment with MAIL_LIMIT_PER_USER_PER_DAY. */
export const DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY = 10;
/** The account-wide daily cap is off unless MAIL_LIMIT_PER_DAY sets one. */
const DEFAULT_MAIL_LIMIT_PER_DAY = 0;
// Far above any one person's need, low enough that the number still means something.
export const MAIL_LIMIT_MAX = 10_000;
// SES's largest quotas run to millions a day; past that a typo is likelier than a need.
const ACCOUNT_MAIL_LIMIT_MAX = 10_000_000;
// SES's own rule for a configuration set name.
const CONFIGURATION_SET_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
// IAM's own rules for a role ARN (its path and name) and STS's for an external ID.
const ROLE_ARN_SHAPE = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID_SHAPE = /^[\w+=,.@:/-]{2,1224}$/;

/** An IAM role's ARN, arn:aws:iam::<12 digits>:role/NAME (a path before the name allowed). */
export function isRoleArn(value: string): boolean {
  return ROLE_ARN_SHAPE.test(value);
}

export function isPlausibleAddress(value: string): boolean {
  return ADDRESS_SHAPE.test(value) && !hasInvisible(value);
}

/** Shaped like an AWS region name (us-east-1, us-gov-west-1); whether SES is offered there is for AWS to say. */
export function isRegionName(value: string): boolean {
  return REGION_SHAPE.test(value);
}

/** Up to 64 letters, digits, hyphens and underscores, as SES requires of a configuration set's name. */
export function isConfigurationSetName(value: string): boolean {
  return CONFIGURATION_SET_SHAPE.test(value);
}

function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function isTableName(value: string): boolean {
  return TABLE_NAME_SHAPE.test(value);
}

/** A daily cap as written ("10", "0"): the number, or undefined when it is not one from 0 to the maximum. */
export function parseMailLimit(text: string, max: number = MAIL_LIMIT_MAX): number | undefined {
  const value = text.trim();
  return /^\d+$/.test(value) && Number(value) <= max ? Number(value) : undefined;
}

/** What a daily cap must be, for the sentence that refuses another value. */
export const MAIL_LIMIT_RULE = `a whole number from 0 (no cap) to ${MAIL_LIMIT_MAX}`;

/** A cap from `name`, `fallback` when unset; a value that is not one is a problem, and the fallback stands. */
function readCap(env: Environment, name: string, fallback: number, max: number, problems: string[]): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const cap = parseMailLimit(text, max);
  if (cap !== undefined) return cap;
  problems.push(`${name} "${text}" is not a whole number from 0 (no cap) to ${max}.`);
  return fallback;
}

function readLimits(env: Environment, problems: string[]): LimitConfig {
  const perUserPerDay = readCap(
    env,
    ENV.mailLimitPerUserPerDay,
    DEFAULT_MAIL_LIMIT_PER_USER_PER_DAY,
    MAIL_LIMIT_MAX,
    problems,
  );
  const perDay = readCap(env, ENV.mailLimitPerDay, DEFAULT_MAIL_LIMIT_PER_DAY, ACCOUNT_MAIL_LIMIT_MAX, problems);
  const table = read(env, ENV.mailLimitTable);
  if (table !== undefined && !isTableName(table))
    problems.push(`${ENV.mailLimitTable} "${table}" is not a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -).`);
  const persistence = read(env, ENV.persistenceTable);
  const persistenceRegion = read(env, ENV.persistenceRegion) ?? read(env, 'AWS_REGION') ?? DEFAULT_REGION;
  const persistenceTable =
    persistence !== undefined && isTableName(persistence) && isRegionName(persistenceRegion)
      ? { persistenceTable: { name: persistence, region: persistenceRegion } }
      : {};
  return {
    perUserPerDay,
    perDay,
    ...(table !== undefined && isTableName(table) ? { table } : {}),
    ...persistenceTable,
  };
}

/** The role to assume, or undefined; a key beside it, or a malformed ARN or external ID, is a problem. */
function readRole(env: Environment, hasKey: boolean, problems: string[]): AssumedRoleConfig | undefined {
  const arn = read(env, ENV.roleArn);
  const externalId = read(env, ENV.roleExternalId);
  if (arn === undefined) {
    if (externalId !== undefined) problems.push(`${ENV.roleExternalId} is set without ${ENV.roleArn}.`);
    return undefined;
  }
  if (hasKey) {
    problems.push(
      `${ENV.roleArn} and ${ENV.accessKeyId} are both set: the skill sends one way only, so keep the role (the safe choice) or the key.`,
    );
    return undefined;
  }
  if (!isRoleArn(arn)) {
    problems.push(`${ENV.roleArn} "${arn}" is not an IAM role ARN (arn:aws:iam::<12 digits>:role/NAME).`);
    return undefined;
  }
  if (externalId !== undefined && !EXTERNAL_ID_SHAPE.test(externalId)) {
    // The value is a secret of sorts: never repeated in a problem.
    problems.push(`${ENV.roleExternalId} is not an external ID (2 to 1224 of A-Z a-z 0-9 and +=,.@:/-_).`);
    return undefined;
  }
  return { arn, ...(externalId ? { externalId } : {}), sessionName: sessionNameFor(read(env, ENV.skillId)) };
}

/** "alexa-ses-mailer-<the skill ID's UUID>": within STS's 64 characters, and telling which skill it was. */
function sessionNameFor(skillId: string | undefined): string {
  const uuid = skillId?.replace(/^amzn1\.ask\.skill\./, '').replace(/[^\w+=,.@-]/g, '');
  return uuid ? `alexa-ses-mailer-${uuid}`.slice(0, 64) : 'alexa-ses-mailer';
}

export function loadConfig(env: Environment): Config {
  const problems: string[] = [];

  const fromAddress = read(env, ENV.fromAddress);
  if (!fromAddress) problems.push(`${ENV.fromAddress} is not set: it must be the SES-verified sender address.`);
  else if (!isPlausibleAddress(fromAddress)) problems.push(`${ENV.fromAddress} is not an email address.`);

  const region = read(env, ENV.region) ?? read(env, 'AWS_REGION') ?? DEFAULT_REGION;
  if (!isRegionName(region)) problems.push(`${ENV.region} "${region}" is not an AWS region name.`);

  const accessKeyId = read(env, ENV.accessKeyId);
  const secretAccessKey = read(env, ENV.secretAccessKey);
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    const missing = accessKeyId ? ENV.secretAccessKey : ENV.accessKeyId;
    problems.push(
      `${missing} is not set: set both ${ENV.accessKeyId} and ${ENV.secretAccessKey}, or neither to use the Lambda role.`,
    );
  }

  const role = readRole(env, Boolean(accessKeyId || secretAccessKey), problems);
  const limits = readLimits(env, problems);
  const configurationSet = read(env, ENV.configurationSet);
  if (configurationSet && !isConfigurationSetName(configurationSet))
    problems.push(
      `${ENV.configurationSet} "${configurationSet}" is not a configuration set name (up to 64 letters, digits, - and _).`,
    );

  const skillId = read(env, ENV.skillId);
  if (!skillId) {
    problems.push(
      `${ENV.skillId} is not set: without the skill's own ID (amzn1.ask.skill.…) the skill cannot refuse requests meant for other skills, so it sends no mail; \`npx ask deploy\` embeds it, or set it from the Alexa developer console.`,
    );
  }

  const apiOrigins = [...AMAZON_API_ORIGINS];
  for (const entry of (read(env, ENV.alexaApiEndpoints) ?? '').split(',')) {
    if (!entry.trim()) continue;
    const origin = parseApiOrigin(entry.trim());
    if (origin) apiOrigins.push(origin);
    else problems.push(`${ENV.alexaApiEndpoints} entry "${entry.trim()}" is not scheme://host[:port].`);
  }

  const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
  const mail =
    problems.length === 0 && fromAddress
      ? {
          fromAddress,
          region,
          ...(credentials ? { credentials } : {}),
          ...(role ? { role } : {}),
          ...(configurationSet ? { configurationSet } : {}),
        }
      : undefined;
  return { ...(mail ? { mail } : {}), limits, ...(skillId ? { skillId } : {}), apiOrigins, problems };
}
