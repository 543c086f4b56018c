// A role whose trust policy lets AlexaSkillMailSender assume it gives a leaked key that role's
// power, without any policy on the user: provisioning reads every role's trust policy (through
// ListRoles, page after page) and refuses such a role like any other extra grant, in a dry run
// too, and again once the key exists. A role that trusts the account only delegates to the
// user's own policies, which the check already reads, so it is no grant by itself.

import { stat } from 'node:fs/promises';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetUserCommand,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../../ops/provision/names.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const USER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${USER}`;
/** The statement the refusal of a role that trusts "*" gives, written out here as a reader would copy it. */
const DENY_THE_USER = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'sts:AssumeRole',
  Condition: { ArnEquals: { 'aws:PrincipalArn': USER_ARN } },
};

const trust = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allowAssume = (principal: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...extra,
});

describe('a role that AlexaSkillMailSender may assume', () => {
  const world = useProvisionWorld();
  /** The administrator's IAM client, pointed at the fake account by the harness's variables. */
  const iam = () => new IAMClient({ region: 'us-east-1' });

  async function userArn(): Promise<string> {
    return (await iam().send(new GetUserCommand({ UserName: USER }))).User?.Arn ?? '';
  }

  /** Roles that trust only services, ahead of the ones a test adds: ListRoles answers 100 a page. */
  function manyHarmlessRoles(): void {
    for (let index = 0; index < 120; index++)
      world.fake.iam.addRole(`Service${index}`, trust(allowAssume({ Service: 'lambda.amazonaws.com' })));
  }

  async function expectRefusedWithNoKey(line: string): Promise<void> {
    for (const dryRun of [['--dry-run'], []]) {
      const callsBefore = world.fake.mutatingCalls().length;
      const result = await world.run(['--from', FROM, '--out', world.outFile, ...dryRun]);
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toContain(`extra grant        refused       ${line}`);
      expect(statuses(result.stdout)['access key']).toBeUndefined();
      expect(result.stderr.trim()).toBe(
        `${USER} could do more than send mail: one grant that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove it with the command shown, then run again.`,
      );
      expect(world.fake.mutatingCalls()).toHaveLength(callsBefore);
    }
    expect(world.fake.iam.users.get(USER)!.accessKeys).toEqual([]);
    await expect(stat(world.outFile)).rejects.toThrow();
  }

  it("is refused when its trust policy names the user's ARN, on the second page of roles, until it goes", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    manyHarmlessRoles();
    await iam().send(
      new CreateRoleCommand({
        RoleName: 'Deploy',
        AssumeRolePolicyDocument: trust(allowAssume({ AWS: await userArn() })),
      }),
    );

    await expectRefusedWithNoKey(
      `the role Deploy, whose trust policy names ${USER}'s ARN, allows ${USER} to assume it, and with it whatever the role may do: take ${USER} out of its trust policy with \`aws iam update-assume-role-policy --role-name Deploy --policy-document file://TRUST-POLICY.json\` (\`aws iam get-role --role-name Deploy\` shows it)`,
    );

    await iam().send(new DeleteRoleCommand({ RoleName: 'Deploy' }));
    const result = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('access key         created');
  });

  it("is refused when its trust policy holds the user's unique ID, in a list of principals", async () => {
    world.fake.ses.verify('us-east-1', FROM);
    const user = world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    world.fake.iam.addRole(
      'Ops',
      trust(allowAssume({ AWS: [`arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`, user.id] }, { Action: ['sts:*'] })),
    );

    await expectRefusedWithNoKey(
      `the role Ops, whose trust policy names ${USER}'s unique ID ${user.id}, allows ${USER} to assume it, and with it whatever the role may do: take ${USER} out of its trust policy with \`aws iam update-assume-role-policy --role-name Ops --policy-document file://TRUST-POLICY.json\` (\`aws iam get-role --role-name Ops\` shows it)`,
    );
  });

  it.each([
    ['with no condition', allowAssume('*'), 'trusts every AWS principal ("*")'],
    [
      'with a condition this check cannot evaluate',
      allowAssume({ AWS: '*' }, { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-example' } } }),
      'trusts every AWS principal ("*") under a condition this check does not evaluate',
    ],
  ])('is refused when its trust policy trusts "*" %s', async (_case, statement, reason) => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addRole('Anyone', trust(statement));

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `extra grant        refused       the role Anyone, whose trust policy ${reason}, allows ${USER} to assume it, and with it whatever the role may do: name the principals it trusts instead of "*", or add to it the statement ${JSON.stringify(DENY_THE_USER)}, which IAM accepts even before ${USER} exists, with \`aws iam update-assume-role-policy --role-name Anyone --policy-document file://TRUST-POLICY.json\``,
    );
    expect(world.fake.iam.users.size).toBe(0);

    // The advice works on this first run: IAM refuses to name the missing user as a principal, not the Deny.
    await expect(
      iam().send(
        new UpdateAssumeRolePolicyCommand({
          RoleName: 'Anyone',
          PolicyDocument: trust(statement, { Effect: 'Deny', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }),
        }),
      ),
    ).rejects.toThrow('Invalid principal in policy');
    await iam().send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'Anyone', PolicyDocument: trust(statement, DENY_THE_USER) }),
    );
    const again = await world.run(['--from', FROM, '--out', world.outFile]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('access key         created');
  });

  it('is no grant when the trust policy names the account, another account, a service, or denies the user', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    world.fake.iam.addUser(USER, { tags: [MANAGED_TAG] });
    manyHarmlessRoles();
    const arn = await userArn();
    world.fake.iam.addRole('AccountRoot', trust(allowAssume({ AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` })));
    world.fake.iam.addRole('AccountId', trust(allowAssume({ AWS: LOCAL_ACCOUNT_ID })));
    world.fake.iam.addRole(
      'Partner',
      trust(allowAssume({ AWS: 'arn:aws:iam::210987654321:user/AlexaSkillMailSender' })),
    );
    world.fake.iam.addRole('Federated', trust(allowAssume({ Federated: 'cognito-identity.amazonaws.com' })));
    world.fake.iam.addRole(
      'AnyoneButTheSender',
      trust(allowAssume({ AWS: '*' }), { Effect: 'Deny', Principal: { AWS: arn }, Action: 'sts:AssumeRole' }),
    );
    world.fake.iam.addRole(
      'OtherActions',
      trust({ Effect: 'Allow', Principal: { AWS: arn }, Action: 'sts:TagSession' }),
    );

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `permissions        checked       ${USER} can do nothing beyond AlexaSkillMailAccess`,
    );
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);
  });

  it('made while the run makes its changes is found once the key exists, and the key is deleted again', async () => {
    world.fake.ses.verify('us-east-1', FROM);
    void world.fake.nextRequest('AttachUserPolicy').then(() => {
      const user = world.fake.iam.users.get(USER)!;
      world.fake.iam.addRole('Sneaky', trust(allowAssume({ AWS: world.fake.iam.userArn(user.name) })));
    });

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `extra grant        refused       the role Sneaky, whose trust policy names ${USER}'s ARN`,
    );
    expect(result.stderr).toContain('the new access key AKIA');
    expect(result.stderr).toContain('was deleted again, and nothing was written');
    expect(world.fake.iam.users.get(USER)!.accessKeys).toEqual([]);
    await expect(stat(world.outFile)).rejects.toThrow();
  });
});
