// The AlexaSkillMailSender user: created with the managed-by tag and no console password
// (programmatic access only). A user this tool did not create is used only with --adopt, and
// as it is; if this tool created it and someone later gave it a console password, that password is removed.

import {
  type AttachedPolicy,
  CreateUserCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type Group,
  ListUserTagsCommand,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListUserPolicies,
  type Tag,
} from '@aws-sdk/client-iam';
import { type Change, change, type Finding, finding, type PlanItem } from '../change.ts';
import { all, type StepContext } from '../context.ts';
import { isManaged, MANAGED_TAG, USER_NAME } from '../names.ts';

export interface UserState {
  readonly exists: boolean;
  /** Carries the managed-by tag: this tool created it. */
  readonly managed: boolean;
  readonly tags: readonly Tag[];
  /** The ARN of the managed policy that bounds the user's permissions, if any. */
  readonly permissionsBoundary?: string;
  /** As IAM answers them, once the user exists: a role's trust policy may name either. */
  readonly arn?: string;
  readonly id?: string;
  readonly consolePassword: boolean;
  /** Its managed policies, inline policies (by name) and groups. */
  readonly attached: readonly AttachedPolicy[];
  readonly inline: readonly string[];
  readonly groups: readonly Group[];
}

/** What readUser answers when there is no such user. */
export const NO_USER: UserState = {
  exists: false,
  managed: false,
  tags: [],
  consolePassword: false,
  attached: [],
  inline: [],
  groups: [],
};

export async function readUser(context: StepContext): Promise<UserState> {
  const { clients, aws } = context;
  const client = { client: clients.iam };
  const UserName = USER_NAME;
  const user = await aws.iam.find(new GetUserCommand({ UserName }));
  if (!user?.User) return NO_USER;
  const tags = (await aws.iam.read(new ListUserTagsCommand({ UserName }))).Tags;
  const login = await aws.iam.find(new GetLoginProfileCommand({ UserName }));
  const boundary = user.User.PermissionsBoundary?.PermissionsBoundaryArn;
  const { Arn: arn, UserId: id } = user.User;
  return {
    exists: true,
    managed: isManaged(tags ?? []),
    tags: tags ?? [],
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    ...(arn ? { arn } : {}),
    ...(id ? { id } : {}),
    consolePassword: Boolean(login?.LoginProfile),
    attached: await aws.read('iam:ListAttachedUserPolicies', () =>
      all(paginateListAttachedUserPolicies(client, { UserName }), (page) => page.AttachedPolicies),
    ),
    inline: await aws.read('iam:ListUserPolicies', () =>
      all(paginateListUserPolicies(client, { UserName }), (page) => page.PolicyNames),
    ),
    groups: await aws.read('iam:ListGroupsForUser', () =>
      all(paginateListGroupsForUser(client, { UserName }), (page) => page.Groups),
    ),
  };
}

const DELETE_LOGIN_PROFILE = ({ aws }: StepContext) =>
  aws.iam.change(new DeleteLoginProfileCommand({ UserName: USER_NAME }));

/** `user` as readUser found it; one this tool did not create reaches here only with --adopt (ownership.ts). */
export function planUser(user: UserState): PlanItem[] {
  if (!user.exists) {
    const create: Change = change(
      'user',
      'create',
      `${USER_NAME}, programmatic access only (no console password)`,
      async ({ aws }) => {
        await aws.iam.change(new CreateUserCommand({ UserName: USER_NAME, Tags: [MANAGED_TAG] }));
        return undefined;
      },
    );
    return [create];
  }
  const exists = finding(
    'user',
    'exists',
    user.managed ? USER_NAME : `${USER_NAME} (created outside this tool, adopted: --teardown will leave it in place)`,
  );
  return [exists, consolePassword(user)];
}

function consolePassword(user: UserState): Finding | Change {
  if (!user.consolePassword) return finding('console password', 'checked', 'none: programmatic access only');
  if (!user.managed)
    return finding(
      'console password',
      'warning',
      `${USER_NAME} can sign in to the console; this tool leaves users it did not create as they are`,
    );
  return change('console password', 'delete', `${USER_NAME} has one: programmatic access only`, async (context) => {
    await DELETE_LOGIN_PROFILE(context);
    return `${USER_NAME} is back to programmatic access only`;
  });
}

/** Teardown: the user, and its console password first. */
export function deleteUser(user: UserState): Change {
  return change('user', 'delete', USER_NAME, async (context) => {
    if (user.consolePassword) await DELETE_LOGIN_PROFILE(context);
    const { aws } = context;
    await aws.iam.change(new DeleteUserCommand({ UserName: USER_NAME }));
    return undefined;
  });
}
