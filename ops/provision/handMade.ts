// --adopt-hand-made: takes over the user and policy made by hand in the IAM console (as the blog note
// shows) and, with --import-key, the key of the console's CSV once IAM and STS confirm it is the user's.

import { TagPolicyCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ENV } from '../../lambda/config.ts';
import { maskAddress } from '../../lambda/log.ts';
import { credentialsCsvPath, writeCredentialsFile } from '../credentialsFile.ts';
import { shownPath } from '../paths.ts';
import { applyPlan } from './apply.ts';
import { type Change, type Check, change, type Finding, finding, type PlanItem, Refusal } from './change.ts';
import type { StepContext } from './context.ts';
import { ProvisionError } from './errors.ts';
import { type KeyFromCsv, readKeyCsv } from './keyCsv.ts';
import { MANAGED_TAG, POLICY_NAME, SAVED_KEY_TAG_PREFIX, USER_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import { planProvision, provisionSummary } from './plan.ts';
import { MAIL_ACTIONS, namesIn, statementsOf } from './policyDocument.ts';
import type { Summary } from './print.ts';
import type { PolicyState } from './resources/policies.ts';
import { type ProvisionState, readState } from './state.ts';
import type { Confirm } from './teardown.ts';

/** Actions the blog note and its readers have written for SES's, which IAM accepts and never grants. */
const MISSPELLED_ACTIONS: Readonly<Record<string, string>> = { 'ses:SendMail': 'ses:SendEmail' };

/** The CSV's key, with what IAM and STS said of it. */
export interface ImportedKey extends KeyFromCsv {
  readonly shownFile: string;
  /** Why the key cannot be kept; absent when it is the user's and its secret is right. */
  readonly refusal?: string;
}

/** "ARN of the user" by STS: arn:aws:iam::ACCOUNT:user/PATH/NAME. */
function namesTheUser(arn: string | undefined, accountId: string): boolean {
  return new RegExp(`^arn:aws[a-z-]*:iam::${accountId}:user/(?:.*/)?${USER_NAME}$`).test(arn ?? '');
}

/** Asks STS who the CSV's key is: only the right secret gets an answer, and it names the key's user. */
async function checkWithSts(context: StepContext, key: KeyFromCsv, accountId: string): Promise<string | undefined> {
  const sts = new STSClient({
    region: context.options.region,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    requestHandler: context.clients.sts.config.requestHandler,
    maxAttempts: 1,
  });
  const answer = await sts.send(new GetCallerIdentityCommand({})).catch((error: Error) => error);
  if (answer instanceof Error) {
    if (/SignatureDoesNotMatch|InvalidClientTokenId/.test(answer.name))
      return `the secret access key in the CSV file is not the secret of ${key.accessKeyId} (STS refused a request signed with it): download the key's file again, or run without --import-key`;
    throw new ProvisionError(
      `Could not check the key ${key.accessKeyId} with sts:GetCallerIdentity (${answer.name}): nothing was changed; run again.`,
    );
  }
  if (!namesTheUser(answer.Arn, accountId))
    return `STS says the key ${key.accessKeyId} is ${answer.Arn}'s, not ${USER_NAME}'s in account ${accountId}`;
  return undefined;
}

/** Reads the CSV and checks its key against the user's keys (ListAccessKeys) and STS. */
async function readImportedKey(
  context: StepContext,
  path: string,
  state: ProvisionState,
): Promise<ImportedKey | undefined> {
  const key = await readKeyCsv(path);
  const shownFile = shownPath(path);
  const imported = { ...key, shownFile };
  if (key.userName !== undefined && key.userName !== USER_NAME)
    return { ...imported, refusal: `${shownFile} is the key file of the user ${key.userName}, not of ${USER_NAME}` };
  const listed = state.keys.find((candidate) => candidate.AccessKeyId === key.accessKeyId);
  if (!listed)
    return { ...imported, refusal: `the key ${key.accessKeyId} in ${shownFile} is not one of ${USER_NAME}'s keys` };
  // STS answers an inactive key as an unknown one: its secret cannot be checked until it is active again.
  if (listed.Status === 'Inactive')
    return {
      ...imported,
      refusal: `the key ${key.accessKeyId} is inactive, so its secret cannot be checked; make it active (\`aws iam update-access-key --user-name ${USER_NAME} --access-key-id ${key.accessKeyId} --status Active\`) and run again`,
    };
  const refusal = await checkWithSts(context, key, state.account.accountId);
  return refusal ? { ...imported, refusal } : imported;
}

/** What the hand-made document does otherwise than this tool's, one phrase each. */
function documentDifferences(document: unknown, fromAddress: string): string[] {
  const allowing = (statementsOf(document) ?? []).filter((statement) => statement.Effect === 'Allow');
  const actions = [...new Set(allowing.flatMap((statement) => namesIn(statement.Action)))];
  const differences: string[] = [];
  for (const action of actions.filter((candidate) => !(MAIL_ACTIONS as readonly string[]).includes(candidate))) {
    const meant = MISSPELLED_ACTIONS[action];
    differences.push(
      meant
        ? `${action} is no SES action (a misspelling of ${meant}), so it grants nothing`
        : `it allows ${action}, which this tool's does not`,
    );
  }
  for (const action of MAIL_ACTIONS.filter((candidate) => !actions.includes(candidate)))
    differences.push(`it does not allow ${action}`);
  if (allowing.some((statement) => namesIn(statement.Resource).includes('*')))
    differences.push(
      `it allows sending on any resource ("*"), from any identity and address; this tool's allows only ${maskAddress(fromAddress)}`,
    );
  return differences;
}

/** Who else holds the policy: a new document would change what they may do. */
function otherHolders(policy: PolicyState): string[] {
  return [
    ...policy.holders.users.filter((name) => name !== USER_NAME).map((name) => `the user ${name}`),
    ...policy.holders.groups.map((name) => `the group ${name}`),
    ...policy.holders.roles.map((name) => `the role ${name}`),
  ];
}

function refuse(findings: Finding[], step: string, detail: string, sentence: string): never {
  throw new Refusal([...findings, finding(step, 'refused', detail)], `Nothing was changed: ${sentence}.`);
}

/** The findings, then the confirmation and the changes that make the hand-made setup this tool's. */
export function planHandMade(
  state: ProvisionState,
  options: ProvisionOptions,
  imported: ImportedKey | undefined,
  confirm: Confirm,
): PlanItem[] {
  const fromAddress = options.fromAddress ?? '';
  const { user } = state;
  const findings: Finding[] = [];
  if (!user.exists)
    refuse(
      findings,
      'hand-made user',
      `there is no ${USER_NAME} in account ${state.account.accountId}`,
      `there is no ${USER_NAME} to take over; run without --adopt-hand-made to create one`,
    );
  findings.push(
    finding(
      'hand-made user',
      user.managed ? 'exists' : 'warning',
      `${USER_NAME}${user.managed ? '' : ': no managed-by tag'}`,
    ),
  );
  const policy = state.policies.find((candidate) => candidate.name === POLICY_NAME && candidate.exists);
  if (policy) {
    const differences = documentDifferences(policy.document, fromAddress);
    findings.push(
      finding(
        'hand-made policy',
        policy.managed && differences.length === 0 ? 'exists' : 'warning',
        `${POLICY_NAME}${policy.managed ? '' : ': no managed-by tag'}${differences.length > 0 ? `${policy.managed ? ':' : ';'} ${differences.join('; ')}` : ''}`,
      ),
    );
    const others = otherHolders(policy);
    if (others.length > 0)
      refuse(
        findings,
        'hand-made policy',
        `${POLICY_NAME} is attached to ${others.join(', ')} too`,
        `${POLICY_NAME} is attached to ${others.join(', ')} as well as ${USER_NAME}, and this tool's document would change what ${others.length > 1 ? 'they' : 'that one'} may do; detach it from ${others.length > 1 ? 'them' : 'it'} (\`aws iam list-entities-for-policy --policy-arn ${policy.arn}\` lists them), or give ${others.length > 1 ? 'them' : 'it'} a policy of ${others.length > 1 ? 'their' : 'its'} own, then run again`,
      );
  }
  if (imported?.refusal) refuse(findings, 'imported key', imported.refusal, `${imported.refusal}, so it is not kept`);
  if (imported && state.file.accessKeyId && state.file.accessKeyId !== imported.accessKeyId)
    refuse(
      findings,
      'imported key',
      `${shownPath(options.outFile)} holds another key, ${state.file.accessKeyId}`,
      `${shownPath(options.outFile)} already holds the key ${state.file.accessKeyId}, whose secret would be lost; give another --out, or move that file away, then run again`,
    );
  if (imported)
    findings.push(
      finding(
        'imported key',
        'checked',
        `${imported.accessKeyId} from ${imported.shownFile}: one of ${USER_NAME}'s keys, and sts:GetCallerIdentity signed with its secret names ${USER_NAME}`,
      ),
    );

  const outFile = shownPath(options.outFile);
  const tagged = (what: string) => `${what}: tag ${MANAGED_TAG.Key}=${MANAGED_TAG.Value} (now this tool's: `;
  const changes: Change[] = [];
  if (!user.managed)
    changes.push(
      change(
        'user',
        'update',
        `${tagged(USER_NAME)}--teardown deletes it)`,
        async ({ aws }) =>
          void (await aws.iam.change(new TagUserCommand({ UserName: USER_NAME, Tags: [MANAGED_TAG] }))),
      ),
    );
  if (policy && !policy.managed)
    changes.push(
      change(
        'policy',
        'update',
        `${tagged(POLICY_NAME)}it gets this tool's document)`,
        async ({ aws }) =>
          void (await aws.iam.change(new TagPolicyCommand({ PolicyArn: policy.arn, Tags: [MANAGED_TAG] }))),
      ),
    );
  if (imported && state.file.accessKeyId !== imported.accessKeyId) {
    const { accessKeyId, secretAccessKey, shownFile } = imported;
    const files = `${outFile} and ${shownPath(credentialsCsvPath(options.outFile))}`;
    changes.push(
      change(
        'credentials file',
        state.file.exists ? 'update' : 'create',
        `${files}, mode 0600, with the key ${accessKeyId} from ${shownFile}`,
        async ({ aws }) => {
          await writeCredentialsFile(options.outFile, {
            [ENV.accessKeyId]: accessKeyId,
            [ENV.secretAccessKey]: secretAccessKey,
            [ENV.region]: options.region,
            [ENV.fromAddress]: fromAddress,
          });
          const saved = `${SAVED_KEY_TAG_PREFIX} on ${new Date().toISOString().slice(0, 10)}`;
          await aws.iam.change(new TagUserCommand({ UserName: USER_NAME, Tags: [{ Key: accessKeyId, Value: saved }] }));
          return undefined;
        },
      ),
    );
  }
  const askFirst: Check = {
    check: async () => {
      if (options.yes || changes.length === 0) return;
      const agreed = await confirm(
        `This makes ${USER_NAME} and ${POLICY_NAME} this tool's: the policy gets this tool's document (its hand-made versions are deleted), and --teardown will delete both.`,
      );
      if (!agreed) throw new ProvisionError('Adoption cancelled: nothing was changed.');
    },
  };
  return [...findings, askFirst, ...changes];
}

/**
 * The state as it will be once the adoption's changes are made, which the usual plan then works
 * from: marked as this tool's, it gives the policy this tool's document and deletes the hand-made
 * versions. A policy someone else holds too was refused before.
 */
function asAdopted(
  state: ProvisionState,
  options: ProvisionOptions,
  imported: ImportedKey | undefined,
): ProvisionState {
  const savedTag = imported ? [{ Key: imported.accessKeyId, Value: SAVED_KEY_TAG_PREFIX }] : [];
  return {
    ...state,
    user: { ...state.user, managed: true, tags: [...state.user.tags, MANAGED_TAG, ...savedTag] },
    policies: state.policies.map((policy) =>
      policy.name === POLICY_NAME && policy.exists ? { ...policy, managed: true } : policy,
    ),
    file: imported
      ? {
          ...state.file,
          exists: true,
          accessKeyId: imported.accessKeyId,
          region: options.region,
          fromAddress: options.fromAddress ?? '',
        }
      : state.file,
  };
}

export async function adoptHandMade(context: StepContext, confirm: Confirm): Promise<Summary> {
  const { options } = context;
  const state = await readState(context);
  const imported = options.importKey ? await readImportedKey(context, options.importKey, state) : undefined;
  let adoption: PlanItem[];
  try {
    adoption = planHandMade(state, options, imported, confirm);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    await applyPlan(context, { items: error.findings, refusal: error.message });
    throw error;
  }
  // One list, printed by a dry run and carried out by a real one: the usual plan, as it is once
  // the setup is this tool's, after the adoption's own lines. A refusal keeps only what was found.
  const adopted = asAdopted(state, options, imported);
  const plan = planProvision(adopted, options);
  const [account, ...rest] = plan.items;
  const shown =
    plan.refusal === undefined ? adoption : adoption.filter((item) => !('action' in item) && !('check' in item));
  await applyPlan(context, { ...plan, items: [...(account ? [account] : []), ...shown, ...rest] });
  return provisionSummary(adopted, options, plan.outcomes, context.report);
}
