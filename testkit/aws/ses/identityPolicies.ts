// SES sending-authorization policies on identities (an address or a domain): resource policies
// that can let another principal, such as an IAM user of the same account, send as the identity.
// SES answers an identity without policies (or unknown to it) with an empty list.

import { AwsError, type QueryActions, XmlMap } from '../protocol.ts';
import type { FakeSes } from './state.ts';

export const IDENTITY_POLICY_ACTIONS: QueryActions<FakeSes> = {
  ListIdentityPolicies: (ses, params, { region }) => {
    const policies = ses.region(region).identityPolicies.get(params.required('Identity'));
    return { PolicyNames: [...(policies?.keys() ?? [])] };
  },

  GetIdentityPolicies: (ses, params, { region }) => {
    const policies = ses.region(region).identityPolicies.get(params.required('Identity'));
    const entries = params
      .list('PolicyNames')
      .filter((name) => policies?.has(name))
      .map((name): [string, string] => [name, policies?.get(name) ?? '']);
    return { Policies: new XmlMap(entries) };
  },

  PutIdentityPolicy: (ses, params, { region }) => {
    const identity = params.required('Identity');
    const document = params.required('Policy');
    try {
      JSON.parse(document);
    } catch {
      throw new AwsError('InvalidPolicy', 'Policy is not valid JSON.', 400);
    }
    const { identityPolicies } = ses.region(region);
    const policies = identityPolicies.get(identity) ?? new Map<string, string>();
    policies.set(params.required('PolicyName'), document);
    identityPolicies.set(identity, policies);
    return {};
  },

  DeleteIdentityPolicy: (ses, params, { region }) => {
    ses.region(region).identityPolicies.get(params.required('Identity'))?.delete(params.required('PolicyName'));
    return {};
  },
};
