// How a role's trust policy is read for AlexaSkillMailSender: by its ARN or unique ID, as one of
// "*", through action patterns and NotAction, NotPrincipal, and a Deny that cancels; never the
// account's root, which only delegates to the user's own policies.

import { describe, expect, it } from 'vitest';
import { denyStatement, trustReach, wildcardMatches } from '../../../../ops/provision/trustPolicy.ts';

const USER = 'AlexaSkillMailSender';
const ARN = 'arn:aws:iam::123456789012:user/AlexaSkillMailSender';
const ID = 'AIDAEXAMPLEUNIQUEID1';
const user = { arn: ARN, id: ID };
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allow = (Principal: unknown, extra: object = {}) => ({
  Effect: 'Allow',
  Principal,
  Action: 'sts:AssumeRole',
  ...extra,
});

describe('trustReach', () => {
  it.each([
    ['the ARN', policy(allow({ AWS: ARN })), "names AlexaSkillMailSender's ARN"],
    ['the unique ID', policy(allow({ AWS: [ID] })), `names AlexaSkillMailSender's unique ID ${ID}`],
    ['"*"', policy(allow('*')), 'trusts every AWS principal ("*")'],
    ['an action pattern', policy(allow({ AWS: ARN }, { Action: 'STS:Assume*' })), "names AlexaSkillMailSender's ARN"],
    ['every action', policy(allow({ AWS: ARN }, { Action: ['*'] })), "names AlexaSkillMailSender's ARN"],
    [
      'a NotAction that leaves AssumeRole in',
      policy({ Effect: 'Allow', Principal: { AWS: ARN }, NotAction: 'sts:TagSession' }),
      "names AlexaSkillMailSender's ARN",
    ],
    [
      'a NotPrincipal that leaves the user out',
      policy({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::123456789012:user/Other' },
        Action: 'sts:AssumeRole',
      }),
      'trusts every principal its NotPrincipal does not name',
    ],
    [
      'a Deny under a condition, which may not apply',
      policy(allow('*'), {
        Effect: 'Deny',
        Principal: { AWS: ARN },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      'trusts every AWS principal ("*")',
    ],
    ['an unreadable document', '{not json', 'could not be read, so it is taken to trust anyone'],
    ...[
      ['a lowercase "deny"', 'deny'],
      ['a missing Effect', undefined],
      ['an Effect that is not a string', ['Deny']],
    ].map(([what, Effect]) => [
      `${what}, read as an unreadable document`,
      policy({ Effect, Principal: { AWS: 'arn:aws:iam::123456789012:user/Other' }, Action: 'sts:AssumeRole' }),
      'has an Effect other than "Allow" or "Deny", so it is taken to trust anyone',
    ]),
    [
      'an Action of many *s',
      policy(allow({ AWS: ARN }, { Action: `${'*'.repeat(60)}e` })),
      "names AlexaSkillMailSender's ARN",
    ],
  ])('lets the user assume the role through %s', (_case, document, reason) => {
    expect(trustReach(document, user, USER)?.reason).toBe(reason);
  });

  it.each([
    ["the account's root", policy(allow({ AWS: 'arn:aws:iam::123456789012:root' }))],
    ["the account's bare ID", policy(allow({ AWS: '123456789012' }))],
    ['a service', policy(allow({ Service: 'ec2.amazonaws.com' }))],
    ['only other actions', policy(allow({ AWS: ARN }, { Action: ['sts:TagSession', 'sts:SetSourceIdentity'] }))],
    // A RegExp of 60 `.*`s would backtrack for longer than the test's timeout before failing.
    ['an Action of many *s that does not match', policy(allow({ AWS: ARN }, { Action: `${'*'.repeat(60)}x` }))],
    [
      'a NotAction that leaves AssumeRole out',
      policy({ Effect: 'Allow', Principal: { AWS: ARN }, NotAction: 'sts:*' }),
    ],
    [
      'a NotPrincipal that names the user',
      policy({ Effect: 'Allow', NotPrincipal: { AWS: ARN }, Action: 'sts:AssumeRole' }),
    ],
    [
      'a Deny without a condition',
      policy(allow({ AWS: '*' }), { Effect: 'Deny', Principal: { AWS: ID }, Action: 'sts:*' }),
    ],
  ])('does not, through %s', (_case, document) => {
    expect(trustReach(document, user, USER)).toBeUndefined();
  });

  it('reaches a user that does not exist yet only through "*"', () => {
    expect(trustReach(policy(allow({ AWS: ARN })), {}, USER)).toBeUndefined();
    expect(trustReach(policy(allow({ AWS: '*' })), {}, USER)?.by).toBe('everyone');
  });
});

describe('a Deny of "*" that singles the user out by aws:PrincipalArn', () => {
  const denyWhen = (Condition: unknown, extra: object = {}) => ({
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 'sts:AssumeRole',
    Condition,
    ...extra,
  });
  const notYet = { arnOnceCreated: ARN };

  it.each([
    ['denyStatement itself, before the user exists', denyStatement(ARN), notYet],
    ['denyStatement itself, once it exists', denyStatement(ARN), user],
    ['StringEquals', denyWhen({ StringEquals: { 'aws:PrincipalArn': ARN } }), notYet],
    [
      'StringLike with a path wildcard, in a list of values',
      denyWhen({
        StringLike: {
          'aws:PrincipalArn': ['arn:aws:iam::123456789012:user/Other', 'arn:aws:iam::*:user/*AlexaSkillMailSender'],
        },
      }),
      notYet,
    ],
    [
      'ArnLike, the key in another case',
      denyWhen({ ArnLike: { 'AWS:PrincipalARN': 'arn:aws:iam::*:user/Alexa*' } }),
      user,
    ],
    ['Principal "*" as a string', denyWhen({ ArnEquals: { 'aws:PrincipalArn': ARN } }, { Principal: '*' }), notYet],
  ])('cancels a grant to "*": %s', (_case, deny, who) => {
    expect(trustReach(policy(allow('*'), deny), who, USER)).toBeUndefined();
  });

  it.each([
    ['another user', denyWhen({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/Other' } })],
    [
      'a wildcard under StringEquals, which compares literally',
      denyWhen({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/*' } }),
    ],
    [
      'an ARN pattern whose * would reach across colons',
      denyWhen({ ArnLike: { 'aws:PrincipalArn': 'arn:*AlexaSkillMailSender' } }),
    ],
    [
      'a negated operator',
      denyWhen({ StringNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/Other' } }),
    ],
    [
      'a second operator, which may not hold',
      denyWhen({ ArnEquals: { 'aws:PrincipalArn': ARN }, Bool: { 'aws:SecureTransport': 'false' } }),
    ],
    ['a second key, which may not hold', denyWhen({ ArnEquals: { 'aws:PrincipalArn': ARN, 'aws:SourceArn': ARN } })],
    ['another condition key', denyWhen({ ArnEquals: { 'aws:SourceArn': ARN } })],
    [
      'a named principal rather than "*"',
      denyWhen(
        { ArnEquals: { 'aws:PrincipalArn': ARN } },
        { Principal: { AWS: 'arn:aws:iam::123456789012:user/Other' } },
      ),
    ],
    ['other actions', denyWhen({ ArnEquals: { 'aws:PrincipalArn': ARN } }, { Action: 'sts:TagSession' })],
  ])('does not cancel it when it names %s', (_case, deny) => {
    expect(trustReach(policy(allow('*'), deny), { arnOnceCreated: ARN }, USER)?.by).toBe('everyone');
  });
});

describe('wildcardMatches', () => {
  it.each([
    ['sts:AssumeRole', 'sts:AssumeRole', true],
    ['sts:*', 'sts:AssumeRole', true],
    ['*Role', 'sts:AssumeRole', true],
    ['sts:Assume*Role*', 'sts:AssumeRole', true],
    ['sts:AssumeRol?', 'sts:AssumeRole', true],
    ['**', '', true],
    ['sts:AssumeRole?', 'sts:AssumeRole', false],
    ['sts:*Roles', 'sts:AssumeRole', false],
    ['iam:*', 'sts:AssumeRole', false],
    ['*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
  ])('%s against %s: %s', (pattern, text, matches) => {
    expect(wildcardMatches(pattern, text)).toBe(matches);
  });
});
