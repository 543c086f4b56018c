// The names of everything provisioning creates, and the marks it leaves on them so that
// a later run (or --teardown) can tell its own resources from an administrator's.

export const USER_NAME = 'AlexaSkillMailSender';
export const POLICY_NAME = 'AlexaSkillMailAccess';
/** The second policy, with --limit-table: the skill's calls on its DynamoDB limit table. */
export const LIMIT_POLICY_NAME = 'AlexaSkillMailLimit';
/** Deny statements that cap the identity to what this tool grants (guardPolicyDocument.ts). */
export const GUARD_POLICY_NAME = 'AlexaSkillMailGuard';
/** The identity's permissions boundary: what this tool grants, with the guard's Denies. */
export const BOUNDARY_POLICY_NAME = 'AlexaSkillMailBoundary';

/** Tagged on the user and the policy this tool creates. Teardown deletes only what carries it. */
export const MANAGED_TAG = { Key: 'managed-by', Value: 'alexa-ses-mailer' } as const;

/** Whether a user's or policy's tags mark it as created by this tool. */
export function isManaged(tags: readonly { Key?: string | undefined; Value?: string | undefined }[]): boolean {
  return tags.some((tag) => tag.Key === MANAGED_TAG.Key && tag.Value === MANAGED_TAG.Value);
}

/**
 * IAM groups cannot be tagged, so a group this tool creates lives under this path instead.
 * Teardown deletes only groups under it.
 */
export const GROUP_PATH = '/alexa-ses-mailer/';

/**
 * An access key this tool saved is tagged on the user with the key ID as the tag key, the
 * way the IAM console stores an access key's description; the value starts with this.
 */
export const SAVED_KEY_TAG_PREFIX = 'Saved by alexa-ses-mailer';
