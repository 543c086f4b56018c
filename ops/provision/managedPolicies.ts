// The IAM managed policies this tool creates and attaches to AlexaSkillMailSender, as data. The
// audit accepts exactly these on the user, provisioning creates and attaches them, teardown removes
// them: a new policy is a new entry in MANAGED_POLICIES (with the function that builds its document).

import { LIMIT_TABLE_ACTIONS } from '../../lambda/limits/tableSchema.ts';
import { maskAddress } from '../../lambda/log.ts';
import { buildMailLimitPolicy, limitTableOf } from './limitPolicyDocument.ts';
import { LIMIT_POLICY_DESCRIPTION, LIMIT_POLICY_NAME, POLICY_DESCRIPTION, POLICY_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import { buildMailAccessPolicy, MAIL_ACTIONS, type PolicyDocument } from './policyDocument.ts';
import type { Account } from './steps/context.ts';

/** What a run knows when it builds the documents: its options and what it read from the account. */
export interface PolicyInputs {
  readonly account: Account;
  readonly options: ProvisionOptions;
  readonly fromAddress: string;
  /** SES verified the sender's domain rather than the address: the domain identity is a resource too. */
  readonly senderDomainVerified: boolean;
  /** --domain: the domain identity the sender sends as, instead of the address identity (steps/domain.ts). */
  readonly sendingDomain?: { readonly domain: string; readonly addressVerified: boolean };
  /** The configuration set every send names (--configuration-set, or the key file's): a resource too. */
  readonly configurationSet?: string;
}

interface ManagedPolicy {
  readonly name: string;
  /** The option that grants it (--limit-table); absent: every provisioning run grants it. */
  readonly flag?: string;
  readonly description: string;
  /** This run's document, or `undefined` when the run grants nothing of this policy (its flag was not given). */
  document(inputs: PolicyInputs): PolicyDocument | undefined;
  /** What the document allows, in a few words for the report (addresses masked). */
  summary(inputs: PolicyInputs): string;
  /**
   * For a policy a run grants only with its flag: what an earlier run's document granted, in a few
   * words, when `document` (attached as `arn`) is exactly what this tool writes; `undefined` otherwise.
   * The audit accepts such a policy in a run without the flag, and the run leaves it in place.
   */
  earlierGrant?(arn: string, document: unknown): string | undefined;
}

const MAIL_ACCESS: ManagedPolicy = {
  name: POLICY_NAME,
  description: POLICY_DESCRIPTION,
  document: ({ account, options, fromAddress, senderDomainVerified, sendingDomain, configurationSet }) =>
    buildMailAccessPolicy({
      partition: account.partition,
      region: options.region,
      accountId: account.accountId,
      fromAddress,
      domainIdentity: senderDomainVerified,
      recipientIdentities: options.verifyRecipients,
      anySender: options.anySender,
      ...(sendingDomain ? { sendingDomain } : {}),
      ...(configurationSet ? { configurationSet } : {}),
    }),
  summary: ({ options, fromAddress, sendingDomain, configurationSet }) => {
    const actions = MAIL_ACTIONS.join(' and ');
    if (options.anySender) return `${actions} from any identity`;
    const recipients =
      options.verifyRecipients.length > 0
        ? ` (SES also checks the sandbox recipients ${options.verifyRecipients.map(maskAddress).join(', ')})`
        : '';
    const domain = sendingDomain ? `, as ${sendingDomain.domain}` : '';
    const set = configurationSet ? `, through ${configurationSet}` : '';
    return `${actions} from ${maskAddress(fromAddress)} only${domain}${set}${recipients}`;
  },
};

const limitSummary = (table: string) => `${LIMIT_TABLE_ACTIONS.join(' and ')} on the DynamoDB table ${table} only`;

const MAIL_LIMIT: ManagedPolicy = {
  name: LIMIT_POLICY_NAME,
  flag: '--limit-table',
  description: LIMIT_POLICY_DESCRIPTION,
  document: ({ account, options }) =>
    options.limitTable
      ? buildMailLimitPolicy({ ...account, region: options.region, table: options.limitTable })
      : undefined,
  summary: ({ options }) => limitSummary(options.limitTable ?? ''),
  earlierGrant: (arn, document) => {
    const table = limitTableOf(arn, document);
    return table && `${limitSummary(table.table)} (in ${table.region})`;
  },
};

/** Every policy this tool may create, in the order it creates them. */
export const MANAGED_POLICIES: readonly ManagedPolicy[] = [MAIL_ACCESS, MAIL_LIMIT];

/** Whether a run grants this policy only when given its option: one that never existed then needs no report line. */
export function grantedOnlyWithFlag(name: string): boolean {
  return MANAGED_POLICIES.find((policy) => policy.name === name)?.flag !== undefined;
}

/** What a policy of this tool that a run did not grant allows, when its document is exactly this tool's (see earlierGrant). */
export function earlierGrant(arn: string, document: unknown): { name: string; allows: string } | undefined {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const allows = MANAGED_POLICIES.find((policy) => policy.name === name)?.earlierGrant?.(arn, document);
  return allows === undefined ? undefined : { name, allows };
}

/** A policy this run grants: its name, ARN in the account, and the exact document. */
export interface GrantedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly document: PolicyDocument;
  readonly summary: string;
}

export function managedPolicyArn(account: Account, name: string): string {
  return `arn:${account.partition}:iam::${account.accountId}:policy/${name}`;
}

/** The policies this run grants the user, with their documents: anything else on the user is an extra grant. */
export function grantedPolicies(inputs: PolicyInputs): GrantedPolicy[] {
  return MANAGED_POLICIES.flatMap((policy) => {
    const document = policy.document(inputs);
    if (!document) return [];
    const { name, description } = policy;
    return [
      { name, description, arn: managedPolicyArn(inputs.account, name), document, summary: policy.summary(inputs) },
    ];
  });
}
