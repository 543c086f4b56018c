// The command line: flags → a validated ProvisionOptions, or a UsageError (exit code 2).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPlausibleAddress } from '../../lambda/config.ts';
import { PROJECT_ROOT } from '../build/lambda.ts';
import { DEFAULT_CREDENTIALS_FILE } from '../shared/credentialsFile.ts';
import { UsageError } from './errors.ts';
import { POLICY_NAME, USER_NAME } from './names.ts';

export const USAGE = `Usage: npm run provision -- --from ADDRESS [options]

Creates, once and safely again, what the skill needs in your AWS account:
the IAM policy ${POLICY_NAME} (only ses:SendEmail and ses:SendRawEmail, from ADDRESS),
the IAM user ${USER_NAME} (programmatic access only) with that policy attached,
and one access key, whose secret is written to a git-ignored file and never printed.
It also asks SES to verify ADDRESS and tells you whether the account is in the SES sandbox.
It signs in with your administrator credentials from the AWS SDK's usual chain
(environment variables, --profile, SSO). Running it again changes nothing that is in place.

Options:
  --from ADDRESS             the sender address (SES_FROM_ADDRESS); required unless --teardown
  --region REGION            the SES region (default: AWS_REGION, else us-east-1)
  --profile NAME             the AWS CLI profile with administrator credentials
  --out FILE                 where to write the key (default: .secrets/AlexaSkillMailSender.json,
                             plus ..._accessKeys.csv beside it; both mode 0600)
  --dry-run                  print the plan; change nothing
  --rotate-key               create a new key, write it, then deactivate and delete the old one
  --group NAME               attach the policy through this IAM group instead of to the user
  --any-sender               allow sending from any identity and address (Resource "*"): not least privilege
  --verify-recipient ADDRESS ask SES to verify a recipient too (needed in the SES sandbox); repeatable
  --teardown                 delete everything this tool created (keys, attachments, group, user, policy)
  --yes                      do not ask before --teardown
  --json                     print one JSON document instead of lines (never contains the secret)
  -h, --help                 show this help

Examples:
  npm run provision -- --from you@example.com --dry-run
  npm run provision -- --from you@example.com --region eu-west-1 --profile admin
  npm run provision -- --from you@example.com --rotate-key
  npm run provision -- --teardown --yes

Exit codes: 0 done, 1 failed (one sentence says why), 2 wrong usage.`;

export interface ProvisionOptions {
  readonly mode: 'provision' | 'teardown';
  /** Required to provision; optional for --teardown. */
  readonly fromAddress?: string;
  readonly region: string;
  readonly profile?: string;
  /** Absolute path of the JSON credentials file. */
  readonly outFile: string;
  readonly dryRun: boolean;
  readonly rotateKey: boolean;
  readonly group?: string;
  readonly anySender: boolean;
  readonly verifyRecipients: readonly string[];
  readonly yes: boolean;
  readonly json: boolean;
}

export type ParsedCommand = { readonly help: true } | { readonly help: false; readonly options: ProvisionOptions };

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const PROFILE = /^[\w.@+-]+$/;

/** A key file inside the repository must be git-ignored, or a `git add .` could publish the secret. */
function checkNotTracked(outFile: string): void {
  const inside = relative(PROJECT_ROOT, outFile);
  if (inside.startsWith('..') || !existsSync(join(PROJECT_ROOT, '.git'))) return;
  const result = spawnSync('git', ['check-ignore', '--quiet', '--no-index', outFile], { cwd: PROJECT_ROOT });
  if (result.status === 1) {
    throw new UsageError(`--out ${inside} is inside the repository but not git-ignored, so the secret could be committed; use a path under .secrets/.`);
  }
}

export function parseCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        out: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'rotate-key': { type: 'boolean', default: false },
        group: { type: 'string' },
        'any-sender': { type: 'boolean', default: false },
        'verify-recipient': { type: 'string', multiple: true, default: [] },
        teardown: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };

  const teardown = values.teardown;
  const fromAddress = values.from?.trim();
  if (!teardown && !fromAddress) throw new UsageError('--from ADDRESS is required: the SES sender address the skill will send from.');
  if (fromAddress !== undefined && !isPlausibleAddress(fromAddress)) throw new UsageError(`--from "${fromAddress}" is not an email address.`);
  for (const recipient of values['verify-recipient']) {
    if (!isPlausibleAddress(recipient)) throw new UsageError(`--verify-recipient "${recipient}" is not an email address.`);
  }

  const region = values.region ?? env.AWS_REGION ?? 'us-east-1';
  if (!REGION.test(region)) throw new UsageError(`--region "${region}" is not an AWS region name (for example us-east-1).`);
  if (values.profile !== undefined && !PROFILE.test(values.profile)) throw new UsageError(`--profile "${values.profile}" is not a profile name.`);
  if (values.group !== undefined && !IAM_NAME.test(values.group)) throw new UsageError(`--group "${values.group}" is not a valid IAM group name.`);
  if (teardown && (values['rotate-key'] || values['any-sender'] || values.group || values['verify-recipient'].length > 0)) {
    throw new UsageError('--teardown takes only --region, --profile, --out, --dry-run, --yes and --json.');
  }

  const outFile = values.out ? resolve(values.out) : DEFAULT_CREDENTIALS_FILE;
  checkNotTracked(outFile);

  return {
    help: false,
    options: {
      mode: teardown ? 'teardown' : 'provision',
      ...(fromAddress ? { fromAddress } : {}),
      region,
      ...(values.profile ? { profile: values.profile } : {}),
      outFile,
      dryRun: values['dry-run'],
      rotateKey: values['rotate-key'],
      ...(values.group ? { group: values.group } : {}),
      anySender: values['any-sender'],
      verifyRecipients: values['verify-recipient'],
      yes: values.yes,
      json: values.json,
    },
  };
}
