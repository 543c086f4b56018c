// --limit-table: the DynamoDB table the skill counts each user's mails in, paid per request, rows
// expiring by Time to Live; its name in the key file; its resource policy checked on every run.

import * as DynamoDB from '@aws-sdk/client-dynamodb';
import { ENV } from '../../../lambda/config.ts';
import {
  LIMIT_TABLE_ACTIONS,
  LIMIT_TABLE_TTL_ATTRIBUTE,
  limitTableDefinition,
} from '../../../lambda/limits/tableSchema.ts';
import { recordLimitTable } from '../../credentialsFile.ts';
import { shownPath } from '../../paths.ts';
import { adopted, type Found, leftAlone, notOurs, type PlanItem, Refusal, step } from '../change.ts';
import { type Account, profileFlag, type StepContext } from '../context.ts';
import { ProvisionError } from '../errors.ts';
import { limitTableOf } from '../limitPolicyDocument.ts';
import { isManaged, LIMIT_POLICY_NAME, MANAGED_TAG, USER_NAME } from '../names.ts';
import type { ProvisionOptions } from '../options.ts';
import type { SavedFile } from './accessKey.ts';
import { grantsMore, onlyActions, parsePolicy, type Statement, userPrincipalNames } from './identityPolicies.ts';
import type { PolicyFound } from './policies.ts';
import type { UserState } from './user.ts';

/** Where this run's table comes from: --limit-table, the key file, or this tool's AlexaSkillMailLimit. */
type LimitTableOrigin = 'option' | 'key file' | 'policy';

export interface LimitTableState extends Found {
  readonly name: string;
  readonly from: LimitTableOrigin;
  readonly table?: DynamoDB.TableDescription;
  /** DescribeTimeToLive's answer: ENABLED, ENABLING, DISABLED … and on which attribute. */
  readonly timeToLive?: { readonly status: string; readonly attribute?: string | undefined };
  /** Its resource-based policy as GetResourcePolicy answers it (text), when it has one. */
  readonly resourcePolicy?: string;
}

/** A new table is ready in seconds; past this, something is wrong and a later run can carry on. */
const ACTIVE_WAIT = { attempts: 60, delayMs: 2_000 } as const;

const EXPIRES_OLD_ROWS = new Set(['ENABLED', 'ENABLING']);

/** Its key is the one the skill writes: one string partition key, of the schema's name. */
function keyFits(table: DynamoDB.TableDescription): boolean {
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

function billing(table: DynamoDB.TableDescription | undefined): string {
  return table?.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'paid per request' : 'provisioned capacity';
}

async function readLimitTable(
  { aws }: StepContext,
  name: string,
  from: LimitTableOrigin = 'option',
): Promise<LimitTableState> {
  const found = await aws.dynamodb.find(new DynamoDB.DescribeTableCommand({ TableName: name }));
  const table = found?.Table;
  if (!table) return { name, from, exists: false, managed: false };
  const tags = await aws.dynamodb.read(new DynamoDB.ListTagsOfResourceCommand({ ResourceArn: table.TableArn }));
  const timeToLive = await aws.dynamodb.read(new DynamoDB.DescribeTimeToLiveCommand({ TableName: name }));
  // A table without a policy answers PolicyNotFoundException: found as nothing.
  const policy = await aws.dynamodb.find(new DynamoDB.GetResourcePolicyCommand({ ResourceArn: table.TableArn }));
  return {
    name,
    from,
    exists: true,
    managed: isManaged(tags.Tags ?? []),
    table,
    ...(policy?.Policy ? { resourcePolicy: policy.Policy } : {}),
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
  file: SavedFile,
): Promise<LimitTableState | undefined> {
  const { options } = context;
  if (options.limitTable) return readLimitTable(context, options.limitTable, 'option');
  const recorded = file.region === options.region ? file.limitTable : undefined;
  if (recorded) return readLimitTable(context, recorded, 'key file');
  if (!limitPolicy?.exists || !(limitPolicy.managed || options.adopt.has('policy'))) return undefined;
  const named = limitTableOf(limitPolicy.arn, limitPolicy.document);
  if (!named || named.region !== options.region) return undefined;
  const state = await readLimitTable(context, named.table, 'policy');
  return state.exists && state.managed ? state : undefined;
}

const TABLE = step('limit table');
const EXPIRY = step('row expiry');

/** Before any change: a table the skill cannot use, or one this tool did not create (without --adopt), stops the run. */
export function checkLimitTable(options: ProvisionOptions, state: LimitTableState): void {
  const { name, table } = state;
  if (table && !keyFits(table))
    throw new Refusal(
      [TABLE.refused(`${name} exists with another key than the skill's`)],
      `The DynamoDB table ${name} exists with a key the skill cannot use (it needs one string partition key, ${limitTableDefinition(name).KeySchema[0].AttributeName}), so nothing was changed: give --limit-table a name no table has yet.`,
    );
  // One the key file names was adopted by an earlier run: the deployed skill counts in it.
  if (state.exists && !state.managed && !options.adopt.has('table') && state.from !== 'key file')
    throw new Refusal(
      [notOurs('limit table', name)],
      `Nothing was changed: this tool did not create the DynamoDB table ${name}; run again with --adopt table to count in it as it is (--teardown will leave it in place), or give --limit-table another name.`,
    );
}

/**
 * Before any change: a table policy statement that lets the user (or the hosted role) do more on
 * the table than count (AlexaSkillMailLimit's two item actions) stops the run; a policy that cannot
 * be read as a policy stops it too.
 */
export function checkLimitTablePolicy(
  state: LimitTableState,
  user: UserState,
  account: Account,
  options: ProvisionOptions,
  roleArn?: string,
): void {
  const arn = state.table?.TableArn;
  if (!state.resourcePolicy || !arn) return;
  const names = userPrincipalNames(user, account);
  if (roleArn) names.add(roleArn);
  const onlyCounting = (statement: Statement) => onlyActions(statement, LIMIT_TABLE_ACTIONS);
  if (!grantsMore(parsePolicy(state.resourcePolicy), names, onlyCounting)) return;
  const who = roleArn ? `${USER_NAME} or the hosted role` : USER_NAME;
  const remove = `aws dynamodb delete-resource-policy --resource-arn ${arn} --region ${options.region}${profileFlag(options)}`;
  throw new Refusal(
    [
      step('extra grant').refused(
        `the resource policy of the DynamoDB table ${state.name} lets ${who} (or anyone) do more than ${LIMIT_TABLE_ACTIONS.join(' and ')}: remove it with \`${remove}\``,
      ),
    ],
    `${who} could do more than send mail and count: the limit table's resource policy, which this tool did not make (shown above), must go first, so no key was created and nothing was changed; remove it with the command shown, then run again.`,
  );
}

async function waitUntilActive({ aws }: StepContext, name: string): Promise<DynamoDB.TableDescription> {
  for (let attempt = 1; ; attempt++) {
    const { Table } = await aws.dynamodb.read(new DynamoDB.DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (attempt >= ACTIVE_WAIT.attempts)
      throw new ProvisionError(
        `The DynamoDB table ${name} is still ${Table?.TableStatus ?? 'not ready'} after ${(ACTIVE_WAIT.attempts * ACTIVE_WAIT.delayMs) / 60_000} minutes; run the same command again later, and it carries on from there.`,
      );
    await new Promise((resolve) => setTimeout(resolve, ACTIVE_WAIT.delayMs));
  }
}

async function enableTimeToLive(context: StepContext, TableName: string): Promise<void> {
  await waitUntilActive(context, TableName);
  const TimeToLiveSpecification = { Enabled: true, AttributeName: LIMIT_TABLE_TTL_ATTRIBUTE };
  await context.aws.dynamodb.change(new DynamoDB.UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification }));
}

/** The table, created or found, and its rows' expiry; what `checkLimitTable` let through. */
export function planLimitTable(state: LimitTableState, options: ProvisionOptions): PlanItem[] {
  const { name } = state;
  const expiry = `rows expire through Time to Live on ${LIMIT_TABLE_TTL_ATTRIBUTE}`;
  if (!state.exists) {
    const { TableName, BillingMode, KeySchema, AttributeDefinitions } = limitTableDefinition(name);
    const table = {
      TableName,
      BillingMode,
      KeySchema: [...KeySchema],
      AttributeDefinitions: [...AttributeDefinitions],
    };
    const create = async (context: StepContext) => {
      await context.aws.dynamodb.change(new DynamoDB.CreateTableCommand({ ...table, Tags: [MANAGED_TAG] }));
      await enableTimeToLive(context, name);
    };
    return [
      TABLE.create(
        `${name}, paid per request; ${expiry}`,
        create,
        `${name} in ${options.region}, paid per request; ${expiry}`,
      ),
    ];
  }
  const kept = {
    option: '',
    'key file': ` (recorded in ${shownPath(options.outFile)}: the deployed skill counts there)`,
    policy: ` (named by ${LIMIT_POLICY_NAME}, which an earlier run made)`,
  }[state.from];
  const exists = TABLE.exists(`${name}${adopted(state.managed)}${kept}, ${billing(state.table)}`);
  const ttl = state.timeToLive;
  if (ttl && EXPIRES_OLD_ROWS.has(ttl.status))
    return [
      exists,
      ttl.attribute === LIMIT_TABLE_TTL_ATTRIBUTE
        ? EXPIRY.exists(expiry)
        : EXPIRY.warning(
            `Time to Live is on ${ttl.attribute}, not ${LIMIT_TABLE_TTL_ATTRIBUTE}: the skill's rows never expire (a few hundred bytes a user)`,
          ),
    ];
  if (!state.managed)
    return [
      exists,
      EXPIRY.warning(
        `Time to Live is off on this table that this tool did not create, and is left so: the skill's rows never expire`,
      ),
    ];
  const turnOn = (context: StepContext) => enableTimeToLive(context, name);
  return [exists, EXPIRY.update(`turn on Time to Live: ${expiry}`, turnOn, `Time to Live turned on: ${expiry}`)];
}

/** MAIL_LIMIT_TABLE in the key file, which the deploy build embeds (a new key's file keeps the one it held). */
export function planLimitTableSetting(table: string, file: SavedFile, outFile: string): PlanItem {
  const setting = `${ENV.mailLimitTable} ${table} in ${shownPath(outFile)}`;
  const lines = step('key file setting');
  if (file.limitTable === table) return lines.exists(setting);
  return lines.update(setting, () => recordLimitTable(outFile, table), `${setting}, for the next deploy`);
}

/** Teardown: the limit tables this tool may have made, the one its policy names and the one the key file names. */
export async function readLimitTablesToRemove(
  context: StepContext,
  limitPolicy: PolicyFound | undefined,
  file: SavedFile,
): Promise<{ name: string; region: string; state?: LimitTableState }[]> {
  const { region } = context.options;
  const found: { name: string; region: string }[] = [];
  const named = limitPolicy?.exists ? limitTableOf(limitPolicy.arn, limitPolicy.document) : undefined;
  if (named) found.push({ name: named.table, region: named.region });
  const recorded = file.limitTable;
  if (recorded && !found.some((table) => table.name === recorded && table.region === region))
    found.push({ name: recorded, region });
  const tables = [];
  for (const table of found)
    tables.push(table.region === region ? { ...table, state: await readLimitTable(context, table.name) } : table);
  return tables;
}

/** Teardown: the limit tables this tool created, before its policy (which names them) goes. */
export function planLimitTableDeletion(
  tables: readonly { name: string; region: string; state?: LimitTableState }[],
): PlanItem[] {
  return tables.map(({ name, region, state }): PlanItem => {
    if (!state)
      return TABLE.skipped(
        `${name} is in ${region}: run --teardown --region ${region} as well, or \`aws dynamodb delete-table --table-name ${name} --region ${region}\``,
      );
    const remove = async (context: StepContext) => {
      await waitUntilActive(context, name);
      await context.aws.dynamodb.change(new DynamoDB.DeleteTableCommand({ TableName: name }));
    };
    return leftAlone('limit table', name, state) ?? TABLE.delete(`${name} and the counts in it`, remove);
  });
}
