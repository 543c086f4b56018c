// The fake AWS account: a stateful copy of IAM, SES (v1, control plane), SNS, STS and DynamoDB (control
// plane) on a loopback port, spoken to by the real AWS SDK clients through AWS_ENDPOINT_URL_IAM /
// _SES / _SNS / _STS / _DYNAMODB (or one AWS_ENDPOINT_URL). Requests are dispatched by the service named in the SigV4 credential
// scope and authenticated as AWS does, by their signature (the administrator's key, or an
// active key of a user, whose last use is noted as IAM does); every call is recorded so tests
// can count the mutating ones. It is strongly consistent unless a test asks for a stale answer.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback.ts';
import { DYNAMODB_ACTIONS, DYNAMODB_NAMESPACE, FakeDynamoDb } from './dynamoDb.ts';
import { IAM_ACTIONS, IAM_NAMESPACE } from './iam/actions.ts';
import { FakeIam } from './iam/state.ts';
import { answerJson, answerJsonError, JsonInput, jsonTarget, runJsonAction } from './jsonProtocol.ts';
import {
  AwsError,
  type Caller,
  errorDocument,
  QueryParams,
  type RequestContext,
  resultDocument,
  runAction,
  type XmlValue,
} from './protocol.ts';
import { SES_ACTIONS, SES_NAMESPACE } from './ses/actions.ts';
import { FakeSes } from './ses/state.ts';
import { type AccessKey, credentialScope, verifySignature } from './signature.ts';
import { FakeSns, SNS_ACTIONS, SNS_NAMESPACE, unknownSnsAction } from './sns.ts';
import { FakeSts, STS_ACTIONS, STS_NAMESPACE, unknownStsAction } from './sts.ts';

type FakeService = 'iam' | 'ses' | 'sns' | 'sts' | 'dynamodb';

interface RecordedCall {
  readonly service: FakeService;
  readonly action: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly params: Readonly<Record<string, string>>;
  readonly mutating: boolean;
  /** The error code answered, if any. */
  error?: string;
  /** Answered as an earlier request with the same parameters was (`serveStale`). */
  stale?: true;
}

interface FakeAwsOptions {
  readonly accountId?: string;
  /** Requests signed with this key act as the account's administrator (default: LOCAL_ADMIN_KEY). */
  readonly adminKey?: AccessKey;
}

/** Not a real credential, nor shaped like one: the fake's administrator key. */
export const LOCAL_ADMIN_KEY: AccessKey = {
  accessKeyId: 'LOCALADMINKEY',
  secretAccessKey: 'local-admin-secret-not-real',
};
export const LOCAL_ACCOUNT_ID = '123456789012';

export interface FakeAws {
  readonly url: string;
  readonly accountId: string;
  readonly iam: FakeIam;
  readonly ses: FakeSes;
  readonly sns: FakeSns;
  readonly dynamoDb: FakeDynamoDb;
  /** AssumeRole's sessions, and the keys of a session of a role outside this account (an Alexa-hosted skill's). */
  readonly sts: FakeSts;
  readonly calls: RecordedCall[];
  /** Calls that would change something in a real account. */
  mutatingCalls(): RecordedCall[];
  /** Answer AccessDenied to this action, e.g. "iam:AttachUserPolicy", until allowed again. */
  deny(action: string): void;
  allow(action: string): void;
  /** Leave requests for this action unanswered (a process killed mid-call), until closed. */
  hold(action: string): void;
  /**
   * Carry out this action but keep its answer until the returned function is called: the caller
   * is interrupted while the answer is on its way.
   */
  holdAnswer(action: string): () => void;
  /** Answer this action again (requests already held stay unanswered). */
  release(action: string): void;
  /**
   * Carry out this action but spoil its answer, as a failing front end can after IAM did the
   * work: a 500 InternalFailure, or a 200 whose body is not XML. Until `release`.
   */
  spoilAnswer(action: string, how: 'server-error' | 'unreadable'): void;
  /**
   * Answer the next request for this read action that repeats an earlier one's parameters as
   * that earlier one was answered, once: IAM is eventually consistent, and a read right after a
   * change may still show the state before it.
   */
  serveStale(action: string): void;
  /** Resolves when a request for this action arrives. */
  nextRequest(action: string): Promise<RecordedCall>;
  /** What the account holds now, without any secret (also served as GET /state). */
  snapshot(): FakeAwsSnapshot;
  /** The secret of a key this account honours (the administrator's, or a user's active key): for the SES stand-in, which sends what this fake authorises. */
  secretOf(accessKeyId: string): string | undefined;
  /** The variables that point the SDK at this fake, signed in as the administrator. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

interface FakeAwsSnapshot {
  readonly users: {
    name: string;
    tags: Record<string, string>;
    attachedPolicies: string[];
    inlinePolicies: string[];
    permissionsBoundary?: string;
    accessKeys: { id: string; status: string; lastUsed?: string }[];
    loginProfile: boolean;
  }[];
  readonly policies: { arn: string; defaultVersionId: string; versions: string[]; tags: Record<string, string> }[];
  readonly groups: {
    name: string;
    path: string;
    members: string[];
    attachedPolicies: string[];
    inlinePolicies: string[];
  }[];
  readonly roles: { name: string; path: string; trustPolicy: unknown }[];
  readonly sesIdentities: Record<string, Record<string, string>>;
  readonly sesConfigurationSets: Record<string, Record<string, Record<string, string>>>;
  readonly snsTopics: ReturnType<FakeSns['snapshot']>;
  readonly dynamoDbTables: ReturnType<FakeDynamoDb['snapshot']>;
  readonly mutatingCalls: string[];
}

/** One service of the account: the XML namespace of its answers, and how it runs an action. */
interface FakeServiceEndpoint {
  readonly namespace: string;
  run(action: string, params: QueryParams, context: RequestContext): Record<string, XmlValue>;
}

const READ_ONLY = /^(Get|List|Describe|Simulate)/;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The service a signing name stands for: SES signs as `ses`, older clients as `email`. */
function serviceNamed(signingName: string): FakeService | undefined {
  if (signingName === 'email') return 'ses';
  return signingName === 'iam' ||
    signingName === 'ses' ||
    signingName === 'sns' ||
    signingName === 'sts' ||
    signingName === 'dynamodb'
    ? signingName
    : undefined;
}

function resourceOf(service: FakeService, params: QueryParams, accountId: string, region: string): string {
  if (service === 'dynamodb') {
    const table = params.optional('TableName');
    return params.optional('ResourceArn') ?? (table ? `arn:aws:dynamodb:${region}:${accountId}:table/${table}` : '*');
  }
  if (service === 'iam') {
    const policyArn = params.optional('PolicyArn');
    if (policyArn) return policyArn;
    const userName = params.optional('UserName');
    if (userName) return `arn:aws:iam::${accountId}:user/${userName}`;
    const groupName = params.optional('GroupName');
    if (groupName) return `arn:aws:iam::${accountId}:group/${groupName}`;
    const policyName = params.optional('PolicyName');
    if (policyName) return `arn:aws:iam::${accountId}:policy/${policyName}`;
    const roleName = params.optional('RoleName');
    if (roleName) return `arn:aws:iam::${accountId}:role/${roleName}`;
  }
  if (service === 'ses') {
    const identity = params.optional('EmailAddress') ?? params.optional('Identity') ?? params.optional('Domain');
    if (identity) return `arn:aws:ses:${region}:${accountId}:identity/${identity}`;
    const set = params.optional('ConfigurationSetName') ?? params.optional('ConfigurationSet.Name');
    if (set) return `arn:aws:ses:${region}:${accountId}:configuration-set/${set}`;
  }
  if (service === 'sns') {
    const topicArn = params.optional('TopicArn') ?? params.optional('ResourceArn');
    if (topicArn) return topicArn;
    const name = params.optional('Name');
    if (name) return `arn:aws:sns:${region}:${accountId}:${name}`;
  }
  return '*';
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const adminKey = options.adminKey ?? LOCAL_ADMIN_KEY;
  const iam = new FakeIam(accountId);
  const sns = new FakeSns(accountId);
  const ses = new FakeSes({ topicExists: (arn) => sns.topics.has(arn) });
  const dynamoDb = new FakeDynamoDb(accountId);
  const sts = new FakeSts(iam);
  const services: Record<Exclude<FakeService, 'dynamodb'>, FakeServiceEndpoint> = {
    iam: {
      namespace: IAM_NAMESPACE,
      run: (action, params, context) => runAction(IAM_ACTIONS, iam, action, params, context),
    },
    ses: {
      namespace: SES_NAMESPACE,
      run: (action, params, context) => runAction(SES_ACTIONS, ses, action, params, context),
    },
    sns: {
      namespace: SNS_NAMESPACE,
      run: (action, params, context) => runAction(SNS_ACTIONS, sns, action, params, context, unknownSnsAction),
    },
    sts: {
      namespace: STS_NAMESPACE,
      run: (action, params, context) => runAction(STS_ACTIONS, sts, action, params, context, unknownStsAction),
    },
  };
  const calls: RecordedCall[] = [];
  const denied = new Set<string>();
  const held = new Set<string>();
  const answersHeld = new Map<string, Promise<void>>();
  const spoiled = new Map<string, 'server-error' | 'unreadable'>();
  const staleNext = new Set<string>();
  /** The last answer to each read, by its parameters: what a stale read serves. */
  const answered = new Map<string, { status: number; xml: string }>();
  const waiters: { action: string; resolve: (call: RecordedCall) => void }[] = [];
  const admin: Caller = {
    account: accountId,
    arn: `arn:aws:iam::${accountId}:user/local-admin`,
    userId: 'AIDALOCALADMIN',
  };

  const secretOf = (accessKeyId: string): string | undefined =>
    accessKeyId === adminKey.accessKeyId
      ? adminKey.secretAccessKey
      : (iam.activeKey(accessKeyId)?.key.secretAccessKey ?? sts.activeSession(accessKeyId)?.secretAccessKey);

  /** Who signed with this key; only asked once the signature is verified, so the key is known. */
  const callerFor = (accessKeyId: string): Caller => {
    const session = sts.activeSession(accessKeyId);
    if (session)
      return {
        account: session.assumedRoleArn.split(':')[4] ?? accountId,
        arn: session.assumedRoleArn,
        userId: session.assumedRoleId,
      };
    const user = iam.activeKey(accessKeyId)?.user;
    return user ? { account: accountId, arn: iam.userArn(user.name, user.path), userId: user.id } : admin;
  };

  const answer = (response: ServerResponse, status: number, xml: string) => {
    response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'local' }).end(xml);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const scope = credentialScope(request);
    const service = scope && serviceNamed(scope.service);
    if (!scope || !service) {
      const missing = new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      answer(response, 403, errorDocument(IAM_NAMESPACE, missing));
      return;
    }
    // DynamoDB speaks JSON (jsonProtocol.ts); the others the query protocol.
    let json: JsonInput | undefined;
    let form: URLSearchParams;
    try {
      json = service === 'dynamodb' ? JsonInput.parse(body) : undefined;
      form = json ? new URLSearchParams(json.flat()) : new URLSearchParams(body.toString('utf8'));
    } catch (error) {
      answerJsonError(response, DYNAMODB_NAMESPACE, error as AwsError);
      return;
    }
    const namespace = service === 'dynamodb' ? DYNAMODB_NAMESPACE : services[service].namespace;
    const params = new QueryParams(form);
    const action = json ? jsonTarget(request) : params.action;
    const readKey = `${service} ${new URLSearchParams([...form].sort(([a], [b]) => a.localeCompare(b)))}`;
    const call: RecordedCall = {
      service,
      action,
      region: scope.region,
      accessKeyId: scope.accessKeyId,
      params: Object.fromEntries(form),
      mutating: service !== 'sts' && !READ_ONLY.test(action),
    };
    calls.push(call);
    for (const waiter of waiters.filter((candidate) => candidate.action === action)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
    if (held.has(action)) return; // never answered: the caller is killed while waiting

    try {
      const { accessKeyId, region } = await verifySignature(request, body, secretOf);
      const caller = callerFor(accessKeyId);
      // IAM notes every authenticated request of a user's key, allowed or not.
      if (iam.activeKey(accessKeyId)) iam.recordKeyUse(accessKeyId, { date: new Date(), service, region });
      const permission = `${service}:${action}`;
      if (service !== 'sts' && (caller !== admin || denied.has(permission))) {
        const resource = resourceOf(service, params, accountId, region);
        throw new AwsError(
          'AccessDenied',
          `User: ${caller.arn} is not authorized to perform: ${permission} on resource: ${resource} because no identity-based policy allows the ${permission} action`,
          403,
        );
      }
      if (service === 'dynamodb') {
        answerJson(
          response,
          200,
          runJsonAction(DYNAMODB_ACTIONS, dynamoDb, action, json ?? new JsonInput({}), { region, caller }),
        );
        return;
      }
      const earlier = answered.get(readKey);
      if (staleNext.has(action) && earlier) {
        staleNext.delete(action);
        call.stale = true;
        return answer(response, earlier.status, earlier.xml);
      }
      const result = resultDocument(namespace, action, services[service].run(action, params, { region, caller }));
      const spoil = spoiled.get(action);
      if (spoil === 'unreadable') return answer(response, 200, '<Create');
      if (spoil === 'server-error')
        throw new AwsError('InternalFailure', 'We encountered an internal error.', 500, 'Receiver');
      if (READ_ONLY.test(action)) answered.set(readKey, { status: 200, xml: result });
      await answersHeld.get(action);
      answer(response, 200, result);
    } catch (error) {
      const awsError =
        error instanceof AwsError ? error : new AwsError('ServiceFailure', (error as Error).message, 500, 'Receiver');
      call.error = awsError.code;
      if (json) answerJsonError(response, namespace, awsError);
      else {
        const xml = errorDocument(namespace, awsError);
        if (READ_ONLY.test(action) && awsError.code !== 'AccessDenied')
          answered.set(readKey, { status: awsError.status, xml });
        answer(response, awsError.status, xml);
      }
    }
  };

  const snapshot = (): FakeAwsSnapshot => ({
    users: [...iam.users.values()].map((user) => ({
      name: user.name,
      tags: Object.fromEntries(user.tags),
      attachedPolicies: [...user.attachedPolicies],
      inlinePolicies: [...user.inlinePolicies.keys()],
      ...(user.permissionsBoundary ? { permissionsBoundary: user.permissionsBoundary } : {}),
      accessKeys: user.accessKeys.map((key) => ({
        id: key.accessKeyId,
        status: key.status,
        ...(key.lastUsed ? { lastUsed: key.lastUsed.date.toISOString() } : {}),
      })),
      loginProfile: user.loginProfile,
    })),
    policies: [...iam.policies.values()].map((policy) => ({
      arn: policy.arn,
      defaultVersionId: policy.defaultVersionId,
      versions: policy.versions.map((version) => version.versionId),
      tags: Object.fromEntries(policy.tags),
    })),
    groups: [...iam.groups.values()].map((group) => ({
      name: group.name,
      path: group.path,
      members: [...group.members],
      attachedPolicies: [...group.attachedPolicies],
      inlinePolicies: [...group.inlinePolicies.keys()],
    })),
    roles: [...iam.roles.values()].map((role) => ({
      name: role.name,
      path: role.path,
      trustPolicy: JSON.parse(role.assumeRolePolicyDocument),
    })),
    sesIdentities: ses.snapshot(),
    sesConfigurationSets: ses.configurationSetsSnapshot(),
    snsTopics: sns.snapshot(),
    dynamoDbTables: dynamoDb.snapshot(),
    mutatingCalls: calls.filter((call) => call.mutating).map((call) => `${call.service}:${call.action}`),
  });

  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/state') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(snapshot(), null, 2)}\n`);
      return;
    }
    handle(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  const listener = await listenOnLoopback(server);
  const { url } = listener;

  return {
    url,
    accountId,
    iam,
    ses,
    sns,
    dynamoDb,
    sts,
    calls,
    mutatingCalls: () => calls.filter((call) => call.mutating),
    deny: (action) => void denied.add(action),
    allow: (action) => void denied.delete(action),
    hold: (action) => void held.add(action),
    holdAnswer: (action) => {
      let letGo = () => {};
      answersHeld.set(action, new Promise<void>((resolve) => (letGo = resolve)));
      return () => {
        answersHeld.delete(action);
        letGo();
      };
    },
    release: (action) => {
      held.delete(action);
      spoiled.delete(action);
    },
    spoilAnswer: (action, how) => void spoiled.set(action, how),
    serveStale: (action) => void staleNext.add(action),
    snapshot,
    nextRequest: (action) => new Promise((resolve) => waiters.push({ action, resolve })),
    secretOf,
    env: () => ({
      AWS_ENDPOINT_URL_IAM: url,
      AWS_ENDPOINT_URL_SES: url,
      AWS_ENDPOINT_URL_SNS: url,
      AWS_ENDPOINT_URL_STS: url,
      AWS_ENDPOINT_URL_DYNAMODB: url,
      AWS_ACCESS_KEY_ID: adminKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: adminKey.secretAccessKey,
    }),
    close: listener.close,
  };
}
