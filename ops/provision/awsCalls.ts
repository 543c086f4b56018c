// Every AWS call of the command goes through here: a failure becomes one ProvisionError
// sentence naming the permission involved, "not found" becomes `undefined` for the caller
// to act on, and a dry run cannot make a change even if a plan's change ran by mistake.

import type { $Command } from '@aws-sdk/client-iam';
import type { AwsClients } from './awsClients.ts';
import type { Endpoints, Service, Timeouts } from './endpoints.ts';
import { explainAwsError, ProvisionError } from './errors.ts';
import type { Permission } from './permissions.ts';

// IAM's, SES's configuration sets', SNS's and DynamoDB's (a table, a table's resource policy) words for "no such thing".
const NOT_FOUND = new Set(
  ['NoSuchEntity', 'ConfigurationSetDoesNotExist', 'NotFound', 'ResourceNotFound', 'PolicyNotFound'].flatMap((name) => [
    name,
    `${name}Exception`,
  ]),
);

function isNotFound(error: unknown): boolean {
  const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; Code?: unknown };
  return NOT_FOUND.has(String(e.Code ?? '')) || NOT_FOUND.has(String(e.name ?? ''));
}

type OutputOf<C> = C extends $Command<infer _I, infer O, infer _R, infer _SI, infer _SO> ? O : never;
export type Sendable = { readonly input: object };

/** One service's calls, each sent as its SDK command; the permission is the command's name ("iam:GetUser"). */
export interface ServiceCaller {
  read<C extends Sendable>(command: C): Promise<OutputOf<C>>;
  find<C extends Sendable>(command: C): Promise<OutputOf<C> | undefined>;
  change<C extends Sendable>(command: C): Promise<OutputOf<C>>;
}

/** `read` for a call that is not one command (a paginator), `change` for one that needs its own client. */
export interface AwsCaller extends Record<'iam' | 'ses' | 'sns' | 'sts' | 'dynamodb', ServiceCaller> {
  read<T>(permission: Permission, send: () => Promise<T>): Promise<T>;
  change<T>(permission: Permission, send: () => Promise<T>): Promise<T>;
}

export function createAwsCaller(
  options: { dryRun: boolean; region: string; profile?: string },
  clients: AwsClients,
  reached?: { readonly endpoints: Endpoints; readonly timeouts: Timeouts },
): AwsCaller {
  const context = (permission: Permission) => {
    const endpoint = reached?.endpoints[permission.split(':')[0] as Service];
    return {
      permission,
      region: options.region,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(endpoint && reached ? { endpoint, timeouts: reached.timeouts } : {}),
    };
  };
  const read = async <T>(permission: Permission, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new ProvisionError(explainAwsError(error, context(permission)), { cause: error });
    }
  };
  const find = async <T>(permission: Permission, send: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await send();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new ProvisionError(explainAwsError(error, context(permission)), { cause: error });
    }
  };
  const change = <T>(permission: Permission, send: () => Promise<T>): Promise<T> => {
    if (options.dryRun) throw new Error(`Bug: ${permission} was called in a dry run.`);
    return read(permission, send);
  };
  const service = (name: string, client: { send(command: never): Promise<unknown> }): ServiceCaller => {
    const permission = (command: Sendable) =>
      `${name}:${command.constructor.name.replace(/Command$/, '')}` as Permission;
    const send = (command: Sendable) => () => client.send(command as never) as never;
    return {
      read: (command) => read(permission(command), send(command)),
      find: (command) => find(permission(command), send(command)),
      change: (command) => change(permission(command), send(command)),
    };
  };
  return {
    read,
    change,
    iam: service('iam', clients.iam),
    ses: service('ses', clients.ses),
    sns: service('sns', clients.sns),
    sts: service('sts', clients.sts),
    dynamodb: service('dynamodb', clients.dynamoDb),
  };
}
