// The in-memory IAM/SES/SNS/STS stand-in answers the real AWS SDK clients the way AWS does:
// the signature check, the error codes, HTTP statuses and limits the provisioning script
// relies on. If these drift from IAM's behaviour, the provisioning tests would prove nothing.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListGroupPoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  SESClient,
  VerifyEmailIdentityCommand,
} from '@aws-sdk/client-ses';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, LOCAL_ADMIN_KEY, startFakeAws } from '../../../testkit/aws/server.ts';
import { setAwsEnvironment } from '../../helpers/provisionHarness.ts';

const DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ses:SendEmail', Resource: '*' }],
});

let fake: FakeAws;
let folder: string;
let restore: () => void;
let iam: IAMClient;
let ses: SESClient;
let sts: STSClient;

beforeAll(async () => {
  fake = await startFakeAws();
  folder = await mkdtemp(join(tmpdir(), 'fake-aws-'));
  restore = setAwsEnvironment(fake.env(), folder);
  // One attempt: the SDK retries LimitExceeded as throttling, which would hide the first answer.
  iam = new IAMClient({ region: 'us-east-1', maxAttempts: 1 });
  ses = new SESClient({ region: 'us-east-1', maxAttempts: 1 });
  sts = new STSClient({ region: 'us-east-1', maxAttempts: 1 });
});

afterAll(async () => {
  iam.destroy();
  ses.destroy();
  sts.destroy();
  restore();
  await fake.close();
  await rm(folder, { recursive: true, force: true });
});

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; code: string; status: number | undefined; message: string }> {
  const error = (await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  )) as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
  return { name: error.name, code: error.Code ?? '', status: error.$metadata?.httpStatusCode, message: error.message };
}

describe('the fake IAM', () => {
  it('answers NoSuchEntity (404) for a missing user and EntityAlreadyExists (409) for a duplicate', async () => {
    expect(await failure(iam.send(new GetUserCommand({ UserName: 'Nobody' })))).toMatchObject({
      name: 'NoSuchEntityException',
      code: 'NoSuchEntity',
      status: 404,
    });
    await iam.send(new CreateUserCommand({ UserName: 'Twice' }));
    expect(await failure(iam.send(new CreateUserCommand({ UserName: 'Twice' })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
      code: 'EntityAlreadyExists',
      status: 409,
    });
  });

  it('answers LimitExceeded at the third access key', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'KeyHolder' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'KeyHolder' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'KeyHolder' }));
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'KeyHolder' })))).toMatchObject({
      name: 'LimitExceededException',
      code: 'LimitExceeded',
      status: 409,
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    });
  });

  it('answers LimitExceeded at the sixth policy version, and keeps documents URL-encoded', async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Versions', PolicyDocument: DOCUMENT }));
    const arn = Policy?.Arn ?? '';
    for (let version = 2; version <= 5; version++)
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: DOCUMENT }));
    expect(
      await failure(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: DOCUMENT }))),
    ).toMatchObject({ code: 'LimitExceeded', status: 409 });
    expect(await failure(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })))).toMatchObject({
      code: 'DeleteConflict',
      status: 409,
    });
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(PolicyVersion?.Document).toBe(encodeURIComponent(DOCUMENT));
  });

  it('answers DeleteConflict for an attached policy and for a user that still has keys', async () => {
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Attached', PolicyDocument: DOCUMENT }));
    await iam.send(new CreateUserCommand({ UserName: 'Holder' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'Holder', PolicyArn: Policy?.Arn }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'Holder' }));
    expect(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: Policy?.Arn })))).toMatchObject({
      name: 'DeleteConflictException',
      code: 'DeleteConflict',
      status: 409,
      message: 'Cannot delete a policy attached to entities.',
    });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'Holder' })))).toMatchObject({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete access keys first.',
    });
  });

  it('keeps inline policies and a permissions boundary as IAM does: documents URL-encoded, DeleteConflict until removed', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'Inline' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'InlineGroup' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'Inline', PolicyName: 'Own', PolicyDocument: DOCUMENT }));
    await iam.send(
      new PutGroupPolicyCommand({ GroupName: 'InlineGroup', PolicyName: 'Shared', PolicyDocument: DOCUMENT }),
    );
    const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'Bound', PolicyDocument: DOCUMENT }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'Inline', PermissionsBoundary: Policy?.Arn }));

    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'Inline' }))).PolicyNames).toEqual(['Own']);
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'InlineGroup' }))).PolicyNames).toEqual([
      'Shared',
    ]);
    const own = await iam.send(new GetUserPolicyCommand({ UserName: 'Inline', PolicyName: 'Own' }));
    expect(JSON.parse(decodeURIComponent(own.PolicyDocument ?? ''))).toEqual(JSON.parse(DOCUMENT));
    expect((await iam.send(new GetUserCommand({ UserName: 'Inline' }))).User?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: Policy?.Arn,
    });
    expect(
      await failure(iam.send(new GetGroupPolicyCommand({ GroupName: 'InlineGroup', PolicyName: 'Own' }))),
    ).toMatchObject({
      code: 'NoSuchEntity',
      status: 404,
    });
    expect(await failure(iam.send(new DeleteUserCommand({ UserName: 'Inline' })))).toMatchObject({
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
    });
    expect(await failure(iam.send(new DeleteGroupCommand({ GroupName: 'InlineGroup' })))).toMatchObject({
      code: 'DeleteConflict',
    });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'Inline', PolicyName: 'Own' }));
    await iam.send(new DeleteUserCommand({ UserName: 'Inline' }));
  });

  it('answers MalformedPolicyDocument for a document that is not JSON', async () => {
    expect(
      await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'Broken', PolicyDocument: '{not json' }))),
    ).toMatchObject({ code: 'MalformedPolicyDocument', status: 400 });
  });

  it("keeps a role's trust policy URL-encoded, lists roles in pages, and refuses a principal that is no user", async () => {
    const trust = (principal: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
      });
    await iam.send(new CreateUserCommand({ UserName: 'Trusted' }));
    const userArn = `arn:aws:iam::${fake.accountId}:user/Trusted`;
    await iam.send(new CreateRoleCommand({ RoleName: 'First', AssumeRolePolicyDocument: trust(userArn) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Second', AssumeRolePolicyDocument: trust(userArn) }));
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'First' }))).Role;
    expect(role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust(userArn)));
    expect(role?.Arn).toBe(`arn:aws:iam::${fake.accountId}:role/First`);

    const first = await iam.send(new ListRolesCommand({ MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new ListRolesCommand({ MaxItems: 1, Marker: first.Marker }));
    expect([...(first.Roles ?? []), ...(second.Roles ?? [])].map((listed) => listed.RoleName)).toEqual([
      'First',
      'Second',
    ]);

    const missing = `arn:aws:iam::${fake.accountId}:user/Nobody`;
    expect(
      await failure(iam.send(new CreateRoleCommand({ RoleName: 'Third', AssumeRolePolicyDocument: trust(missing) }))),
    ).toMatchObject({
      code: 'MalformedPolicyDocument',
      status: 400,
      message: `Invalid principal in policy: "AWS":"${missing}"`,
    });
    expect(fake.iam.roles.has('Third')).toBe(false);
  });

  it('answers AccessDenied, naming the action, for an action it is told to deny', async () => {
    fake.deny('iam:CreateUser');
    try {
      const denied = await failure(iam.send(new CreateUserCommand({ UserName: 'Denied' })));
      expect(denied).toMatchObject({ code: 'AccessDenied', status: 403 });
      expect(denied.message).toContain(
        'is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/Denied',
      );
    } finally {
      fake.allow('iam:CreateUser');
    }
  });

  it("authenticates by access key: unknown keys are refused, a user's own key is not an administrator", async () => {
    await iam.send(new CreateUserCommand({ UserName: 'Sender' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'Sender' }));
    const asUser = {
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' },
    };
    const userSts = new STSClient(asUser);
    const userIam = new IAMClient(asUser);
    const stranger = new STSClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'LOCALSTRANGER', secretAccessKey: 'not-real' },
    });
    try {
      expect((await userSts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::123456789012:user/Sender');
      expect(await failure(userIam.send(new CreateUserCommand({ UserName: 'Escalation' })))).toMatchObject({
        code: 'AccessDenied',
        status: 403,
      });
      expect(await failure(stranger.send(new GetCallerIdentityCommand({})))).toMatchObject({
        code: 'InvalidClientTokenId',
        status: 403,
      });
    } finally {
      userSts.destroy();
      userIam.destroy();
      stranger.destroy();
    }
  });

  it('authenticates by signature: the right key ID with a wrong secret is refused as IAM refuses it, and changes nothing', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'Signer' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'Signer' }));
    const keyId = AccessKey?.AccessKeyId ?? '';
    const wrongAdmin = new IAMClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: LOCAL_ADMIN_KEY.accessKeyId, secretAccessKey: 'not-the-admin-secret' },
    });
    // What a copy-paste slip does: the key ID pasted where the secret belongs.
    const wrongUser = new STSClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: keyId, secretAccessKey: keyId },
    });
    try {
      expect(await failure(wrongAdmin.send(new CreateUserCommand({ UserName: 'Forged' })))).toEqual({
        name: 'SignatureDoesNotMatch',
        code: 'SignatureDoesNotMatch',
        status: 403,
        message:
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      });
      expect(fake.iam.users.has('Forged')).toBe(false);
      expect(await failure(wrongUser.send(new GetCallerIdentityCommand({})))).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      // A request that failed authentication is no use of the key.
      expect(fake.iam.users.get('Signer')?.accessKeys[0]?.lastUsed).toBeUndefined();
    } finally {
      wrongAdmin.destroy();
      wrongUser.destroy();
    }
  });

  it('answers GetAccessKeyLastUsed as IAM does: N/A and no date until the key signs a request', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'Rotating' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'Rotating' }));
    const keyId = AccessKey?.AccessKeyId ?? '';
    const unused = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
    expect(unused.UserName).toBe('Rotating');
    expect(unused.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });

    const asUser = new STSClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: keyId, secretAccessKey: AccessKey?.SecretAccessKey ?? '' },
    });
    try {
      await asUser.send(new GetCallerIdentityCommand({}));
    } finally {
      asUser.destroy();
    }
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
    expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'eu-west-1' });
    expect(used.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date);
    expect(Date.now() - (used.AccessKeyLastUsed?.LastUsedDate?.getTime() ?? 0)).toBeLessThan(60_000);

    expect(
      await failure(iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'NEVER_ISSUED_KEY_ID' }))),
    ).toMatchObject({ code: 'NoSuchEntity', status: 404 });
  });
});

describe('the fake SES and STS', () => {
  it('keeps verification per region, starts in the sandbox, and refuses a malformed address', async () => {
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'me@example.com' }));
    const attributes = await ses.send(
      new GetIdentityVerificationAttributesCommand({ Identities: ['me@example.com', 'unknown@example.com'] }),
    );
    expect(attributes.VerificationAttributes).toEqual({ 'me@example.com': { VerificationStatus: 'Pending' } });
    expect(fake.ses.identities('eu-west-1').size).toBe(0);
    expect(await ses.send(new GetSendQuotaCommand({}))).toMatchObject({ Max24HourSend: 200, MaxSendRate: 1 });
    expect(await failure(ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'not an address' })))).toMatchObject({
      code: 'InvalidParameterValue',
      status: 400,
    });
  });

  it('names the account of the administrator', async () => {
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/local-admin',
    });
  });

  it('counts mutating calls apart from reads', () => {
    const mutating = new Set(fake.mutatingCalls().map((call) => call.action));
    expect(mutating.has('CreateUser')).toBe(true);
    expect(mutating.has('VerifyEmailIdentity')).toBe(true);
    expect(mutating.has('GetUser')).toBe(false);
    expect(mutating.has('GetCallerIdentity')).toBe(false);
  });
});
