// The AlexaSkillMailSender user: created with the managed-by tag and no console password
// (programmatic access only). A user this tool did not create is used only with --adopt, and
// as it is; if this tool created it and someone later gave it a console password, that password is removed.

import {
  CreateUserCommand,
  DeleteLoginProfileCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListUserTagsCommand,
  type Tag,
} from '@aws-sdk/client-iam';
import { isManaged, MANAGED_TAG, USER_NAME } from '../names.ts';
import type { StepContext } from './context.ts';

export interface UserState {
  /** False only in a dry run that would create the user. */
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it. */
  readonly managed: boolean;
  readonly tags: readonly Tag[];
  /** The ARN of the managed policy that bounds the user's permissions, if any. */
  readonly permissionsBoundary?: string;
  /** As IAM answers them, once the user exists: a role's trust policy may name either. */
  readonly arn?: string;
  readonly id?: string;
}

export async function readUser({ clients, aws }: StepContext): Promise<UserState> {
  const user = await aws.find('iam:GetUser', () => clients.iam.send(new GetUserCommand({ UserName: USER_NAME })));
  if (!user?.User) return { exists: false, managed: false, tags: [] };
  const tags =
    (await aws.read('iam:ListUserTags', () => clients.iam.send(new ListUserTagsCommand({ UserName: USER_NAME }))))
      .Tags ?? [];
  const managed = isManaged(tags);
  const boundary = user.User.PermissionsBoundary?.PermissionsBoundaryArn;
  const { Arn: arn, UserId: id } = user.User;
  return {
    exists: true,
    managed,
    tags,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    ...(arn ? { arn } : {}),
    ...(id ? { id } : {}),
  };
}

/** `user` as readUser found it; one this tool did not create reaches here only with --adopt (steps/ownership.ts). */
export async function ensureUser(context: StepContext, user: UserState): Promise<UserState> {
  const { clients, aws, report } = context;
  if (user.exists) {
    report.step(
      'user',
      'exists',
      user.managed ? USER_NAME : `${USER_NAME} (created outside this tool, adopted: --teardown will leave it in place)`,
    );
    await ensureNoConsolePassword(context, user);
    return user;
  }
  if (aws.dryRun) {
    report.step('user', 'would create', `${USER_NAME}, programmatic access only (no console password)`);
    return user;
  }
  await aws.change('iam:CreateUser', () =>
    clients.iam.send(new CreateUserCommand({ UserName: USER_NAME, Tags: [MANAGED_TAG] })),
  );
  report.step('user', 'created', `${USER_NAME}, programmatic access only (no console password)`);
  return { exists: true, managed: true, tags: [MANAGED_TAG] };
}

async function ensureNoConsolePassword({ clients, aws, report }: StepContext, user: UserState): Promise<void> {
  const profile = await aws.find('iam:GetLoginProfile', () =>
    clients.iam.send(new GetLoginProfileCommand({ UserName: USER_NAME })),
  );
  if (!profile?.LoginProfile) {
    report.step('console password', 'checked', 'none: programmatic access only');
    return;
  }
  if (!user.managed) {
    report.step(
      'console password',
      'warning',
      `${USER_NAME} can sign in to the console; this tool leaves users it did not create as they are`,
    );
    return;
  }
  if (aws.dryRun) {
    report.step('console password', 'would delete', `${USER_NAME} has one: programmatic access only`);
    return;
  }
  await aws.change('iam:DeleteLoginProfile', () =>
    clients.iam.send(new DeleteLoginProfileCommand({ UserName: USER_NAME })),
  );
  report.step('console password', 'deleted', `${USER_NAME} is back to programmatic access only`);
}
