// A managed policy of this tool (managedPolicies.ts): created with this run's document, or given
// a new default version when the document in IAM differs. IAM keeps at most five versions, so the
// oldest non-default one goes first. A policy this tool did not create is never changed.

import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { MANAGED_TAG } from '../names.ts';
import { samePolicyDocument } from '../policyDocument.ts';
import type { StepContext } from './context.ts';
import type { PolicyState } from './ownership.ts';

const MAX_POLICY_VERSIONS = 5;

/** `state` as readPolicyState found it; one this tool did not create reaches here only adopted, with exactly this tool's document. */
export async function ensurePolicy(context: StepContext, state: PolicyState): Promise<void> {
  const { clients, aws, report } = context;
  const { name, arn, document, description, summary } = state.policy;
  const text = JSON.stringify(document, null, 2);

  if (!state.exists) {
    if (aws.dryRun) {
      report.step('policy', 'would create', `${name}: ${summary}`);
      return;
    }
    await aws.change('iam:CreatePolicy', () =>
      clients.iam.send(
        new CreatePolicyCommand({
          PolicyName: name,
          PolicyDocument: text,
          Description: description,
          Tags: [MANAGED_TAG],
        }),
      ),
    );
    report.step('policy', 'created', `${name} v1: ${summary}`);
    return;
  }

  const defaultVersion = state.defaultVersionId ?? 'v1';
  if (samePolicyDocument(state.document, document)) {
    const adopted = state.managed ? '' : " (created outside this tool, adopted: its document is exactly this tool's)";
    report.step('policy', 'exists', `${name} ${defaultVersion}${adopted}: ${summary}`);
    return;
  }
  if (!state.managed) throw new Error(`Bug: ${name}, made outside this tool, was about to be rewritten.`);

  const versions =
    (
      await aws.read('iam:ListPolicyVersions', () =>
        clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn })),
      )
    ).Versions ?? [];
  // Oldest first; versions made within the same second are told apart by their number (v2 < v10).
  const versionNumber = (id: string | undefined) => Number(id?.replace(/^v/, '') ?? 0);
  const oldest = versions
    .filter((version) => !version.IsDefaultVersion)
    .sort(
      (a, b) =>
        (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0) ||
        versionNumber(a.VersionId) - versionNumber(b.VersionId),
    )[0];
  const mustPrune = versions.length >= MAX_POLICY_VERSIONS && oldest?.VersionId;
  if (aws.dryRun) {
    const pruning = mustPrune ? ` (deleting the oldest version ${oldest.VersionId}: IAM keeps five)` : '';
    report.step('policy', 'would update', `${name}: its document differs; a new default version${pruning}: ${summary}`);
    return;
  }
  if (mustPrune) {
    await aws.change('iam:DeletePolicyVersion', () =>
      clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId })),
    );
  }
  const created = await aws.change('iam:CreatePolicyVersion', () =>
    clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: text, SetAsDefault: true })),
  );
  const pruned = mustPrune ? `, deleted ${oldest.VersionId} (IAM keeps five)` : '';
  report.step(
    'policy',
    'updated',
    `${name} ${created.PolicyVersion?.VersionId ?? ''} is the new default version${pruned}: ${summary}`,
  );
}
