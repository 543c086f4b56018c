// A managed policy of this tool (managedPolicies.ts): created with this run's document, or given
// a new default version when the document in IAM differs. The policy keeps one version: the
// documents of earlier runs are deleted, since a version that is not the default is one
// SetDefaultPolicyVersion away from being the key's again. A policy this tool did not create is
// never changed. What the run did is handed to the check after the changes (PolicyChanges).

import { CreatePolicyCommand, CreatePolicyVersionCommand, DeletePolicyVersionCommand } from '@aws-sdk/client-iam';
import { MANAGED_TAG } from '../names.ts';
import { describeAllowed, samePolicyDocument } from '../policyDocument.ts';
import type { StepContext } from './context.ts';
import type { PolicyChanges, PolicyState, PolicyVersionFound } from './toolPolicies.ts';

/** Versions of a policy this tool created, other than the default, that hold a document this tool writes. */
function earlierVersions(state: PolicyState): PolicyVersionFound[] {
  if (!state.managed) return [];
  const number = (version: PolicyVersionFound) => Number(version.id.replace(/^v/, ''));
  return state.versions
    .filter((version) => !version.isDefault && state.policy.writtenByThisTool(version.document))
    .sort((a, b) => number(a) - number(b));
}

/** The IDs of the versions deleted (none in a dry run). */
async function deleteVersions(
  context: StepContext,
  state: PolicyState,
  versions: readonly PolicyVersionFound[],
): Promise<string[]> {
  const { clients, aws, report } = context;
  if (versions.length === 0) return [];
  if (!aws.dryRun) {
    for (const { id } of versions)
      await aws.change('iam:DeletePolicyVersion', () =>
        clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: state.arn, VersionId: id })),
      );
  }
  const ids = versions.map((version) => version.id).join(', ');
  report.step(
    'policy version',
    aws.dryRun ? 'would delete' : 'deleted',
    `${state.name} ${ids}, ${versions.length > 1 ? 'documents' : 'the document'} of earlier runs (one SetDefaultPolicyVersion from being the key's again)`,
  );
  return aws.dryRun ? [] : versions.map((version) => version.id);
}

/**
 * `state` as readToolPolicies found it, past the checks: one this tool did not create reaches here
 * only adopted, with exactly this tool's document; one it did, only when nobody else holds it.
 */
export async function ensurePolicy(context: StepContext, state: PolicyState): Promise<PolicyChanges> {
  const { clients, aws, report } = context;
  const { name, arn, document, description, summary } = state.policy;
  const text = JSON.stringify(document, null, 2);
  const nothingChanged: PolicyChanges = { arn, deletedVersionIds: [] };

  if (!state.exists) {
    if (aws.dryRun) {
      report.step('policy', 'would create', `${name}: ${summary}`);
      return nothingChanged;
    }
    const made = await aws.change('iam:CreatePolicy', () =>
      clients.iam.send(
        new CreatePolicyCommand({
          PolicyName: name,
          PolicyDocument: text,
          Description: description,
          Tags: [MANAGED_TAG],
        }),
      ),
    );
    const id = made.Policy?.DefaultVersionId ?? 'v1';
    report.step('policy', 'created', `${name} ${id}: ${summary}`);
    return { arn, deletedVersionIds: [], createdDefault: { id, document } };
  }

  const defaultVersion = state.defaultVersionId ?? 'v1';
  if (samePolicyDocument(state.document, document)) {
    const adopted = state.managed ? '' : " (created outside this tool, adopted: its document is exactly this tool's)";
    report.step('policy', 'exists', `${name} ${defaultVersion}${adopted}: ${summary}`);
    return { arn, deletedVersionIds: await deleteVersions(context, state, earlierVersions(state)) };
  }
  if (!state.managed) throw new Error(`Bug: ${name}, made outside this tool, was about to be rewritten.`);

  // Room first: IAM keeps five versions, and the checks let through no other non-default one.
  const deletedEarlier = await deleteVersions(context, state, earlierVersions(state));
  const replaced = state.versions.find((version) => version.isDefault);
  const was = replaced ? describeAllowed(replaced.document) : undefined;
  const replacedDetail = (deleted: string) =>
    replaced ? `; ${replaced.id}, which allowed ${was ?? 'nothing'}, ${deleted}` : '';
  if (aws.dryRun) {
    report.step(
      'policy',
      'would update',
      `${name}: its document differs; a new default version: ${summary}${replacedDetail('would be deleted')}`,
    );
    return nothingChanged;
  }
  const created = await aws.change('iam:CreatePolicyVersion', () =>
    clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: text, SetAsDefault: true })),
  );
  if (replaced)
    await aws.change('iam:DeletePolicyVersion', () =>
      clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: replaced.id })),
    );
  const id = created.PolicyVersion?.VersionId ?? '';
  report.step(
    'policy',
    'updated',
    `${name} ${id} is the new default version: ${summary}${replacedDetail('is deleted')}`,
  );
  return {
    arn,
    deletedVersionIds: [...deletedEarlier, ...(replaced ? [replaced.id] : [])],
    ...(id ? { createdDefault: { id, document } } : {}),
  };
}
