// The deployed function's runtime, against what the benchmark assumes of it (ops/build/lambdaRuntime.ts):
// the V8 flags Lambda's launcher passes for the function's memory size. Skipped unless ALEXA_MAILER_LIVE_LAMBDA=1, AWS credentials are
// present and `ask deploy` has recorded the function; the skip message says how to run it. It
// changes the function's description, which starts fresh execution environments, then reads the
// cold start's log line through one direct invocation with a LaunchRequest.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { ASK_STATES_FILE, readSkillId } from '../../ops/askStates.ts';
import { lambdaNodeArguments, v8FlagsOf } from '../../ops/build/lambdaRuntime.ts';
import { launchRequest } from '../../testkit/envelopes.ts';

const HOW_TO_RUN =
  'npx ask deploy, then ALEXA_MAILER_LIVE_LAMBDA=1 AWS_PROFILE=the-profile-ask-deploys-with npx vitest run test/live/lambdaRuntime.test.ts';

/** Credentials the SDK's chain would find without asking the network: variables, a profile, or the AWS CLI's files. */
function credentialsPresent(): boolean {
  if (process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE) return true;
  return [join(homedir(), '.aws', 'credentials'), join(homedir(), '.aws', 'config')].some((file) => existsSync(file));
}

type AskStates = {
  profiles?: Record<
    string,
    { skillInfrastructure?: Record<string, { deployState?: { default?: { lambda?: { arn?: string } } } }> }
  >;
};

/** The function `ask deploy` created: deployState.default.lambda.arn of the lambda-deployer. */
async function deployedFunction(): Promise<string | undefined> {
  try {
    const states = JSON.parse(await readFile(ASK_STATES_FILE, 'utf8')) as AskStates;
    return Object.values(states.profiles ?? {})
      .map((profile) => profile.skillInfrastructure?.['@ask-cli/lambda-deployer']?.deployState?.default?.lambda?.arn)
      .find((arn) => typeof arn === 'string');
  } catch {
    return undefined;
  }
}

const switchedOn = process.env.ALEXA_MAILER_LIVE_LAMBDA === '1';
const functionArn = await deployedFunction();
const runnable = switchedOn && credentialsPresent() && functionArn !== undefined;
if (!runnable) {
  const missing = !switchedOn
    ? 'ALEXA_MAILER_LIVE_LAMBDA=1 is not set'
    : !credentialsPresent()
      ? 'no AWS credentials were found'
      : '.ask/ask-states.json names no deployed function';
  console.info(`Live Lambda runtime check skipped (${missing}). To run it:\n  ${HOW_TO_RUN}`);
}

describe.skipIf(!runnable)(`the deployed function's runtime (run with: ${HOW_TO_RUN})`, () => {
  it('runs with the V8 flags the benchmark measures with', async () => {
    const region = functionArn!.split(':')[3];
    const lambda = new LambdaClient(region ? { region } : {});
    const skill = await readSkillId();
    const { MemorySize } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionArn }));
    // A configuration change retires the warm environments: the next invocation is a cold start.
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: functionArn,
        Description: `alexa-ses-mailer, runtime checked ${new Date().toISOString()}`,
      }),
    );
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 120 }, { FunctionName: functionArn });
    const envelope = launchRequest(skill.skillId ? { skillId: skill.skillId } : {});
    const invoked = await lambda.send(
      new InvokeCommand({ FunctionName: functionArn, LogType: 'Tail', Payload: JSON.stringify(envelope) }),
    );
    lambda.destroy();
    const log = Buffer.from(invoked.LogResult ?? '', 'base64').toString('utf8');
    const lines = log
      .split('\n')
      .map((line) => line.slice(line.indexOf('{')))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, string>);
    const coldStart = lines.find((line) => line.event === 'cold-start');
    console.info(`The deployed function's cold start: ${JSON.stringify(coldStart)}`);
    expect(coldStart, log).toBeDefined();
    const execArgv = (coldStart?.execArgv ?? '').split(' ');
    for (const flag of v8FlagsOf(lambdaNodeArguments(MemorySize ?? 0))) expect(execArgv).toContain(flag);
  }, 180_000);
});
