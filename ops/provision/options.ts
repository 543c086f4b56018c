// The command line: flags → a validated ProvisionOptions, or a UsageError (exit code 2).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  DEFAULT_REGION,
  isConfigurationSetName,
  isPlausibleAddress,
  isRegionName,
  isRoleArn,
  isTableName,
} from '../../lambda/config.ts';
import { parseFlags, UsageError } from '../cli.ts';
import { DEFAULT_CREDENTIALS_FILE } from '../credentialsFile.ts';
import { CREDENTIALS_FILE_VARIABLE } from '../deploy/embeddedConfig.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { LIMIT_POLICY_NAME, POLICY_NAME, USER_NAME } from './names.ts';
import { domainOf } from './policyDocument.ts';

export const USAGE = `Usage: npm run provision -- --from ADDRESS [options]
       npm run provision -- --from ADDRESS --hosted-role-arn ARN [options]
       npm run provision -- --from ADDRESS --adopt-hand-made [--import-key FILE.csv] [options]
       npm run provision -- --retire-old-key [options]
       npm run provision -- --teardown [options]

Creates, once and safely again, what the skill needs in your AWS account:
the IAM policy ${POLICY_NAME} (only ses:SendEmail and ses:SendRawEmail, from ADDRESS),
the IAM user ${USER_NAME} (programmatic access only) with that policy attached,
and one access key, whose secret is written to a git-ignored file and never printed.
It also asks SES to verify ADDRESS (or, with --domain, its domain with Easy DKIM, printing the DNS
records to add) and reports the SES account: sandbox or not, its quota, whether it may send.
Before it changes anything it checks everything the user may do (its policies, its groups'
policies, its permissions boundary) and stops, naming each one, if it could do more than send mail.
For an Alexa-hosted skill, --hosted-role-arn makes a role that the skill assumes instead of the
user and its key (no long-lived key at all), with the same policies and the same checks.
It signs in with your administrator credentials from the AWS SDK's usual chain
(environment variables, --profile, SSO). Running it again changes nothing that is in place.

Options:
  --from ADDRESS             the sender address (SES_FROM_ADDRESS); required unless --teardown
                             or --retire-old-key
  --region REGION            the SES region (default: AWS_REGION, else ${DEFAULT_REGION})
  --profile NAME             the AWS CLI profile with administrator credentials
  --out FILE                 where to write the key (default: .secrets/AlexaSkillMailSender.json,
                             plus ..._accessKeys.csv beside it; both mode 0600): in the project,
                             or, run as provision.cjs, in the folder it is run from
  --dry-run                  print the plan; change nothing
  --rotate-key               create a new key and write it, leaving the old key active so the
                             deployed skill keeps sending; then redeploy (npx ask deploy) and
                             run --retire-old-key. Refused while the user has two keys already
  --retire-old-key           after redeploying with the rotated key: deactivate, then delete, the
                             keys this tool created other than the one in --out. Refused while
                             that key has never been used, unless --yes
  --group NAME               attach the policy through this IAM group instead of to the user
  --adopt KIND               use what this tool did not create but finds under its names, as it
                             is: KIND is user, policy, group, table, topic, set (the configuration
                             set) or role; repeatable. A bare --adopt still means all of them, as
                             before kinds were named. A policy only if its document is exactly
                             this tool's; the user's permissions and the topic's policy are still
                             checked. Never keeps an access key this tool did not save: see --keep-key
  --keep-key ID              keep this access key of the user, which this tool did not save (its
                             holder can send mail as the skill too); repeatable. A key is this
                             tool's only if its ID is in --out or the .saved-keys.json beside it
  --adopt-hand-made          take over a ${USER_NAME} and ${POLICY_NAME} made by hand in the IAM
                             console: shows what differs from this tool's, then (after asking, or
                             with --yes) gives the policy this tool's document (only if it is
                             attached to ${USER_NAME} alone) and marks both as this tool's
  --import-key FILE.csv      with --adopt-hand-made: keep the key of this CSV file, as the IAM console
                             downloads it, after checking that it is ${USER_NAME}'s and that its
                             secret is right; its secret goes to the --out file
  --any-sender               allow sending from any identity and address (Resource "*"): not least privilege
  --verify-recipient ADDRESS ask SES to verify a recipient too (needed in the SES sandbox); repeatable
  --domain DOMAIN            verify DOMAIN with Easy DKIM and print the DNS records to add (DKIM,
                             with SPF and DMARC advice); --from must be at DOMAIN, and the key
                             sends as the domain identity. Run again to see the status
  --configuration-set NAME   send through this SES configuration set, which publishes bounces and
                             complaints to an SNS topic it creates; written to the key file as
                             SES_CONFIGURATION_SET (redeploy after). With --teardown: which set to remove
  --notify EMAIL             subscribe EMAIL to that topic; AWS mails it a confirmation link first
  --limit-table NAME         count each user's mails in this DynamoDB table (created on demand,
                             with a TTL), so every Lambda container shares one daily cap: adds
                             the policy ${LIMIT_POLICY_NAME} (dynamodb:UpdateItem and GetItem on that
                             table only) and writes MAIL_LIMIT_TABLE to the key file (docs/limits.md)
  --hosted-role-arn ARN      for an Alexa-hosted skill: instead of the user and a key, create the
                             role AlexaSkillMailSenderRole, which only ARN (the skill's Lambda
                             role, shown in its Code tab under "Link your personal AWS resources")
                             may assume, with a random external ID; the same policies are attached
                             to it, and SES_ROLE_ARN and SES_ROLE_EXTERNAL_ID go to the --out file
                             for \`npm run hosted\` (docs/hosted.md). --teardown removes the role too
  --teardown                 delete everything this tool created (keys, attachments, group, user, role,
                             policies, configuration set, topic, limit table) and the key file
  --yes                      do not ask before --teardown or --adopt-hand-made; with --retire-old-key, retire even
                             though the new key has never been used
  --json                     print one JSON document instead of lines (never contains the secret)
  -h, --help                 show this help

Examples:
  npm run provision -- --from you@example.com --dry-run
  npm run provision -- --from you@example.com --region eu-west-1 --profile admin
  npm run provision -- --from skill@example.com --domain example.com --configuration-set alexa-mailer --notify you@example.com
  npm run provision -- --from you@example.com --adopt-hand-made --import-key AlexaSkillMailSender_accessKeys.csv
  npm run provision -- --from you@example.com --limit-table AlexaSkillMailLimit
  npm run provision -- --from you@example.com --hosted-role-arn arn:aws:iam::123456789012:role/AlexaHostedSkillLambdaRole
  npm run provision -- --from you@example.com --rotate-key   # rotation 1/3: a new key, the old one kept
  npx ask deploy                                             # rotation 2/3: the skill gets the new key
  npm run provision -- --retire-old-key                      # rotation 3/3: the old key is deleted
  npm run provision -- --teardown --yes

Environment:
  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM, _SES, _SNS, _STS, _DYNAMODB
                             reach local stand-ins instead of AWS; the first line names those in effect
  PROVISION_AWS_TIMEOUT_MS   how long one AWS call may take, in milliseconds (default 30000; a
                             connection 5000 at most); a call past it fails the run, naming the endpoint

Exit codes: 0 done, 1 failed (one sentence says why), 2 wrong usage.`;

export interface ProvisionOptions {
  readonly mode: 'provision' | 'teardown' | 'retire-old-key';
  /** Required to provision; optional for --teardown and --retire-old-key. */
  readonly fromAddress?: string;
  readonly region: string;
  readonly profile?: string;
  /** Absolute path of the JSON credentials file. */
  readonly outFile: string;
  readonly dryRun: boolean;
  readonly rotateKey: boolean;
  readonly group?: string;
  /** The kinds of what the tool did not create that it may use as they are (ownership.ts). */
  readonly adopt: ReadonlySet<AdoptKind>;
  /** --adopt-hand-made: take over the user and policy made by hand in the IAM console (handMade.ts). */
  readonly adoptHandMade: boolean;
  /** --import-key: the absolute path of the IAM console's CSV file whose key is kept (keyCsv.ts). */
  readonly importKey?: string;
  /** --keep-key: access keys this tool did not save that the owner lets stay (resources/accessKey.ts). */
  readonly keepKeys: readonly string[];
  readonly anySender: boolean;
  readonly verifyRecipients: readonly string[];
  /** Verify this domain with Easy DKIM and send as its identity (lower case). */
  readonly domain?: string;
  /** The SES configuration set for bounces and complaints; with --teardown, the one to remove. */
  readonly configurationSet?: string;
  /** Subscribe this address to the configuration set's topic. */
  readonly notify?: string;
  /** --limit-table: the DynamoDB table the skill counts mails in (resources/limitTable.ts). */
  readonly limitTable?: string;
  /** --hosted-role-arn: the hosted skill's Lambda role, which alone may assume the role (resources/role.ts). */
  readonly hostedRoleArn?: string;
  readonly yes: boolean;
  readonly json: boolean;
}

export type ParsedCommand = { readonly help: true } | { readonly help: false; readonly options: ProvisionOptions };

const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PROFILE = /^[\w.@+-]+$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/**
 * What the policy names must name one identity: IAM reads * and ? in a Resource or a condition as
 * wildcards, so `--verify-recipient '*@*.*'` would let the key send as every identity of the account.
 */
function refuseWildcards(flag: string, value: string | undefined): void {
  if (value !== undefined && /[*?]/.test(value))
    throw new UsageError(
      `${flag} "${value}" holds * or ?, which IAM would read as a wildcard in the policy: give one exact ${flag === '--domain' ? 'domain' : 'address'}.`,
    );
}

/** A key file inside the repository must be git-ignored, or a `git add .` could publish the secret. */
function checkNotTracked(outFile: string): void {
  const inside = relative(PROJECT_ROOT, outFile);
  if (inside.startsWith('..') || !existsSync(join(PROJECT_ROOT, '.git'))) return;
  const result = spawnSync('git', ['check-ignore', '--quiet', '--no-index', outFile], { cwd: PROJECT_ROOT });
  if (result.status === 1) {
    throw new UsageError(
      `--out ${inside} is inside the repository but not git-ignored, so the secret could be committed; use a path under .secrets/.`,
    );
  }
}

/** What --adopt can name; a bare --adopt takes them all, as it did before kinds were named. */
export const ADOPT_KINDS = ['user', 'policy', 'group', 'table', 'topic', 'set', 'role'] as const;
export type AdoptKind = (typeof ADOPT_KINDS)[number];

/** The flags a refused run needs to use what it found as it is: `--adopt user --adopt policy`. */
export function adoptFlags(kinds: Iterable<AdoptKind>): string {
  return [...new Set(kinds)].map((kind) => `--adopt ${kind}`).join(' ');
}

const isAdoptKind = (value: string): value is AdoptKind => (ADOPT_KINDS as readonly string[]).includes(value);

function adoptKinds(values: readonly string[]): ReadonlySet<AdoptKind> {
  return new Set(
    values.flatMap((value) => {
      if (value === 'all') return ADOPT_KINDS;
      if (isAdoptKind(value)) return [value];
      throw new UsageError(
        `--adopt ${value} is not something this tool adopts: give one of ${ADOPT_KINDS.join(', ')}, or a bare --adopt for all of them.`,
      );
    }),
  );
}

/** Those of `values` that are set, for the optional fields of ProvisionOptions. */
function setOnly<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value)) as { [K in keyof T]?: string };
}

export function parseCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommand {
  const { values } = parseFlags(
    {
      from: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'rotate-key': { type: 'boolean', default: false },
      'retire-old-key': { type: 'boolean', default: false },
      group: { type: 'string' },
      adopt: { type: 'string', multiple: true, default: [] },
      'adopt-hand-made': { type: 'boolean', default: false },
      'import-key': { type: 'string' },
      'keep-key': { type: 'string', multiple: true, default: [] },
      'any-sender': { type: 'boolean', default: false },
      'verify-recipient': { type: 'string', multiple: true, default: [] },
      domain: { type: 'string' },
      'configuration-set': { type: 'string' },
      notify: { type: 'string' },
      'limit-table': { type: 'string' },
      'hosted-role-arn': { type: 'string' },
      teardown: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    // A bare --adopt (no kind after it) becomes --adopt=all, which parseArgs can read as a value.
    argv.map((arg, index) => (arg === '--adopt' && !isAdoptKind(argv[index + 1] ?? '') ? '--adopt=all' : arg)),
    false,
  );
  if (values.help) return { help: true };

  const teardown = values.teardown;
  const retire = values['retire-old-key'];
  const fromAddress = values.from?.trim();
  if (!teardown && !retire && !fromAddress)
    throw new UsageError('--from ADDRESS is required: the SES sender address the skill will send from.');
  refuseWildcards('--from', fromAddress);
  if (fromAddress !== undefined && !isPlausibleAddress(fromAddress))
    throw new UsageError(`--from "${fromAddress}" is not an email address.`);
  for (const recipient of values['verify-recipient']) {
    refuseWildcards('--verify-recipient', recipient);
    if (!isPlausibleAddress(recipient))
      throw new UsageError(`--verify-recipient "${recipient}" is not an email address.`);
  }

  refuseWildcards('--domain', values.domain);
  const domain = values.domain?.trim().toLowerCase().replace(/\.$/, '');
  if (domain !== undefined && !DOMAIN.test(domain))
    throw new UsageError(`--domain "${values.domain}" is not a domain name (for example example.com).`);
  if (domain !== undefined && fromAddress !== undefined) {
    const fromDomain = domainOf(fromAddress);
    if (fromDomain !== domain && !fromDomain.endsWith(`.${domain}`))
      throw new UsageError(
        `--from ${fromAddress} is not at --domain ${domain}: the skill sends as the domain identity, so its address must be at ${domain}.`,
      );
  }
  const configurationSet = values['configuration-set']?.trim();
  if (configurationSet !== undefined && !isConfigurationSetName(configurationSet))
    throw new UsageError(
      `--configuration-set "${configurationSet}" is not a configuration set name (up to 64 letters, digits, - and _).`,
    );
  const notify = values.notify?.trim();
  if (notify !== undefined && !isPlausibleAddress(notify))
    throw new UsageError(`--notify "${notify}" is not an email address.`);
  if (notify !== undefined && configurationSet === undefined)
    throw new UsageError('--notify needs --configuration-set NAME: it subscribes to the topic of that set.');

  for (const id of values['keep-key'])
    if (!ACCESS_KEY_ID.test(id.trim()))
      throw new UsageError(
        `--keep-key "${id}" is not an access key ID (\`aws iam list-access-keys --user-name ${USER_NAME}\` shows them).`,
      );

  const region = values.region ?? env.AWS_REGION ?? DEFAULT_REGION;
  if (!isRegionName(region))
    throw new UsageError(`--region "${region}" is not an AWS region name (for example us-east-1).`);
  if (values.profile !== undefined && !PROFILE.test(values.profile))
    throw new UsageError(`--profile "${values.profile}" is not a profile name.`);
  if (values.group !== undefined && !IAM_NAME.test(values.group))
    throw new UsageError(`--group "${values.group}" is not a valid IAM group name.`);
  const limitTable = values['limit-table']?.trim();
  if (limitTable !== undefined && !isTableName(limitTable))
    throw new UsageError(
      `--limit-table "${limitTable}" is not a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), such as ${LIMIT_POLICY_NAME}.`,
    );
  const hostedRoleArn = values['hosted-role-arn']?.trim();
  if (hostedRoleArn !== undefined && (!isRoleArn(hostedRoleArn) || /[*?]/.test(hostedRoleArn)))
    throw new UsageError(
      `--hosted-role-arn "${hostedRoleArn}" is not an IAM role ARN (arn:aws:iam::<12 digits>:role/NAME): copy it from the hosted skill's Code tab, "Link your personal AWS resources".`,
    );
  if (hostedRoleArn !== undefined && (values['rotate-key'] || values.group !== undefined))
    throw new UsageError(
      '--hosted-role-arn makes a role and no key or user, so --rotate-key and --group do not apply to it.',
    );
  if (values['import-key'] !== undefined && !values['adopt-hand-made'])
    throw new UsageError(
      '--import-key goes with --adopt-hand-made: it keeps the key of a user made by hand in the IAM console.',
    );
  if (values['adopt-hand-made'] && (hostedRoleArn !== undefined || values['rotate-key']))
    throw new UsageError(
      '--adopt-hand-made takes over the user and its key as they are, so --hosted-role-arn and --rotate-key do not apply to it.',
    );
  const provisioningOnly =
    hostedRoleArn !== undefined ||
    values['rotate-key'] ||
    values['any-sender'] ||
    values.adopt.length > 0 ||
    values['adopt-hand-made'] ||
    values['import-key'] !== undefined ||
    values['keep-key'].length > 0 ||
    values.group !== undefined ||
    limitTable !== undefined ||
    values['verify-recipient'].length > 0 ||
    domain !== undefined ||
    notify !== undefined;
  if (teardown && (retire || provisioningOnly)) {
    throw new UsageError(
      '--teardown takes only --region, --profile, --out, --configuration-set, --dry-run, --yes and --json.',
    );
  }
  if (retire && (provisioningOnly || configurationSet !== undefined)) {
    // Rotating and retiring in one run is exactly what would cut off the deployed skill.
    throw new UsageError(
      '--retire-old-key takes only --region, --profile, --out, --dry-run, --yes and --json; run it after --rotate-key and a redeploy, not with them.',
    );
  }

  const outFile = values.out ? resolve(values.out) : DEFAULT_CREDENTIALS_FILE;
  checkNotTracked(outFile);
  const { profile, group } = values;
  const importKey = values['import-key'] && resolve(values['import-key']);

  return {
    help: false,
    options: {
      mode: teardown ? 'teardown' : retire ? 'retire-old-key' : 'provision',
      ...setOnly({
        fromAddress,
        profile,
        group,
        importKey,
        domain,
        configurationSet,
        notify,
        limitTable,
        hostedRoleArn,
      }),
      region,
      outFile,
      dryRun: values['dry-run'],
      rotateKey: values['rotate-key'],
      adopt: adoptKinds(values.adopt),
      adoptHandMade: values['adopt-hand-made'],
      keepKeys: values['keep-key'].map((id) => id.trim()),
      anySender: values['any-sender'],
      verifyRecipients: values['verify-recipient'],
      yes: values.yes,
      json: values.json,
    },
  };
}

/** A path as a shell word: quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The deploy command that embeds this run's key. The build hook reads the default file unless
 * told otherwise, and runs in another folder, hence the absolute path.
 */
export function deployCommand(options: Pick<ProvisionOptions, 'outFile'>): string {
  const file =
    options.outFile === DEFAULT_CREDENTIALS_FILE ? '' : `${CREDENTIALS_FILE_VARIABLE}=${shellWord(options.outFile)} `;
  return `${file}npx ask deploy`;
}

/** The exact command that finishes a rotation started with these options. */
export function retireOldKeyCommand(options: Pick<ProvisionOptions, 'outFile' | 'profile'>): string {
  const out = options.outFile === DEFAULT_CREDENTIALS_FILE ? '' : ` --out ${shellWord(options.outFile)}`;
  const profile = options.profile ? ` --profile ${options.profile}` : '';
  return `npm run provision -- --retire-old-key${out}${profile}`;
}
