// One read of the account, before any change, into the state the plan is computed from, with
// each kind's reader in resources/; teardown reads what it removes with the same readers.

import type { AccessKeyMetadata } from '@aws-sdk/client-iam';
import { ENV } from '../../lambda/config.ts';
import type { StepContext } from './context.ts';
import type { SendingStatus } from './deliverabilityReport.ts';
import { type AuditSubject, type HeldPolicy, readAuditSubject, readRoleGrants } from './grantAudit.ts';
import { type GrantedPolicy, grantedPolicies } from './managedPolicies.ts';
import { GROUP_PATH, LIMIT_POLICY_NAME, POLICY_NAME } from './names.ts';
import { domainOf } from './policyDocument.ts';
import { listKeys, readSavedFile, type SavedFile } from './resources/accessKey.ts';
import { type AccountState, readAccount } from './resources/account.ts';
import { type GroupState, readGroup } from './resources/attachments.ts';
import {
  type ConfigurationSetState,
  configurationSetInUse,
  readConfigurationSet,
} from './resources/configurationSet.ts';
import { type DomainReading, keptDomain, readDomain } from './resources/domain.ts';
import { type IdentityPolicy, readIdentityPolicies } from './resources/identityPolicies.ts';
import { type LimitTableState, limitTableInUse, readLimitTablesToRemove } from './resources/limitTable.ts';
import { type PolicyFound, readToolPolicies } from './resources/policies.ts';
import { type RecordedRole, type RoleState, readRecordedRole, readRole } from './resources/role.ts';
import { readSender, readSending, readVerification, type SenderReading } from './resources/sender.ts';
import { readUser, type UserState } from './resources/user.ts';

export interface ProvisionState extends AuditSubject {
  readonly account: AccountState;
  /** The policies this run grants, with their documents for this state. */
  readonly granted: readonly GrantedPolicy[];
  readonly keys: readonly AccessKeyMetadata[];
  readonly file: SavedFile;
  /** --domain, or the one an earlier --domain run set up; else the sender address. */
  readonly domain?: DomainReading;
  readonly sender?: SenderReading;
  readonly recipients: Readonly<Record<string, string | undefined>>;
  readonly sending: SendingStatus;
  readonly configurationSet?: ConfigurationSetState;
  readonly limitTable?: LimitTableState;
  /** With --hosted-role-arn: the role, its policies as the audit reads them, and its external ID. */
  readonly hostedRole?: HostedRoleRun;
  /** The key file records a role too (SES_ROLE_ARN): the summary says which way each build uses. */
  readonly roleRecorded?: boolean;
  /** The SES sending-authorization policies of the sender's address, its domain and --domain. */
  readonly identityPolicies: readonly IdentityPolicy[];
}

export interface HostedRoleRun {
  readonly role: RoleState;
  /** Its attached and inline policies, as the permission check reads them. */
  readonly held: readonly HeldPolicy[];
  readonly recorded: RecordedRole;
  /** The recorded external ID, or a new random one when none is recorded. */
  readonly externalId: string;
}

async function readHostedRoleRun(context: StepContext, toolPolicies: readonly PolicyFound[]): Promise<HostedRoleRun> {
  const role = await readRole(context);
  const recorded = await readRecordedRole(context.options.outFile);
  const held = await readRoleGrants(context, role, toolPolicies);
  return { role, held, recorded, externalId: recorded.externalId };
}

async function recordsRole(outFile: string): Promise<boolean> {
  return (await readRecordedRole(outFile)).output[ENV.roleArn] !== undefined;
}

export async function readState(context: StepContext): Promise<ProvisionState> {
  const { options } = context;
  const fromAddress = options.fromAddress ?? '';
  const account = await readAccount(context);
  const toolPolicies = await readToolPolicies(context, account);
  const file = await readSavedFile(options.outFile);
  const policyNamed = (name: string) => toolPolicies.find((policy) => policy.name === name);
  // With --domain (given, or kept from an earlier run) the domain's DNS records verify the
  // address: it needs no verification mail of its own.
  const domain = options.domain
    ? await readDomain(context, options.domain, fromAddress)
    : await keptDomain(context, policyNamed(POLICY_NAME)?.document, fromAddress);
  const sender = domain ? undefined : await readSender(context, fromAddress);
  const set = configurationSetInUse(options, file);
  const limitTable = await limitTableInUse(context, policyNamed(LIMIT_POLICY_NAME), file);
  const granted = grantedPolicies({
    account,
    options,
    fromAddress,
    senderDomainVerified: domain ? domain.verificationStatus === 'Success' : (sender?.domainVerified ?? false),
    ...(domain ? { sendingDomain: { domain: domain.domain, addressVerified: domain.addressVerified } } : {}),
    ...(set ? { configurationSet: set.name } : {}),
    ...(limitTable ? { limitTable: limitTable.name } : {}),
  });
  const subject = await readAuditSubject(context, account, granted, undefined, toolPolicies);
  return {
    ...subject,
    account,
    granted,
    keys: await listKeys(context, subject.user.exists),
    file,
    ...(domain ? { domain } : {}),
    ...(sender ? { sender } : {}),
    recipients: await readVerification(context, options.verifyRecipients),
    sending: await readSending(context),
    ...(set ? { configurationSet: await readConfigurationSet(context, account, set) } : {}),
    ...(limitTable ? { limitTable } : {}),
    ...(options.hostedRoleArn ? { hostedRole: await readHostedRoleRun(context, toolPolicies) } : {}),
    roleRecorded: await recordsRole(options.outFile),
    identityPolicies: await readIdentityPolicies(context, [
      ...(fromAddress ? [fromAddress, domainOf(fromAddress)] : []),
      ...(domain ? [domain.domain] : []),
    ]),
  };
}

export interface TeardownState {
  readonly account: AccountState;
  readonly toolPolicies: readonly PolicyFound[];
  readonly user: UserState;
  readonly keys: readonly AccessKeyMetadata[];
  /** The user's groups under this tool's path. */
  readonly groups: readonly GroupState[];
  readonly file: SavedFile;
  readonly limitTables: Awaited<ReturnType<typeof readLimitTablesToRemove>>;
  readonly configurationSet?: ConfigurationSetState;
  /** The role a --hosted-role-arn run made, if any. */
  readonly role?: RoleState;
  /** The file records a role (SES_ROLE_ARN). */
  readonly roleRecorded?: boolean;
}

export async function readTeardownState(context: StepContext): Promise<TeardownState> {
  const account = await readAccount(context);
  const toolPolicies = await readToolPolicies(context, account);
  const file = await readSavedFile(context.options.outFile);
  const user = await readUser(context);
  const groups: GroupState[] = [];
  for (const group of user.groups.filter((candidate) => candidate.Path === GROUP_PATH))
    groups.push(await readGroup(context, group.GroupName ?? ''));
  const set = configurationSetInUse(context.options, file);
  const limitPolicy = toolPolicies.find((policy) => policy.name === LIMIT_POLICY_NAME);
  return {
    account,
    toolPolicies,
    user,
    keys: await listKeys(context, user.exists),
    groups,
    file,
    limitTables: await readLimitTablesToRemove(context, limitPolicy, file),
    ...(set ? { configurationSet: await readConfigurationSet(context, account, set) } : {}),
    role: await readRole(context),
    roleRecorded: await recordsRole(context.options.outFile),
  };
}
