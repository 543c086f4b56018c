// An SES sending-authorization policy that names one principal, as an administrator might write
// it on an identity: the later grant the guard and the audit are tested against.

export function sesSendingPolicy(principalArn: string, identityArn: string, condition?: object) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principalArn },
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: identityArn,
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}
