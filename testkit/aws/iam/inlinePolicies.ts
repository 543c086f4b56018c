// IAM actions on inline policies: the same four for a user, a group and a role.

import { AwsError, type QueryActions } from '../protocol.ts';
import { checkInlinePolicy, type FakeIam } from './state.ts';

/**
 * The four inline-policy actions of a user or a group (PutUserPolicy, GetUserPolicy,
 * ListUserPolicies, DeleteUserPolicy …), which differ only in the entity they name.
 */
export function inlinePolicyActions(
  entity: 'User' | 'Group' | 'Role',
  policiesOf: (iam: FakeIam, name: string) => Map<string, string>,
): QueryActions<FakeIam> {
  const nameParameter = `${entity}Name`;
  const find = (policies: Map<string, string>, policyName: string) => {
    const document = policies.get(policyName);
    if (document === undefined)
      throw new AwsError(
        'NoSuchEntity',
        `The ${entity.toLowerCase()} policy with name ${policyName} cannot be found.`,
        404,
      );
    return document;
  };
  return {
    [`Put${entity}Policy`]: (iam, params) => {
      const policies = policiesOf(iam, params.required(nameParameter));
      policies.set(...checkInlinePolicy(params.required('PolicyName'), params.required('PolicyDocument')));
      return {};
    },
    [`Get${entity}Policy`]: (iam, params) => {
      const owner = params.required(nameParameter);
      const policyName = params.required('PolicyName');
      const document = find(policiesOf(iam, owner), policyName);
      // IAM answers documents URL-encoded (RFC 3986).
      return { [nameParameter]: owner, PolicyName: policyName, PolicyDocument: encodeURIComponent(document) };
    },
    [`List${entity}Policies`]: (iam, params) => ({
      PolicyNames: [...policiesOf(iam, params.required(nameParameter)).keys()],
      IsTruncated: false,
    }),
    [`Delete${entity}Policy`]: (iam, params) => {
      const owner = params.required(nameParameter);
      const policies = policiesOf(iam, owner);
      find(policies, params.required('PolicyName'));
      policies.delete(params.required('PolicyName'));
      return {};
    },
  };
}
