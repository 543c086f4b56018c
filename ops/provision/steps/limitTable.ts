// --limit-table NAME: the DynamoDB table the skill counts each user's mails in (lambda/limits/),
// created paid per request, with Time to Live on the rows' expiry attribute and the managed-by
// tag; its name recorded in the key file, which the deploy build embeds; and, at --teardown,
// deleted when this tool created it. A table this tool did not create is used only with --adopt,
// as it is, and never deleted. A later run without the flag keeps the table an earlier one set up.

import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { GetPolicyCommand, GetPolicyVersionCommand } from '@aws-sdk/client-iam';
import { ENV } from '../../../lambda/config.ts';
import { LIMIT_TABLE_TTL_ATTRIBUTE, limitTableDefinition } from '../../../lambda/limits/tableSchema.ts';
import { readCredentialsFile, recordLimitTable } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import { ProvisionError } from '../errors.ts';
import { limitTableOf } from '../limitPolicyDocument.ts';
import { managedPolicyArn } from '../managedPolicies.ts';
import { isManaged, LIMIT_POLICY_NAME, MANAGED_TAG } from '../names.ts';
import { decodePolicyDocument } from '../policyDocument.ts';
import type { Account, StepContext } from './context.ts';
import type { PolicyFound } from './toolPolicies.ts';

/** Where this run's table comes from: --limit-table, the key file, or this tool's AlexaSkillMailLimit. */
export type LimitTableOrigin = 'option' | 'key file' | 'policy';

export interface LimitTableState {
  readonly name: string;
  readonly from: LimitTableOrigin;
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it. */
  readonly managed: boolean;
  readonly table?: TableDescription;
  /** DescribeTimeToLive's answer: ENABLED, ENABLING, DISABLED … and on which attribute. */
  readonly timeToLive?: { readonly status: string; readonly attribute?: string | undefined };
}

/** A new table is ready in seconds; past this, something is wrong and a later run can carry on. */
const ACTIVE_WAIT = { attempts: 60, delayMs: 2_000 } as const;

const EXPIRES_OLD_ROWS = new Set(['ENABLED', 'ENABLING']);

/** Its key is the one the skill writes: one string partition key, of the schema's name. */
function keyFits(table: TableDescription): boolean {
  const wanted = limitTableDefinition(table.TableName ?? '');
  const key = table.KeySchema ?? [];
  const types = new Map((table.AttributeDefinitions ?? []).map((definition) => [definition.AttributeName, definition]));
  return (
    key.length === 1 &&
    key[0]?.AttributeName === wanted.KeySchema[0].AttributeName &&
    key[0]?.KeyType === 'HASH' &&
    types.get(key[0].AttributeName)?.AttributeType === wanted.AttributeDefinitions[0].AttributeType
  );
}

function billing(table: TableDescription | undefined): string {
  return table?.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'paid per request' : 'provisioned capacity';
}

async function readLimitTable(
  { clients, aws }: StepContext,
  name: string,
  from: LimitTableOrigin = 'option',
): Promise<LimitTableState> {
  const found = await aws.find('dynamodb:DescribeTable', () =>
    clients.dynamoDb.send(new DescribeTableCommand({ TableName: name })),
  );
  const table = found?.Table;
  if (!table) return { name, from, exists: false, managed: false };
  const tags = await aws.read('dynamodb:ListTagsOfResource', () =>
    clients.dynamoDb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn })),
  );
  const timeToLive = await aws.read('dynamodb:DescribeTimeToLive', () =>
    clients.dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: name })),
  );
  return {
    name,
    from,
    exists: true,
    managed: isManaged(tags.Tags ?? []),
    table,
    timeToLive: {
      status: timeToLive.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED',
      attribute: timeToLive.TimeToLiveDescription?.AttributeName,
    },
  };
}

/**
 * The table this run counts in: --limit-table; else the one the key file records (the deployed
 * skill counts there); else the one of this tool's AlexaSkillMailLimit, at this tool's ARN, made
 * by this tool (or adopted), naming exactly this tool's document for a table of this region that
 * carries the managed-by tag. Anything else stays unused: if attached, the audit refuses it.
 */
export async function limitTableInUse(
  context: StepContext,
  limitPolicy: PolicyFound | undefined,
): Promise<LimitTableState | undefined> {
  const { options } = context;
  if (options.limitTable) return readLimitTable(context, options.limitTable, 'option');
  const recorded = await readCredentialsFile(options.outFile).then(
    (file) => (file[ENV.region] === options.region ? file[ENV.mailLimitTable] : undefined),
    () => undefined,
  );
  if (recorded) return readLimitTable(context, recorded, 'key file');
  if (!limitPolicy?.exists || !(limitPolicy.managed || options.adopt)) return undefined;
  const named = limitTableOf(limitPolicy.arn, limitPolicy.document);
  if (!named || named.region !== options.region) return undefined;
  const state = await readLimitTable(context, named.table, 'policy');
  return state.exists && state.managed ? state : undefined;
}

/** Before any change: a table the skill cannot use, or one this tool did not create (without --adopt), stops the run. */
export function checkLimitTable({ options, report }: StepContext, state: LimitTableState): void {
  if (!state.exists) return;
  if (state.table && !keyFits(state.table)) {
    report.step('limit table', 'refused', `${state.name} exists with another key than the skill's`);
    throw new ProvisionError(
      `The DynamoDB table ${state.name} exists with a key the skill cannot use (it needs one string partition key, ${limitTableDefinition(state.name).KeySchema[0].AttributeName}), so nothing was changed: give --limit-table a name no table has yet.`,
    );
  }
  // One the key file names was adopted by an earlier run: the deployed skill counts in it.
  if (!state.managed && !options.adopt && state.from !== 'key file') {
    report.step('limit table', 'refused', `${state.name} exists but this tool did not create it (no managed-by tag)`);
    throw new ProvisionError(
      `Nothing was changed: this tool did not create the DynamoDB table ${state.name}; run again with --adopt to count in it as it is (--teardown will leave it in place), or give --limit-table another name.`,
    );
  }
}

async function waitUntilActive({ clients, aws }: StepContext, name: string): Promise<TableDescription> {
  for (let attempt = 1; ; attempt++) {
    const { Table } = await aws.read('dynamodb:DescribeTable', () =>
      clients.dynamoDb.send(new DescribeTableCommand({ TableName: name })),
    );
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (attempt >= ACTIVE_WAIT.attempts)
      throw new ProvisionError(
        `The DynamoDB table ${name} is still ${Table?.TableStatus ?? 'not ready'} after ${(ACTIVE_WAIT.attempts * ACTIVE_WAIT.delayMs) / 60_000} minutes; run the same command again later, and it carries on from there.`,
      );
    await new Promise((resolve) => setTimeout(resolve, ACTIVE_WAIT.delayMs));
  }
}

async function enableTimeToLive(context: StepContext, name: string): Promise<void> {
  const { clients, aws } = context;
  await waitUntilActive(context, name);
  await aws.change('dynamodb:UpdateTimeToLive', () =>
    clients.dynamoDb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: LIMIT_TABLE_TTL_ATTRIBUTE },
      }),
    ),
  );
}

/** The table, created or found, and its rows' expiry; what `checkLimitTable` let through. */
export async function ensureLimitTable(context: StepContext, state: LimitTableState): Promise<void> {
  const { clients, aws, report } = context;
  const { name } = state;
  const expiry = `rows expire through Time to Live on ${LIMIT_TABLE_TTL_ATTRIBUTE}`;
  if (!state.exists) {
    if (aws.dryRun) {
      report.step('limit table', 'would create', `${name}, paid per request; ${expiry}`);
      return;
    }
    const { TableName, BillingMode, KeySchema, AttributeDefinitions } = limitTableDefinition(name);
    await aws.change('dynamodb:CreateTable', () =>
      clients.dynamoDb.send(
        new CreateTableCommand({
          TableName,
          BillingMode,
          KeySchema: [...KeySchema],
          AttributeDefinitions: [...AttributeDefinitions],
          Tags: [MANAGED_TAG],
        }),
      ),
    );
    await enableTimeToLive(context, name);
    report.step('limit table', 'created', `${name} in ${context.options.region}, paid per request; ${expiry}`);
    return;
  }

  const adopted = state.managed ? '' : ' (created outside this tool, adopted)';
  const kept = {
    option: '',
    'key file': ` (recorded in ${shownPath(context.options.outFile)}: the deployed skill counts there)`,
    policy: ` (named by ${LIMIT_POLICY_NAME}, which an earlier run made)`,
  }[state.from];
  report.step('limit table', 'exists', `${name}${adopted}${kept}, ${billing(state.table)}`);
  const ttl = state.timeToLive;
  if (ttl && EXPIRES_OLD_ROWS.has(ttl.status) && ttl.attribute === LIMIT_TABLE_TTL_ATTRIBUTE) {
    report.step('row expiry', 'exists', expiry);
  } else if (ttl && EXPIRES_OLD_ROWS.has(ttl.status)) {
    report.step(
      'row expiry',
      'warning',
      `Time to Live is on ${ttl.attribute}, not ${LIMIT_TABLE_TTL_ATTRIBUTE}: the skill's rows never expire (a few hundred bytes a user)`,
    );
  } else if (!state.managed) {
    report.step(
      'row expiry',
      'warning',
      `Time to Live is off on this table that this tool did not create, and is left so: the skill's rows never expire`,
    );
  } else if (aws.dryRun) {
    report.step('row expiry', 'would update', `turn on Time to Live: ${expiry}`);
  } else {
    await enableTimeToLive(context, name);
    report.step('row expiry', 'updated', `Time to Live turned on: ${expiry}`);
  }
}

/** MAIL_LIMIT_TABLE in the key file, which the deploy build embeds; written once the file exists. */
export async function recordLimitTableInKeyFile({ options, aws, report }: StepContext, table: string): Promise<void> {
  const shownFile = shownPath(options.outFile);
  const recorded = await readCredentialsFile(options.outFile).then(
    (file) => ({ exists: true, table: file[ENV.mailLimitTable] }),
    () => ({ exists: false, table: undefined }),
  );
  if (recorded.table === table) {
    report.step('key file setting', 'exists', `${ENV.mailLimitTable} ${table} in ${shownFile}`);
  } else if (aws.dryRun) {
    report.step('key file setting', 'would update', `${ENV.mailLimitTable} ${table} in ${shownFile}`);
  } else if (!recorded.exists) {
    report.step('key file setting', 'skipped', `${shownFile} cannot be read, so ${ENV.mailLimitTable} is not in it`);
  } else {
    await recordLimitTable(options.outFile, table);
    report.step('key file setting', 'updated', `${ENV.mailLimitTable} ${table} in ${shownFile}, for the next deploy`);
  }
}

/** The limit tables this tool may have made: the one its policy names, and the one the key file names. */
async function limitTablesToRemove(
  { clients, aws, options }: StepContext,
  account: Account,
): Promise<{ name: string; region: string }[]> {
  const found: { name: string; region: string }[] = [];
  const arn = managedPolicyArn(account, LIMIT_POLICY_NAME);
  const policy = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (policy?.Policy) {
    const version = await aws.read('iam:GetPolicyVersion', () =>
      clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId })),
    );
    const table = limitTableOf(arn, decodePolicyDocument(version.PolicyVersion?.Document));
    if (table) found.push({ name: table.table, region: table.region });
  }
  const recorded = await readCredentialsFile(options.outFile).then(
    (file) => file[ENV.mailLimitTable],
    () => undefined,
  );
  if (recorded && !found.some((table) => table.name === recorded && table.region === options.region))
    found.push({ name: recorded, region: options.region });
  return found;
}

/** Teardown: the limit tables this tool created, before its policy (which names them) goes. */
export async function removeLimitTables(context: StepContext, account: Account): Promise<void> {
  const { clients, aws, options, report } = context;
  const deleted = aws.dryRun ? 'would delete' : 'deleted';
  for (const { name, region } of await limitTablesToRemove(context, account)) {
    if (region !== options.region) {
      report.step(
        'limit table',
        'skipped',
        `${name} is in ${region}: run --teardown --region ${region} as well, or \`aws dynamodb delete-table --table-name ${name} --region ${region}\``,
      );
      continue;
    }
    const state = await readLimitTable(context, name);
    if (!state.exists) {
      report.step('limit table', 'skipped', `${name} does not exist`);
    } else if (!state.managed) {
      report.step('limit table', 'skipped', `${name} was created outside this tool: left in place`);
    } else {
      if (!aws.dryRun) {
        await waitUntilActive(context, name);
        await aws.change('dynamodb:DeleteTable', () =>
          clients.dynamoDb.send(new DeleteTableCommand({ TableName: name })),
        );
      }
      report.step('limit table', deleted, `${name} and the counts in it`);
    }
  }
}
