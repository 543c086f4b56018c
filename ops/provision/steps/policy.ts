// The AlexaSkillMailAccess managed policy: created with the document from
// policyDocument.ts, or given a new default version when the document in IAM differs.
// IAM keeps at most five versions, so the oldest non-default one goes first.

import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { MANAGED_TAG, POLICY_DESCRIPTION, POLICY_NAME } from '../names.ts';
import { type PolicyDocument, samePolicyDocument } from '../policyDocument.ts';
import type { Account, StepContext } from './context.ts';

const MAX_POLICY_VERSIONS = 5;

export function policyArn(account: Account): string {
  return `arn:${account.partition}:iam::${account.accountId}:policy/${POLICY_NAME}`;
}

/** IAM answers the document URL-encoded (RFC 3986). */
function decodeDocument(encoded: string | undefined): unknown {
  if (!encoded) return undefined;
  try {
    return JSON.parse(decodeURIComponent(encoded));
  } catch {
    return undefined;
  }
}

export async function ensurePolicy(
  context: StepContext,
  account: Account,
  document: PolicyDocument,
  summary: string,
): Promise<string> {
  const { clients, aws, report } = context;
  const arn = policyArn(account);
  const text = JSON.stringify(document, null, 2);
  const existing = await aws.find('iam:GetPolicy', () => clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })));

  if (!existing?.Policy) {
    if (aws.dryRun) {
      report.step('policy', 'would create', `${POLICY_NAME}: ${summary}`);
      return arn;
    }
    await aws.change('iam:CreatePolicy', () =>
      clients.iam.send(
        new CreatePolicyCommand({
          PolicyName: POLICY_NAME,
          PolicyDocument: text,
          Description: POLICY_DESCRIPTION,
          Tags: [MANAGED_TAG],
        }),
      ),
    );
    report.step('policy', 'created', `${POLICY_NAME} v1: ${summary}`);
    return arn;
  }

  const defaultVersion = existing.Policy.DefaultVersionId ?? 'v1';
  const current = await aws.read('iam:GetPolicyVersion', () =>
    clients.iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersion })),
  );
  if (samePolicyDocument(decodeDocument(current.PolicyVersion?.Document), document)) {
    report.step('policy', 'exists', `${POLICY_NAME} ${defaultVersion}: ${summary}`);
    return arn;
  }

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
    report.step(
      'policy',
      'would update',
      `${POLICY_NAME}: its document differs; a new default version${pruning}: ${summary}`,
    );
    return arn;
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
    `${POLICY_NAME} ${created.PolicyVersion?.VersionId ?? ''} is the new default version${pruned}: ${summary}`,
  );
  return arn;
}
