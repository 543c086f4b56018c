// The fake AWS's STS through the real STS client: AssumeRole judged by the role's trust policy,
// with the caller's role session standing for its role, and the session keys it issues honoured.

import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedRoleTrustPolicy } from '../../../lambda/mail/roleTrustPolicy.ts';
import { type FakeAws, startFakeAws } from '../../../testkit/aws/server.ts';

const HOSTED = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';
let aws: FakeAws;
let roleArn: string;

beforeAll(async () => {
  aws = await startFakeAws();
  const role = aws.iam.addRole('AlexaSkillMailSenderRole', JSON.stringify(hostedRoleTrustPolicy(HOSTED, 'ext-1')));
  roleArn = aws.iam.roleArn(role.name, role.path);
});
afterAll(() => aws.close());

const stsAs = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  new STSClient({ region: 'us-east-1', endpoint: aws.url, credentials, maxAttempts: 1 });
const hostedSession = () => {
  const session = aws.sts.sessionOf(HOSTED, 'hosted');
  return stsAs({ ...session });
};
const assume = (client: STSClient, input: { ExternalId?: string; DurationSeconds?: number } = {}) =>
  client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'mailer', ...input }));

describe('the fake STS', () => {
  it("lets the trusted role's session assume the role, and honours the keys it issues", async () => {
    const { Credentials, AssumedRoleUser } = await assume(hostedSession(), { ExternalId: 'ext-1' });
    expect(AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AlexaSkillMailSenderRole/mailer');
    const identity = await stsAs({
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    }).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(AssumedRoleUser?.Arn);
  });

  it('refuses a wrong external ID, and the administrator the policy does not name, with AccessDenied', async () => {
    await expect(assume(hostedSession(), { ExternalId: 'ext-2' })).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      assume(stsAs({ accessKeyId: aws.env().AWS_ACCESS_KEY_ID!, secretAccessKey: aws.env().AWS_SECRET_ACCESS_KEY! }), {
        ExternalId: 'ext-1',
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a chained session longer than an hour, as STS does', async () => {
    await expect(assume(hostedSession(), { ExternalId: 'ext-1', DurationSeconds: 7200 })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
  });
});
