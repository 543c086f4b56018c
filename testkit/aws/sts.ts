// The STS of the fake account: GetCallerIdentity for whoever signed the request, and AssumeRole of
// a role of its IAM, allowed only as the role's trust policy allows it (trustPolicy.ts), issuing
// session keys that the fake account and the SES stand-in then honour until they expire.

import { randomBytes } from 'node:crypto';
import type { FakeIam } from './iam/state.ts';
import { AwsError, type Caller, type QueryActions } from './protocol.ts';
import { trustPolicyAllows } from './trustPolicy.ts';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Keys of one role session, as AssumeRole issues them (or Lambda gives its function's role). */
export interface StsSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** The role's own ARN: what a trust policy names to let its sessions in. */
  readonly roleArn: string;
  /** arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION: the caller STS and CloudTrail show. */
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
}

// STS's own limits: a session lasts 15 minutes at least, and a chained one an hour at most.
const MIN_DURATION_SECONDS = 900;
const CHAINED_MAX_DURATION_SECONDS = 3_600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:(.*)\/)?([^/]+)$/;

function randomText(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

const validation = (message: string) => new AwsError('ValidationError', message, 400);

export class FakeSts {
  readonly sessions = new Map<string, StsSession>();
  /** Answer every AssumeRole with STS's Throttling error, as a busy STS does, until turned off. */
  throttling = false;
  /** Lifetimes (ms) for the next sessions, in order, in place of what they ask for: to reach an expiry without waiting. */
  private readonly lifetimes: number[] = [];

  constructor(private readonly iam: FakeIam) {}

  /** The next session issued lasts `ms` only (later ones as asked). */
  shortenNextSession(ms: number): void {
    this.lifetimes.push(ms);
  }

  /**
   * Keys of a session of any role, this account's or another's: what Lambda gives a function of
   * that role, such as an Alexa-hosted skill's AlexaHostedSkillLambdaRole in Amazon's account.
   */
  sessionOf(roleArn: string, sessionName: string, lifetimeMs = CHAINED_MAX_DURATION_SECONDS * 1000): StsSession {
    const arn = ROLE_ARN.exec(roleArn);
    if (!arn) throw new Error(`${roleArn} is not a role ARN`);
    const [, partition, account, , name] = arn;
    const session: StsSession = {
      accessKeyId: `ASIA${randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
      secretAccessKey: randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 40),
      sessionToken: randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 120),
      expiration: new Date(Date.now() + lifetimeMs),
      roleArn,
      assumedRoleArn: `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`,
      assumedRoleId: `AROA${randomText('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:${sessionName}`,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  /** A session's keys while they last; an expired session's keys are no longer honoured, as AWS does. */
  activeSession(accessKeyId: string): StsSession | undefined {
    const session = this.sessions.get(accessKeyId);
    return session && session.expiration.getTime() > Date.now() ? session : undefined;
  }

  /** Who the caller is to a trust policy: a session stands for its role, anyone else for their own ARN. */
  private principalOf(caller: Caller): { arn: string; account: string } {
    const session = [...this.sessions.values()].find((candidate) => candidate.assumedRoleArn === caller.arn);
    return { arn: session?.roleArn ?? caller.arn, account: caller.account };
  }

  assumeRole(
    request: { roleArn: string; sessionName: string; durationSeconds?: number; externalId?: string },
    caller: Caller,
  ) {
    if (this.throttling) throw new AwsError('Throttling', 'Rate exceeded', 400);
    if (!SESSION_NAME.test(request.sessionName))
      throw validation(
        `1 validation error detected: Value '${request.sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    const role = [...this.iam.roles.values()].find(
      (candidate) => this.iam.roleArn(candidate.name, candidate.path) === request.roleArn,
    );
    const principal = this.principalOf(caller);
    const allowed =
      role !== undefined &&
      trustPolicyAllows(role.assumeRolePolicyDocument, {
        action: 'sts:AssumeRole',
        principalArn: principal.arn,
        principalAccount: principal.account,
        ...(request.externalId === undefined ? {} : { externalId: request.externalId }),
      });
    // A role that does not exist and one that does not trust the caller get the same answer.
    if (!role || !allowed)
      throw new AwsError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`,
        403,
      );
    const duration = request.durationSeconds ?? CHAINED_MAX_DURATION_SECONDS;
    if (duration < MIN_DURATION_SECONDS)
      throw validation(
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`,
      );
    const chained = caller.arn.includes(':assumed-role/');
    // The role's MaxSessionDuration is an hour here, IAM's default.
    if (duration > CHAINED_MAX_DURATION_SECONDS)
      throw validation(
        chained
          ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
          : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    const session = this.sessionOf(request.roleArn, request.sessionName, this.lifetimes.shift() ?? duration * 1000);
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: session.expiration,
      },
      AssumedRoleUser: { Arn: session.assumedRoleArn, AssumedRoleId: session.assumedRoleId },
    };
  }
}

export const STS_ACTIONS: QueryActions<FakeSts> = {
  GetCallerIdentity: (_state, _params, { caller }) => ({
    Arn: caller.arn,
    UserId: caller.userId,
    Account: caller.account,
  }),
  AssumeRole: (sts, params, { caller }) => {
    const duration = params.optional('DurationSeconds');
    const externalId = params.optional('ExternalId');
    return sts.assumeRole(
      {
        roleArn: params.required('RoleArn'),
        sessionName: params.required('RoleSessionName'),
        ...(duration === undefined ? {} : { durationSeconds: Number(duration) }),
        ...(externalId === undefined ? {} : { externalId }),
      },
      caller,
    );
  },
};

export const unknownStsAction = (action: string) =>
  new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
