// The guard and the permissions boundary that provisioning gives AlexaSkillMailSender, evaluated
// by the IAM policy simulator against grants made after provisioning: AdministratorAccess
// attached to the user, an SES sending-authorization policy and a DynamoDB table policy that
// name the user. The key can still only send as the sender (and count in its limit table).

import { describe, expect, it } from 'vitest';
import { grantedPolicies } from '../../../../ops/provision/managedPolicies.ts';
import { parseCommand } from '../../../../ops/provision/options.ts';
import { sesIdentityArn } from '../../../../ops/provision/policyDocument.ts';
import { decide } from '../../../helpers/iamSimulator.ts';
import { sesSendingPolicy } from '../../../helpers/sesSendingPolicy.ts';

const ACCOUNT = { accountId: '111122223333', partition: 'aws' };
const REGION = 'us-east-1';
const FROM = 'sender@example.com';
const USER_ARN = `arn:aws:iam::${ACCOUNT.accountId}:user/AlexaSkillMailSender`;
const TABLE = 'AlexaSkillMailLimits';
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT.accountId}:table/${name}`;
const DOMAIN_IDENTITY = sesIdentityArn({ region: REGION, accountId: ACCOUNT.accountId }, 'example.com');
const SENDER_IDENTITY = sesIdentityArn({ region: REGION, accountId: ACCOUNT.accountId }, FROM);

const ADMINISTRATOR_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
/** An SES sending-authorization policy on the sender's domain that lets the user send as any address of it. */
const DOMAIN_SENDING_POLICY = sesSendingPolicy(USER_ARN, DOMAIN_IDENTITY);
const tablePolicy = (name: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'dynamodb:*', Resource: tableArn(name) }],
});

/** The documents a run grants, as the tool builds them: the attached ones, and the boundary. */
function provisioned(...extra: string[]) {
  const parsed = parseCommand(['--from', FROM, '--out', '/nonexistent/key.json', ...extra], {});
  if (parsed.help) throw new Error('unexpected --help');
  const limitTable = extra.includes('--limit-table') ? TABLE : undefined;
  const granted = grantedPolicies({
    account: ACCOUNT,
    options: parsed.options,
    fromAddress: FROM,
    senderDomainVerified: true,
    ...(limitTable ? { limitTable } : {}),
  });
  const boundary = granted.find((policy) => policy.boundary)?.document;
  const attached = granted.filter((policy) => !policy.boundary).map((policy) => policy.document);
  return { attached, boundary };
}

const request = (action: string, resource: string, fromAddress?: string) => ({
  action,
  principal: USER_ARN,
  accountId: ACCOUNT.accountId,
  resource,
  ...(fromAddress ? { context: { 'ses:FromAddress': fromAddress } } : {}),
});

describe('the guard and the boundary of AlexaSkillMailSender', () => {
  it('let the key send as the sender, and nothing else, when AdministratorAccess is attached later', async () => {
    const { attached, boundary } = provisioned();
    const documents = [...attached, ADMINISTRATOR_ACCESS];

    expect(await decide(documents, request('ses:SendEmail', SENDER_IDENTITY, FROM), { boundary })).toBe('Allowed');
    expect(await decide(documents, request('ses:SendRawEmail', DOMAIN_IDENTITY, FROM), { boundary })).toBe('Allowed');
    expect(await decide(documents, request('ses:SendEmail', DOMAIN_IDENTITY, 'ceo@example.com'), { boundary })).toBe(
      'ExplicitlyDenied',
    );
    for (const action of ['iam:CreateAccessKey', 's3:ListAllMyBuckets', 'ses:CreateEmailIdentity'])
      expect(await decide(documents, request(action, '*'), { boundary }), action).toBe('ExplicitlyDenied');
  });

  it("stop an SES identity policy that names the user from letting it send as another of the domain's addresses", async () => {
    const { attached, boundary } = provisioned();
    const others = { boundary, resourcePolicy: DOMAIN_SENDING_POLICY };

    expect(await decide(attached, request('ses:SendEmail', DOMAIN_IDENTITY, 'ceo@example.com'), others)).toBe(
      'ExplicitlyDenied',
    );
    expect(await decide(attached, request('ses:SendEmail', DOMAIN_IDENTITY, FROM), others)).toBe('Allowed');
  });

  it('stop a table policy that names the user from opening another table, and leave the limit table as granted', async () => {
    const { attached, boundary } = provisioned('--limit-table', TABLE);
    const elsewhere = { boundary, resourcePolicy: tablePolicy('Customers') };

    for (const action of ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Scan', 'dynamodb:DeleteTable'])
      expect(await decide(attached, request(action, tableArn('Customers')), elsewhere), action).toBe(
        'ExplicitlyDenied',
      );
    expect(await decide(attached, request('dynamodb:GetItem', tableArn(TABLE)), { boundary })).toBe('Allowed');
    expect(
      await decide(attached, request('dynamodb:Scan', tableArn(TABLE)), {
        boundary,
        resourcePolicy: tablePolicy(TABLE),
      }),
    ).toBe('ExplicitlyDenied');
  });

  it('need their explicit Denies: a boundary that only allows lets a same-account resource policy naming the user through', async () => {
    const { attached, boundary } = provisioned();
    const allowsOnly = {
      ...boundary,
      Statement: boundary?.Statement.filter((statement) => statement.Effect === 'Allow'),
    };
    const withoutGuard = attached.slice(0, 1);

    expect(
      await decide(withoutGuard, request('ses:SendEmail', DOMAIN_IDENTITY, 'ceo@example.com'), {
        boundary: allowsOnly,
        resourcePolicy: DOMAIN_SENDING_POLICY,
      }),
    ).toBe('Allowed');
  });
});
