// The IAM managed policies this tool creates and attaches to AlexaSkillMailSender, as data. The
// audit accepts exactly these on the user, at this tool's ARN, provisioning creates and attaches
// them, teardown removes them: a new policy is a new entry in MANAGED_POLICIES (with the function
// that builds its document and the one that recognises what it wrote).

import { LIMIT_TABLE_ACTIONS } from '../../lambda/limits/tableSchema.ts';
import { maskAddress } from '../../lambda/log.ts';
import type { Account } from './context.ts';
import { buildBoundaryPolicy, buildGuardPolicy, isBoundaryDocument, isGuardDocument } from './guardPolicyDocument.ts';
import { buildMailLimitPolicy, limitTableOf } from './limitPolicyDocument.ts';
import { BOUNDARY_POLICY_NAME, GUARD_POLICY_NAME, LIMIT_POLICY_NAME, POLICY_NAME } from './names.ts';
import type { ProvisionOptions } from './options.ts';
import { buildMailAccessPolicy, isMailAccessDocument, MAIL_ACTIONS, type PolicyDocument } from './policyDocument.ts';

/** What a run knows when it builds the documents: its options and what it read from the account. */
export interface PolicyInputs {
  readonly account: Account;
  readonly options: ProvisionOptions;
  readonly fromAddress: string;
  /** SES verified the sender's domain rather than the address: the domain identity is a resource too. */
  readonly senderDomainVerified: boolean;
  /** --domain: the domain identity the sender sends as, instead of the address identity (resources/domain.ts). */
  readonly sendingDomain?: { readonly domain: string; readonly addressVerified: boolean };
  /** The configuration set every send names (--configuration-set, or the key file's): a resource too. */
  readonly configurationSet?: string;
  /** The limit table the skill counts in (--limit-table, or the one an earlier run set up: resources/limitTable.ts). */
  readonly limitTable?: string;
}

interface ManagedPolicy {
  readonly name: string;
  /** The option that grants it (--limit-table); absent: every provisioning run grants it. */
  readonly flag?: string;
  readonly description: string;
  /** Set as the identity's permissions boundary instead of attached to it. */
  readonly boundary?: true;
  /** This run's document, or `undefined` when the run grants nothing of this policy (no limit table in use). */
  document(inputs: PolicyInputs): PolicyDocument | undefined;
  /** What the document allows, in a few words for the report (addresses masked). */
  summary(inputs: PolicyInputs): string;
  /**
   * Whether a document (of a version of this policy at `arn`) is one this tool writes, for any
   * sender or table of the account: an earlier run's, which a later run may delete.
   */
  writtenByThisTool(arn: string, document: unknown, account: Account): boolean;
}

const MAIL_ACCESS: ManagedPolicy = {
  name: POLICY_NAME,
  description: 'Lets the alexa-ses-mailer skill send mail through SES from its sender address, and nothing else.',
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
  writtenByThisTool: (_arn, document, account) => isMailAccessDocument(document, account),
};

const limitSummary = (table: string) =>
  `${LIMIT_TABLE_ACTIONS.join(' and ')} on the counting attributes of the DynamoDB table ${table} only`;

const MAIL_LIMIT: ManagedPolicy = {
  name: LIMIT_POLICY_NAME,
  flag: '--limit-table',
  description:
    'Lets the alexa-ses-mailer skill count the mails of each user in its DynamoDB limit table, and nothing else.',
  document: ({ account, options, limitTable }) =>
    limitTable ? buildMailLimitPolicy({ ...account, region: options.region, table: limitTable }) : undefined,
  summary: ({ limitTable }) => limitSummary(limitTable ?? ''),
  writtenByThisTool: (arn, document) => limitTableOf(arn, document) !== undefined,
};

const guardDocument = ({ account, options, fromAddress, limitTable }: PolicyInputs) =>
  buildGuardPolicy({
    ...account,
    region: options.region,
    fromAddress,
    anySender: options.anySender,
    ...(limitTable ? { limitTable } : {}),
  });

const guardSummary = ({ options, fromAddress, limitTable }: PolicyInputs) => {
  const sender = options.anySender ? '' : ` as ${maskAddress(fromAddress)}`;
  const table = limitTable ? ` and ${LIMIT_TABLE_ACTIONS.join(' and ')} on ${limitTable}` : '';
  return `denies all but ${MAIL_ACTIONS.join(' and ')}${sender}${table}, whatever else grants it`;
};

/** Deny statements only, attached like the others: they hold even where a boundary does not reach. */
const MAIL_GUARD: ManagedPolicy = {
  name: GUARD_POLICY_NAME,
  description:
    'Denies the alexa-ses-mailer skill anything but sending mail as its sender (and counting in its limit table), whatever else grants it.',
  document: guardDocument,
  summary: guardSummary,
  writtenByThisTool: (_arn, document) => isGuardDocument(document),
};

/** The permissions boundary: this run's grants, capped by the guard's Denies. */
const MAIL_BOUNDARY: ManagedPolicy = {
  name: BOUNDARY_POLICY_NAME,
  description:
    'The permissions boundary of the alexa-ses-mailer skill: sending mail as its sender (and counting in its limit table), and nothing else.',
  boundary: true,
  document: (inputs) => {
    const grants = [MAIL_ACCESS, MAIL_LIMIT].flatMap((policy) => policy.document(inputs) ?? []);
    return buildBoundaryPolicy(grants, guardDocument(inputs));
  },
  summary: () => `allows what this tool grants, with ${GUARD_POLICY_NAME}'s Denies`,
  writtenByThisTool: (_arn, document, account) => isBoundaryDocument(document, account),
};

/** Every policy this tool may create, in the order it creates them. */
export const MANAGED_POLICIES: readonly ManagedPolicy[] = [MAIL_ACCESS, MAIL_LIMIT, MAIL_GUARD, MAIL_BOUNDARY];

/** Whether a run grants this policy only when given its option: one that never existed then needs no report line. */
export function grantedOnlyWithFlag(name: string): boolean {
  return MANAGED_POLICIES.find((policy) => policy.name === name)?.flag !== undefined;
}

/** A policy this run grants: its name, ARN in the account, and the exact document. */
export interface GrantedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly description: string;
  readonly document: PolicyDocument;
  readonly summary: string;
  /** Set as the permissions boundary, never attached. */
  readonly boundary: boolean;
  /** See ManagedPolicy.writtenByThisTool. */
  writtenByThisTool(document: unknown): boolean;
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
    const arn = managedPolicyArn(inputs.account, name);
    return [
      {
        name,
        description,
        arn,
        document,
        summary: policy.summary(inputs),
        boundary: policy.boundary === true,
        writtenByThisTool: (candidate: unknown) => policy.writtenByThisTool(arn, candidate, inputs.account),
      },
    ];
  });
}

/** The policies a run attaches (to the user, or its --group): all but the boundary. */
export function attachedPolicies(granted: readonly GrantedPolicy[]): GrantedPolicy[] {
  return granted.filter((policy) => !policy.boundary);
}
