// An Alexa-hosted skill's world on loopback: the owner's account (the fake AWS, with the role the
// skill assumes and its trust policy), the SES stand-in honouring the role's session keys, the
// hosted skill's persistence table on dynalite, and the environment Amazon gives the hosted
// Lambda (its execution role's keys, from another account). For the tests and `--hosted` tools.

import { ENV } from '../lambda/config.ts';
import { hostedRoleTrustPolicy, SENDER_ROLE_NAME } from '../lambda/mail/roleTrustPolicy.ts';
import { type FakeAws, startFakeAws } from './aws/server.ts';
import { type SesStandIn, startSesStandIn } from './aws/ses/standIn.ts';
import type { StsSession } from './aws/sts.ts';
import { type DynamoDbStandIn, startDynamoDbStandIn } from './dynamoDb/standIn.ts';
import { LOCAL_SKILL_ID } from './envelopes.ts';
import { LOOPBACK_ORIGIN } from './loopback.ts';
import { PLACEHOLDER_FROM_ADDRESS } from './placeholders.ts';

/** Amazon's account is not ours: a placeholder account ID, with the role name the Code tab shows. */
export const HOSTED_LAMBDA_ROLE_ARN = 'arn:aws:iam::210987654321:role/AlexaHostedSkillLambdaRole';
/** Not a secret, nor shaped like one: the external ID of the local role. */
export const LOCAL_EXTERNAL_ID = 'local-external-id-placeholder';
export const LOCAL_PERSISTENCE_TABLE = 'local-hosted-persistence';
/** Where Amazon runs the hosted Lambda (and its table): not the SES region, as in real life. */
export const HOSTED_LAMBDA_REGION = 'us-west-2';
const SES_REGION = 'us-east-1';

export interface HostedWorld {
  readonly aws: FakeAws;
  readonly ses: SesStandIn;
  readonly dynamoDb: DynamoDbStandIn;
  readonly roleArn: string;
  /** What `npm run hosted` embeds for this world: the sender, SES region, role and skill ID. */
  readonly embedded: Readonly<Record<string, string>>;
  /** The hosted Lambda's environment: a fresh session of its execution role, the endpoints, the table. */
  lambdaEnvironment(session?: StsSession): Record<string, string>;
  close(): Promise<void>;
}

export async function startHostedWorld(): Promise<HostedWorld> {
  const [aws, dynamoDb] = await Promise.all([startFakeAws(), startDynamoDbStandIn()]);
  const role = aws.iam.addRole(
    SENDER_ROLE_NAME,
    JSON.stringify(hostedRoleTrustPolicy(HOSTED_LAMBDA_ROLE_ARN, LOCAL_EXTERNAL_ID)),
  );
  const roleArn = aws.iam.roleArn(role.name, role.path);
  const [ses] = await Promise.all([
    startSesStandIn({ keys: aws.secretOf }),
    dynamoDb.createPersistenceTable(LOCAL_PERSISTENCE_TABLE),
  ]);
  const embedded = {
    [ENV.fromAddress]: PLACEHOLDER_FROM_ADDRESS,
    [ENV.region]: SES_REGION,
    [ENV.roleArn]: roleArn,
    [ENV.roleExternalId]: LOCAL_EXTERNAL_ID,
    [ENV.skillId]: LOCAL_SKILL_ID,
    // The profile API of the tests and tools is on loopback.
    [ENV.alexaApiEndpoints]: LOOPBACK_ORIGIN,
  };
  return {
    aws,
    ses,
    dynamoDb,
    roleArn,
    embedded,
    lambdaEnvironment(session = aws.sts.sessionOf(HOSTED_LAMBDA_ROLE_ARN, 'hosted-skill-lambda')) {
      return {
        AWS_REGION: HOSTED_LAMBDA_REGION,
        AWS_ACCESS_KEY_ID: session.accessKeyId,
        AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
        AWS_SESSION_TOKEN: session.sessionToken,
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_ENDPOINT_URL_SES: ses.url,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
        [ENV.persistenceTable]: LOCAL_PERSISTENCE_TABLE,
        [ENV.persistenceRegion]: HOSTED_LAMBDA_REGION,
      };
    },
    close: async () => {
      await Promise.all([aws.close(), ses.close(), dynamoDb.close()]);
    },
  };
}
