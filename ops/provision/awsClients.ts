// The AWS clients provisioning uses, signed in with the administrator's credentials from the
// SDK's standard chain (environment, --profile, SSO …), each call bounded by timeouts (endpoints.ts).

import type { Agent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { Timeouts } from './endpoints.ts';

export interface AwsClients {
  readonly iam: IAMClient;
  /**
   * IAM with no retry, for CreateAccessKey only: an answer lost after IAM made the key would
   * make the SDK's retry create a second key, whose secret nobody holds either.
   */
  readonly iamSingleAttempt: IAMClient;
  readonly ses: SESClient;
  /** The topic that receives a configuration set's bounces and complaints (--configuration-set). */
  readonly sns: SNSClient;
  readonly sts: STSClient;
  /** The limit table's control plane (--limit-table). */
  readonly dynamoDb: DynamoDBClient;
}

export interface AwsClientOptions {
  readonly region: string;
  /** A named profile of ~/.aws/config (SSO included); absent: the default chain. */
  readonly profile?: string;
  /** The HTTPS agent of the SDK's HTTP handler (the tests use it to answer DNS lookups offline). */
  readonly http?: { readonly httpsAgent?: Agent };
  /** A call that cannot connect, or is not answered in full, fails instead of waiting for ever. */
  readonly timeouts: Timeouts;
}

/** No endpoint is set: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_IAM, _SES, _SNS, _STS, _DYNAMODB point the command at local stand-ins. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const common = {
    region: options.region,
    ...(options.profile ? { profile: options.profile } : {}),
    requestHandler: {
      connectionTimeout: options.timeouts.connectionMs,
      requestTimeout: options.timeouts.requestMs,
      // Without it the SDK only logs a warning when requestTimeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
      ...options.http,
    },
  };
  return {
    iam: new IAMClient(common),
    iamSingleAttempt: new IAMClient({ ...common, maxAttempts: 1 }),
    ses: new SESClient(common),
    sns: new SNSClient(common),
    sts: new STSClient(common),
    dynamoDb: new DynamoDBClient(common),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
