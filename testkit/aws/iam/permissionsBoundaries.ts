// IAM actions on a permissions boundary: the same two for a user and a role.

import { AwsError, type QueryActions } from '../protocol.ts';
import type { FakeIam } from './state.ts';

/** Put/Delete{User,Role}PermissionsBoundary, which differ only in the entity they name. */
export function permissionsBoundaryActions(
  entity: 'User' | 'Role',
  entityOf: (iam: FakeIam, name: string) => { readonly name: string; permissionsBoundary: string | undefined },
): QueryActions<FakeIam> {
  const nameParameter = `${entity}Name`;
  return {
    [`Put${entity}PermissionsBoundary`]: (iam, params) => {
      const found = entityOf(iam, params.required(nameParameter));
      found.permissionsBoundary = iam.attachablePolicy(params.required('PermissionsBoundary')).arn;
      return {};
    },
    [`Delete${entity}PermissionsBoundary`]: (iam, params) => {
      const found = entityOf(iam, params.required(nameParameter));
      if (!found.permissionsBoundary)
        throw new AwsError(
          'NoSuchEntity',
          `The ${entity.toLowerCase()} with name ${found.name} has no permissions boundary.`,
          404,
        );
      found.permissionsBoundary = undefined;
      return {};
    },
  };
}
