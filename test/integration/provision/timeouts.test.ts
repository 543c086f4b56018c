// Provisioning never waits for ever: with AWS_ENDPOINT_URL_SES left pointing at an SES stand-in
// that takes the connection and never answers (as after `npm start`), the real command, in its
// own process, says which endpoint overrides are in effect, then exits 1 with one sentence naming
// the service, the endpoint and the variable that set it.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { useProvisionWorld } from '../../helpers/provisionHarness.ts';
import { startSilentServer } from '../../helpers/silentServer.ts';
import { runTsxCommand } from '../../helpers/tsxCommand.ts';

describe('an SES endpoint that never answers', () => {
  const world = useProvisionWorld();
  let close = async () => {};
  afterEach(async () => {
    delete process.env.AWS_ENDPOINT_URL_SES;
    delete process.env.PROVISION_AWS_TIMEOUT_MS;
    await close();
  });

  it('ends the run with one sentence naming SES, its endpoint and AWS_ENDPOINT_URL_SES', async () => {
    const ses = await startSilentServer();
    close = ses.close;
    process.env.AWS_ENDPOINT_URL_SES = ses.url;
    process.env.PROVISION_AWS_TIMEOUT_MS = '300';

    const result = await runTsxCommand(join(PROJECT_ROOT, 'ops/provision/main.ts'), [
      '--from',
      'sender@example.com',
      '--out',
      world.outFile,
    ]);

    expect(result.code).toBe(1);
    expect(ses.accepted()).toBeGreaterThan(0);
    const iam = world.fake.env().AWS_ENDPOINT_URL_IAM;
    const header = result.stdout.split('\n')[0];
    expect(header).toMatch(
      /^Provisioning AlexaSkillMailSender to send as s\*\*\*@example\.com through SES in us-east-1 \(endpoint overrides: /,
    );
    expect(header).toContain(`IAM at ${iam} from AWS_ENDPOINT_URL_IAM; SES at ${ses.url} from AWS_ENDPOINT_URL_SES;`);
    expect(result.stderr.trim()).toBe(
      `The SES endpoint ${ses.url} (set by AWS_ENDPOINT_URL_SES) did not answer GetIdentityVerificationAttributes within 0.3 s: start what should answer there, or unset AWS_ENDPOINT_URL_SES to reach AWS itself.`,
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
  });
});
