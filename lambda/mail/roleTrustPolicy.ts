// The role an Alexa-hosted skill assumes in its owner's account (assumedRole.ts): its name and who
// may assume it. Never bundled; one source for the fake AWS the tests and tools run against and
// for the provisioning that makes the role (docs/hosted.md shows the same document).

/** The name provisioning gives the role; the docs ask for the same one when it is made by hand. */
export const SENDER_ROLE_NAME = 'AlexaSkillMailSenderRole';

/** The trust policy: exactly that principal, only with the external ID, nothing else. */
export function hostedRoleTrustPolicy(hostedLambdaRoleArn: string, externalId: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: hostedLambdaRoleArn },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  } as const;
}
