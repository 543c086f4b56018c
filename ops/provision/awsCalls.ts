// Every AWS call of the command goes through here: a failure becomes one ProvisionError
// sentence naming the permission involved, "not found" becomes `undefined` for the caller
// to act on, and a dry run cannot make a change even if a step forgot to check.

import { explainAwsError, ProvisionError } from './errors.ts';
import type { Permission } from './permissions.ts';

// IAM's, SES's configuration sets', SNS's and DynamoDB's (a table) words for "no such thing".
const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
  'NotFound',
  'NotFoundException',
  'ResourceNotFoundException',
]);

function isNotFound(error: unknown): boolean {
  const e = (error && typeof error === 'object' ? error : {}) as { name?: unknown; Code?: unknown };
  return NOT_FOUND.has(String(e.Code ?? '')) || NOT_FOUND.has(String(e.name ?? ''));
}

export interface AwsCaller {
  readonly dryRun: boolean;
  /** A call that reads. */
  read<T>(permission: Permission, send: () => Promise<T>): Promise<T>;
  /** A read where "no such entity" is an answer, not a failure. */
  find<T>(permission: Permission, send: () => Promise<T>): Promise<T | undefined>;
  /** A call that changes the account. Refused in a dry run. */
  change<T>(permission: Permission, send: () => Promise<T>): Promise<T>;
}

export function createAwsCaller(options: { dryRun: boolean; region: string; profile?: string }): AwsCaller {
  const context = (permission: Permission) => ({
    permission,
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
  });
  const read = async <T>(permission: Permission, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new ProvisionError(explainAwsError(error, context(permission)), { cause: error });
    }
  };
  return {
    dryRun: options.dryRun,
    read,
    async find(permission, send) {
      try {
        return await send();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw new ProvisionError(explainAwsError(error, context(permission)), { cause: error });
      }
    },
    change(permission, send) {
      if (options.dryRun) throw new Error(`Bug: ${permission} was called in a dry run.`);
      return read(permission, send);
    },
  };
}
