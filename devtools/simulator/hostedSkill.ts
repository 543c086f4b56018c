// `--hosted`: the simulator's skill as an Alexa-hosted skill runs it. The bundle `npm run hosted`
// exports, configured with a role, in the environment Amazon gives a hosted Lambda: its execution
// role's keys (from the fake AWS, as another account's), which assume the owner's role through the
// fake STS; the mail goes to the SES stand-in signed with the session's keys; the daily cap is
// counted in the hosted skill's own table on dynalite.

import { join } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { buildHostedLambda } from '../../ops/hosted/bundle.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import type { SesStandIn } from '../../testkit/aws/ses/standIn.ts';
import { startHostedWorld } from '../../testkit/hosted.ts';

interface HostedSkillOptions {
  readonly skillId: string;
  readonly fromAddress: string;
  readonly limit: number;
  /** Where the hosted tree is written (default dist/hosted): its lambda/index.js is loaded. */
  readonly dir?: string | undefined;
  readonly progress: (line: string) => void;
}

interface HostedSkill {
  readonly ses: SesStandIn;
  readonly bundleFile: string;
  /** The hosted Lambda's environment, for the bundle's cold start. */
  readonly environment: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startHostedSkill(options: HostedSkillOptions): Promise<HostedSkill> {
  options.progress('Starting the local AWS account (STS with the role to assume), SES and the hosted table…');
  const world = await startHostedWorld();
  try {
    const lambdaDir = join(options.dir ?? join(PROJECT_ROOT, 'dist/hosted'), 'lambda');
    options.progress('Building the hosted bundle (npm run hosted) …');
    await buildHostedLambda(lambdaDir, {
      ...world.embedded,
      [ENV.skillId]: options.skillId,
      [ENV.fromAddress]: options.fromAddress,
    });
    options.progress(`Sending through the role ${world.roleArn}, assumed as the hosted skill's execution role.`);
    return {
      ses: world.ses,
      bundleFile: join(lambdaDir, 'index.js'),
      environment: {
        ...world.lambdaEnvironment(),
        [ENV.mailLimitPerUserPerDay]: String(options.limit),
        // This machine's Node is not the hosted runtime's; the SDK's warning about it says nothing here.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      close: world.close,
    };
  } catch (error) {
    await world.close();
    throw error;
  }
}
