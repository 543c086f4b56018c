// AlexaSkillMailSenderRole (--hosted-role-arn): an Alexa-hosted skill's Lambda role assumes it, with
// the external ID this tool records, to send with the user's policies and no long-lived key.

import { randomUUID } from 'node:crypto';
import * as IAM from '@aws-sdk/client-iam';
import { ENV } from '../../../lambda/config.ts';
import { hostedRoleTrustPolicy, SENDER_ROLE_NAME } from '../../../lambda/mail/roleTrustPolicy.ts';
import { readProvisioningOutput, writeProvisioningOutput } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import { adopted, type Finding, type Found, iam, leftAlone, notOurs, type PlanItem, Refusal, step } from '../change.ts';
import { all, profileFlag, type StepContext } from '../context.ts';
import type { GrantedPolicy } from '../managedPolicies.ts';
import { isManaged, MANAGED_TAG } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import { decodePolicyDocument, namesIn, statementsOf } from '../policyDocument.ts';
import { attachEach } from './attachments.ts';
import type { PolicyFound } from './policies.ts';

/** The Lambda role Amazon gives every Alexa-hosted skill; another name is allowed, with a warning. */
const HOSTED_LAMBDA_ROLE_NAME = 'AlexaHostedSkillLambdaRole';

export interface RoleState extends Found {
  readonly arn?: string;
  /** The trust policy as IAM holds it, decoded. */
  readonly trustPolicy?: unknown;
  readonly permissionsBoundary?: string;
  readonly attached: readonly IAM.AttachedPolicy[];
  readonly inline: readonly { readonly name: string; readonly document: unknown }[];
}

export const NO_ROLE: RoleState = { exists: false, managed: false, attached: [], inline: [] };

export async function readRole(context: StepContext): Promise<RoleState> {
  const { clients, aws } = context;
  const RoleName = SENDER_ROLE_NAME;
  const role = (await aws.iam.find(new IAM.GetRoleCommand({ RoleName })))?.Role;
  if (!role) return NO_ROLE;
  const client = { client: clients.iam };
  const inline = [];
  const names = await aws.read('iam:ListRolePolicies', () =>
    all(IAM.paginateListRolePolicies(client, { RoleName }), (page) => page.PolicyNames),
  );
  for (const PolicyName of names) {
    const answer = await aws.iam.read(new IAM.GetRolePolicyCommand({ RoleName, PolicyName }));
    inline.push({ name: PolicyName, document: decodePolicyDocument(answer.PolicyDocument) });
  }
  const boundary = role.PermissionsBoundary?.PermissionsBoundaryArn;
  return {
    exists: true,
    managed: isManaged(role.Tags ?? []),
    ...(role.Arn ? { arn: role.Arn } : {}),
    trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument),
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    attached: await aws.read('iam:ListAttachedRolePolicies', () =>
      all(IAM.paginateListAttachedRolePolicies(client, { RoleName }), (page) => page.AttachedPolicies),
    ),
    inline,
  };
}

/** What the provisioning output records of the role: the external ID is kept so that a re-run changes nothing. */
export interface RecordedRole {
  readonly externalId?: string;
  /** The whole output as written, to compare with what this run would write. */
  readonly output: Readonly<Record<string, unknown>>;
}

/** A role with no external ID recorded yet gets a random one, so that no one can guess it. */
export async function readRecordedRole(path: string): Promise<RecordedRole & { readonly externalId: string }> {
  const output = await readProvisioningOutput(path);
  const externalId = output[ENV.roleExternalId];
  return { output, externalId: typeof externalId === 'string' && externalId ? externalId : randomUUID() };
}

/**
 * Who the trust policy lets assume the role, when it has exactly the shape this tool writes (one
 * Allow of sts:AssumeRole to one AWS principal, on one StringEquals sts:ExternalId); `undefined`
 * for any other document, which may let someone else in.
 */
function toolShapedTrust(document: unknown): { principal: string; externalId: string } | undefined {
  const statements = statementsOf(document);
  if (statements?.length !== 1) return undefined;
  const [statement] = statements;
  if (statement?.Effect !== 'Allow' || 'NotPrincipal' in statement || 'NotAction' in statement) return undefined;
  const actions = namesIn(statement.Action);
  const principal = statement.Principal as { AWS?: unknown } | undefined;
  const principals = principal && typeof principal === 'object' ? namesIn(principal.AWS) : [];
  if (Object.keys(principal ?? {}).length !== 1 || principals.length !== 1) return undefined;
  if (actions.length !== 1 || actions[0]?.toLowerCase() !== 'sts:assumerole') return undefined;
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  if (!condition || Object.keys(condition).length !== 1 || !condition.StringEquals) return undefined;
  const keys = Object.entries(condition.StringEquals);
  const [key, value] = keys[0] ?? [];
  const ids = namesIn(value);
  if (keys.length !== 1 || key?.toLowerCase() !== 'sts:externalid' || ids.length !== 1) return undefined;
  const [only] = principals;
  if (!only || only.includes('*') || !ids[0]) return undefined;
  return { principal: only, externalId: ids[0] };
}

const ROLE = step('role');
const TRUST = step('trust policy');

/**
 * Before any change: a role of this name that this tool did not make is refused unless --adopt; a
 * trust policy someone widened (another principal, "*", no external ID, a second statement) is
 * refused, since whoever it lets in may already have sent mail as the skill.
 */
export function checkRole(role: RoleState, options: ProvisionOptions): Finding[] {
  if (role.exists && !role.managed && !options.adopt.has('role'))
    throw new Refusal(
      [notOurs('role', SENDER_ROLE_NAME)],
      `Nothing was changed: this tool did not create the role ${SENDER_ROLE_NAME}, which already exists in the account; run again with --adopt role to use it (its policies and trust policy are still checked, and --teardown will leave it in place), or delete it and run again.`,
    );
  const hosted = options.hostedRoleArn ?? '';
  const findings =
    hosted.slice(hosted.lastIndexOf('/') + 1) === HOSTED_LAMBDA_ROLE_NAME
      ? []
      : [
          step('hosted role').warning(
            `${hosted} is not named ${HOSTED_LAMBDA_ROLE_NAME}: check it is the ARN the skill's Code tab shows under "Link your personal AWS resources"`,
          ),
        ];
  if (!role.exists || toolShapedTrust(role.trustPolicy)) return findings;
  const see = `\`aws iam get-role --role-name ${SENDER_ROLE_NAME}${profileFlag(options)}\``;
  throw new Refusal(
    [
      ...findings,
      TRUST.refused(
        `${SENDER_ROLE_NAME} may be assumed by more than one principal with the external ID: its trust policy is not the one this tool writes`,
      ),
    ],
    `Nothing was changed: the trust policy of ${SENDER_ROLE_NAME} lets someone besides the hosted skill assume it (another principal, "*", or no sts:ExternalId condition), and whoever it lets in can send mail as the skill; see it with ${see}, find out who changed it (CloudTrail, UpdateAssumeRolePolicy), then delete the role (\`npm run provision -- --teardown\`) and run again, which makes it anew with a new external ID.`,
  );
}

/**
 * The role, its trust policy and this run's policies on it: created, or put back as this tool
 * writes them. `externalId`: the recorded one, or a new one when none is recorded.
 */
export function planRole(
  role: RoleState,
  granted: readonly GrantedPolicy[],
  options: ProvisionOptions,
  externalId: string,
): PlanItem[] {
  const RoleName = SENDER_ROLE_NAME;
  const hosted = options.hostedRoleArn ?? '';
  const trust = JSON.stringify(hostedRoleTrustPolicy(hosted, externalId));
  const shown = shownPath(options.outFile);
  const current = toolShapedTrust(role.trustPolicy);
  const attach = (PolicyArn: string) => new IAM.AttachRolePolicyCommand({ RoleName, PolicyArn });
  const policies = attachEach(granted, role.attached, { step: 'role policy', name: RoleName, attach });
  if (!role.exists) {
    const create = new IAM.CreateRoleCommand({
      RoleName,
      AssumeRolePolicyDocument: trust,
      Description: 'Lets an Alexa-hosted skill send mail through SES as alexa-ses-mailer, and nothing else.',
      Tags: [MANAGED_TAG],
    });
    return [
      ROLE.create(`${RoleName}, which only ${hosted} may assume, with the external ID in ${shown}`, iam(create)),
      ...policies,
    ];
  }
  const update = iam(new IAM.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: trust }));
  return [
    ROLE.exists(`${RoleName}${adopted(role.managed, ': --teardown will leave it in place')}`),
    current?.principal !== hosted
      ? TRUST.update(`only ${hosted} may assume ${RoleName} (it was ${current?.principal})`, update)
      : current.externalId !== externalId
        ? TRUST.update(`a new external ID for ${hosted}, the one ${shown} records`, update)
        : TRUST.exists(`only ${hosted} may assume ${RoleName}, with the external ID`),
    ...policies,
  ];
}

/** The settings the hosted export reads (ops/hosted/config.ts), written beside any key the file holds. */
export function planRoleOutput(
  recorded: RecordedRole,
  role: RoleState,
  options: ProvisionOptions,
  settings: { externalId: string; accountId: string; partition: string; limitTable?: string | undefined },
): PlanItem {
  const roleArn = role.arn ?? `arn:${settings.partition}:iam::${settings.accountId}:role/${SENDER_ROLE_NAME}`;
  const shown = shownPath(options.outFile);
  const values: Record<string, string> = {
    [ENV.roleArn]: roleArn,
    [ENV.roleExternalId]: settings.externalId,
    [ENV.region]: options.region,
    [ENV.fromAddress]: options.fromAddress ?? '',
    ...(settings.limitTable ? { [ENV.mailLimitTable]: settings.limitTable } : {}),
    ...(options.configurationSet ? { [ENV.configurationSet]: options.configurationSet } : {}),
  };
  const settingsStep = step('role settings');
  if (Object.entries(values).every(([name, value]) => recorded.output[name] === value))
    return settingsStep.exists(`${shown} records the role, its external ID, the sender and the region`);
  return (recorded.output[ENV.roleArn] ? settingsStep.update : settingsStep.create)(
    `${ENV.roleArn}, ${ENV.roleExternalId}, the sender and the region in ${shown}, for \`npm run hosted\``,
    () => writeProvisioningOutput(options.outFile, values),
  );
}

/** Teardown: this tool's policies off the role, its inline policies, then the role; one it did not create stays. */
export function planRoleDeletion(role: RoleState, toolPolicies: readonly PolicyFound[]): PlanItem[] {
  const RoleName = SENDER_ROLE_NAME;
  const left = leftAlone('role', RoleName, role);
  if (left) return [left];
  const ours = new Set(toolPolicies.filter((policy) => policy.managed).map((policy) => policy.arn));
  const foreign = role.attached.filter((policy) => !ours.has(policy.PolicyArn ?? ''));
  const inline = role.inline.map(({ name }) => new IAM.DeleteRolePolicyCommand({ RoleName, PolicyName: name }));
  return [
    ...role.attached
      .filter(({ PolicyArn }) => ours.has(PolicyArn ?? ''))
      .map(({ PolicyName, PolicyArn }) =>
        step('role policy').delete(
          `${PolicyName} from ${RoleName}`,
          iam(new IAM.DetachRolePolicyCommand({ RoleName, PolicyArn })),
        ),
      ),
    foreign.length > 0
      ? ROLE.skipped(
          `${RoleName} also has ${foreign.map((policy) => policy.PolicyName).join(', ')}, which this tool did not attach: left in place`,
        )
      : ROLE.delete(
          inline.length > 0 ? `${RoleName} and its inline policies` : RoleName,
          iam(...inline, new IAM.DeleteRoleCommand({ RoleName })),
        ),
  ];
}

/** Who the role is a holder of, for the policies' deletion at teardown ("role NAME"). */
export function roleHolding(role: RoleState, arn: string): string[] {
  const holds = role.attached.some((policy) => policy.PolicyArn === arn) || role.permissionsBoundary === arn;
  return role.managed && holds ? [`role ${SENDER_ROLE_NAME}`] : [];
}
