// The fake STS's reading of a trust policy, case by case as IAM's policy evaluation logic has it:
// a session stands for its role, a condition that does not match leaves its statement out, and an
// explicit Deny wins over any Allow.

import { describe, expect, it } from 'vitest';
import { hostedRoleTrustPolicy } from '../../../lambda/mail/roleTrustPolicy.ts';
import { trustPolicyAllows } from '../../../testkit/aws/trustPolicy.ts';

const HOSTED = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';
const hostedCaller = { action: 'sts:AssumeRole', principalArn: HOSTED, principalAccount: '210987654321' };
const policy = JSON.stringify(hostedRoleTrustPolicy(HOSTED, 'the-external-id'));

describe('trustPolicyAllows', () => {
  it('lets in the named role with the external ID', () => {
    expect(trustPolicyAllows(policy, { ...hostedCaller, externalId: 'the-external-id' })).toBe(true);
  });

  it('refuses a wrong external ID, and none at all: the condition does not match, so the statement does not apply', () => {
    expect(trustPolicyAllows(policy, { ...hostedCaller, externalId: 'another-id' })).toBe(false);
    expect(trustPolicyAllows(policy, hostedCaller)).toBe(false);
  });

  it('refuses another role of the same account, and the account itself', () => {
    const other = { ...hostedCaller, principalArn: 'arn:aws:iam::210987654321:role/SomeOtherSkillRole' };
    expect(trustPolicyAllows(policy, { ...other, externalId: 'the-external-id' })).toBe(false);
    const root = { ...hostedCaller, principalArn: 'arn:aws:iam::210987654321:root' };
    expect(trustPolicyAllows(policy, { ...root, externalId: 'the-external-id' })).toBe(false);
  });

  it('refuses an action the statement does not name', () => {
    expect(
      trustPolicyAllows(policy, { ...hostedCaller, action: 'sts:TagSession', externalId: 'the-external-id' }),
    ).toBe(false);
  });

  it('lets an explicit Deny win over an Allow that applies', () => {
    const document = hostedRoleTrustPolicy(HOSTED, 'the-external-id');
    const withDeny = {
      ...document,
      Statement: [
        ...document.Statement,
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:*',
          Condition: { StringLike: { 'aws:PrincipalArn': '*Hosted*' } },
        },
      ],
    };
    expect(trustPolicyAllows(JSON.stringify(withDeny), { ...hostedCaller, externalId: 'the-external-id' })).toBe(false);
  });

  it('reads a trust of the whole account as covering every principal in it', () => {
    const account = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole' },
    });
    expect(trustPolicyAllows(account, hostedCaller)).toBe(true);
    expect(trustPolicyAllows(account, { ...hostedCaller, principalAccount: '999999999999' })).toBe(false);
  });
});
