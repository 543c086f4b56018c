// Shared arrangement for the provisioning tests: a fresh in-memory AWS account per test,
// the SDK pointed at it through its standard variables (and nowhere else: no profile
// files, no instance metadata), a private folder for the credentials file, and the
// command run in-process with its output captured, and its pauses before reading IAM again
// returning at once unless the test hands in its own.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { createAwsCaller } from '../../ops/provision/awsCalls.ts';
import type { AwsClients } from '../../ops/provision/awsClients.ts';
import { type CliIo, runCli } from '../../ops/provision/cli.ts';
import type { StepContext } from '../../ops/provision/context.ts';
import type { ProvisionOptions } from '../../ops/provision/options.ts';
import { Reporter } from '../../ops/provision/print.ts';
import { type FakeAws, startFakeAws } from '../../testkit/aws/server.ts';
import { declareTestSecret } from './outputCapture.ts';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_SES',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
] as const;

/** Replaces every AWS_* variable the SDK reads with exactly these; returns the undo. */
export function setAwsEnvironment(variables: Record<string, string>, folder: string): () => void {
  const saved = Object.fromEntries(AWS_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, {
    // No profile files and no instance metadata: only what the test sets can sign requests.
    AWS_CONFIG_FILE: join(folder, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...variables,
  });
  return () => {
    for (const name of AWS_VARIABLES) {
      const value = saved[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

export interface ProvisionWorld {
  readonly fake: FakeAws;
  /** A private folder for this test. */
  readonly folder: string;
  /** The --out file of this test (inside `folder`). */
  readonly outFile: string;
  run(args: readonly string[], io?: Partial<Pick<CliIo, 'stdin' | 'clientOptions' | 'wait'>>): Promise<RunResult>;
}

/** Every secret the fake account has handed out: none may ever appear in any output. */
function secretsOf(fake: FakeAws): string[] {
  return [...fake.iam.users.values()].flatMap((user) => user.accessKeys.map((key) => key.secretAccessKey));
}

const everySecretEverIssued = new Set<string>();

export async function runProvisionCommand(
  fake: FakeAws,
  args: readonly string[],
  io: Partial<Pick<CliIo, 'stdin' | 'clientOptions' | 'wait'>> = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
    },
    env: process.env,
    wait: async () => {},
    ...io,
  });
  for (const secret of secretsOf(fake)) {
    everySecretEverIssued.add(secret);
    declareTestSecret(secret);
  }
  for (const secret of everySecretEverIssued) {
    expect(stdout, 'a secret access key reached the standard output').not.toContain(secret);
    expect(stderr, 'a secret access key reached the standard error').not.toContain(secret);
  }
  return { code, stdout, stderr };
}

/** Registers a fresh fake account and folder for each test of the calling file. */
export function useProvisionWorld(): ProvisionWorld {
  let fake: FakeAws | undefined;
  let folder = '';
  let restore = () => {};
  beforeEach(async () => {
    fake = await startFakeAws();
    folder = await mkdtemp(join(tmpdir(), 'provision-'));
    restore = setAwsEnvironment(fake.env(), folder);
  });
  afterEach(async () => {
    restore();
    await fake?.close();
    await rm(folder, { recursive: true, force: true });
  });
  return {
    get fake() {
      if (!fake) throw new Error('The fake AWS account exists only inside a test.');
      return fake;
    },
    get folder() {
      return folder;
    },
    get outFile() {
      return join(folder, '.secrets', 'AlexaSkillMailSender.json');
    },
    run(args, io) {
      if (!fake) throw new Error('The fake AWS account exists only inside a test.');
      return runProvisionCommand(fake, args, io);
    },
  };
}

/** The default version of AlexaSkillMailAccess in the fake account, parsed; `undefined` while there is none. */
export function policyDocumentIn(world: ProvisionWorld): unknown {
  const policy = world.fake.iam.policies.get(`arn:aws:iam::${world.fake.accountId}:policy/AlexaSkillMailAccess`);
  const version = policy?.versions.find((candidate) => candidate.versionId === policy.defaultVersionId);
  return version ? JSON.parse(version.document) : undefined;
}

/** The status column of each step line, by step name (the last line of that step wins). */
export function statuses(stdout: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^ {2}(.{18}) (.{13}) /.exec(line);
    if (match?.[1] && match[2]) result[match[1].trim()] = match[2].trim();
  }
  return result;
}

/** How the output shows a key this tool did not save: its first four and last four characters. */
export function shownKeyId(accessKeyId: string): string {
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/**
 * What a plan is applied with in a unit test: stand-in AWS clients that answer each change from
 * `answers` (by permission, "iam:CreatePolicy") and refuse any read, since a plan reads nothing.
 */
export function standInContext(
  options: ProvisionOptions,
  answers: Record<string, unknown> = {},
): { context: StepContext; calls: string[]; printed: () => string } {
  const output: string[] = [];
  const calls: string[] = [];
  const client = (service: string) => ({
    send: async (command: object) => {
      const permission = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
      if (!(permission in answers) && !/:(Create|Delete|Verify|Attach|Detach|Remove|Put|Update|Tag)/.test(permission))
        throw new Error(`a plan reads nothing, yet ${permission} was sent`);
      calls.push(permission);
      return answers[permission] ?? {};
    },
  });
  const names = { iam: 'iam', iamSingleAttempt: 'iam', ses: 'ses', sns: 'sns', sts: 'sts', dynamoDb: 'dynamodb' };
  const clients = Object.fromEntries(
    Object.entries(names).map(([key, service]) => [key, client(service)]),
  ) as unknown as AwsClients;
  const report = new Reporter({ write: (text) => output.push(text) }, { write: (text) => output.push(text) }, false);
  const context = { options, clients, aws: createAwsCaller(options, clients), report, wait: async () => {} };
  return { context, calls, printed: () => output.join('') };
}

/** The step lines of the output, without the heading and the summary. */
export function stepLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('  '));
}
