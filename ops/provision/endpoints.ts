// Where each AWS service the command calls is reached, and how long a call may take: the SDK's
// endpoint overrides (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL) read from the same
// environment the SDK reads, so the header and a failure can name them; and the timeouts.

/** The services provisioning calls, by the name awsCalls.ts gives each permission's prefix. */
const SERVICES = {
  iam: { variable: 'AWS_ENDPOINT_URL_IAM', host: () => 'iam.amazonaws.com' },
  ses: { variable: 'AWS_ENDPOINT_URL_SES', host: (region: string) => `email.${region}.amazonaws.com` },
  sns: { variable: 'AWS_ENDPOINT_URL_SNS', host: (region: string) => `sns.${region}.amazonaws.com` },
  sts: { variable: 'AWS_ENDPOINT_URL_STS', host: (region: string) => `sts.${region}.amazonaws.com` },
  dynamodb: { variable: 'AWS_ENDPOINT_URL_DYNAMODB', host: (region: string) => `dynamodb.${region}.amazonaws.com` },
} as const;

export type Service = keyof typeof SERVICES;

export interface Endpoint {
  readonly url: string;
  /** The variable that set it; absent: AWS's own endpoint. */
  readonly variable?: string;
}

export type Endpoints = Readonly<Record<Service, Endpoint>>;

type Environment = Readonly<Record<string, string | undefined>>;

/** Each service's endpoint, as the SDK picks it: the service's own variable, then AWS_ENDPOINT_URL, then AWS's. */
export function endpointsOf(env: Environment, region: string): Endpoints {
  const entries = Object.entries(SERVICES).map(([service, { variable, host }]): [string, Endpoint] => {
    const own = env[variable];
    if (own) return [service, { url: own, variable }];
    if (env.AWS_ENDPOINT_URL) return [service, { url: env.AWS_ENDPOINT_URL, variable: 'AWS_ENDPOINT_URL' }];
    return [service, { url: `https://${host(region)}` }];
  });
  return Object.fromEntries(entries) as Record<Service, Endpoint>;
}

/** For the header: "IAM and STS at http://127.0.0.1:4566 from AWS_ENDPOINT_URL, SES at … from AWS_ENDPOINT_URL_SES"; empty when none is set. */
export function describeOverrides(endpoints: Endpoints): string {
  const groups = new Map<string, string[]>();
  for (const [service, { url, variable }] of Object.entries(endpoints)) {
    if (!variable) continue;
    const key = `${url} from ${variable}`;
    groups.set(key, [...(groups.get(key) ?? []), service === 'dynamodb' ? 'DynamoDB' : service.toUpperCase()]);
  }
  const list = new Intl.ListFormat('en');
  return [...groups].map(([where, services]) => `${list.format(services)} at ${where}`).join('; ');
}

/** The variable that shortens every call's timeouts (for tests and slow links); documented in --help. */
export const TIMEOUT_VARIABLE = 'PROVISION_AWS_TIMEOUT_MS';

export interface Timeouts {
  /** Until the connection is made. */
  readonly connectionMs: number;
  /** The whole request, answer included. */
  readonly requestMs: number;
}

const DEFAULT_TIMEOUTS: Timeouts = { connectionMs: 5000, requestMs: 30_000 };

/** The defaults, or PROVISION_AWS_TIMEOUT_MS for both when it is a positive whole number. */
export function timeoutsOf(env: Environment): Timeouts {
  const value = Number(env[TIMEOUT_VARIABLE]);
  if (!Number.isInteger(value) || value <= 0) return DEFAULT_TIMEOUTS;
  return { connectionMs: Math.min(value, DEFAULT_TIMEOUTS.connectionMs), requestMs: value };
}
