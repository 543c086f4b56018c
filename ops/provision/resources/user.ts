// The AlexaSkillMailSender user: created with the managed-by tag and no console password; one this
// tool did not create is used only with --adopt, as it is.

import * as IAM from '@aws-sdk/client-iam';
import { adopted, type Change, type Found, iam, type PlanItem, step } from '../change.ts';
import { all, type StepContext } from '../context.ts';
import { isManaged, MANAGED_TAG, USER_NAME } from '../names.ts';

export interface UserState extends Found {
  readonly tags: readonly IAM.Tag[];
  /** The ARN of the managed policy that bounds the user's permissions, if any. */
  readonly permissionsBoundary?: string;
  /** As IAM answers them, once the user exists: a role's trust policy may name either. */
  readonly arn?: string;
  readonly id?: string;
  readonly consolePassword: boolean;
  readonly attached: readonly IAM.AttachedPolicy[];
  /** Its inline policies, by name. */
  readonly inline: readonly string[];
  readonly groups: readonly IAM.Group[];
}

export const NO_USER: UserState = {
  exists: false,
  managed: false,
  tags: [],
  consolePassword: false,
  attached: [],
  inline: [],
  groups: [],
};

export async function readUser({ clients, aws }: StepContext): Promise<UserState> {
  const client = { client: clients.iam };
  const UserName = USER_NAME;
  const user = (await aws.iam.find(new IAM.GetUserCommand({ UserName })))?.User;
  if (!user) return NO_USER;
  const tags = (await aws.iam.read(new IAM.ListUserTagsCommand({ UserName }))).Tags ?? [];
  const login = await aws.iam.find(new IAM.GetLoginProfileCommand({ UserName }));
  const boundary = user.PermissionsBoundary?.PermissionsBoundaryArn;
  return {
    exists: true,
    managed: isManaged(tags),
    tags,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    ...(user.Arn ? { arn: user.Arn } : {}),
    ...(user.UserId ? { id: user.UserId } : {}),
    consolePassword: Boolean(login?.LoginProfile),
    attached: await aws.read('iam:ListAttachedUserPolicies', () =>
      all(IAM.paginateListAttachedUserPolicies(client, { UserName }), (page) => page.AttachedPolicies),
    ),
    inline: await aws.read('iam:ListUserPolicies', () =>
      all(IAM.paginateListUserPolicies(client, { UserName }), (page) => page.PolicyNames),
    ),
    groups: await aws.read('iam:ListGroupsForUser', () =>
      all(IAM.paginateListGroupsForUser(client, { UserName }), (page) => page.Groups),
    ),
  };
}

const USER = step('user');
const PASSWORD = step('console password');
const deleteLoginProfile = () => iam(new IAM.DeleteLoginProfileCommand({ UserName: USER_NAME }));

/** `user` as readUser found it; one this tool did not create reaches here only with --adopt (ownership.ts). */
export function planUser(user: UserState): PlanItem[] {
  if (!user.exists) {
    const create = iam(new IAM.CreateUserCommand({ UserName: USER_NAME, Tags: [MANAGED_TAG] }));
    return [USER.create(`${USER_NAME}, programmatic access only (no console password)`, create)];
  }
  const back = `${USER_NAME} is back to programmatic access only`;
  return [
    USER.exists(`${USER_NAME}${adopted(user.managed, ': --teardown will leave it in place')}`),
    !user.consolePassword
      ? PASSWORD.checked('none: programmatic access only')
      : !user.managed
        ? PASSWORD.warning(
            `${USER_NAME} can sign in to the console; this tool leaves users it did not create as they are`,
          )
        : PASSWORD.delete(`${USER_NAME} has one: programmatic access only`, deleteLoginProfile(), back),
  ];
}

/** Teardown: the user, and its console password first. */
export function deleteUser(user: UserState): Change {
  return USER.delete(USER_NAME, async (context) => {
    if (user.consolePassword) await deleteLoginProfile()(context);
    await iam(new IAM.DeleteUserCommand({ UserName: USER_NAME }))(context);
  });
}
