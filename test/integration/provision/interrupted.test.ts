// A provisioning run killed half-way (here: while IAM is attaching the policy, right after
// it created the user) leaves a partial account; running the command again finishes the
// job with exactly one user, one policy and one key. The first run is the real command in
// its own process, killed with SIGKILL, as a closed laptop lid or Ctrl-\ would.

import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const USER = 'AlexaSkillMailSender';

describe('a run interrupted after the user was created', () => {
  const world = useProvisionWorld();

  it('is finished by running the command again', async () => {
    world.fake.hold('AttachUserPolicy');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'ops/provision/main.ts'),
        '--from',
        'sender@example.com',
        '--out',
        world.outFile,
      ],
      {
        cwd: PROJECT_ROOT,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );

    await world.fake.nextRequest('AttachUserPolicy');
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(statuses(printed)).toMatchObject({ policy: 'created', user: 'created' });
    expect(world.fake.iam.users.get(USER)!.attachedPolicies.size).toBe(0);
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(0);
    await expect(stat(world.outFile)).rejects.toThrow();

    world.fake.release('AttachUserPolicy');
    const again = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);

    expect(again.code).toBe(0);
    expect(statuses(again.stdout)).toMatchObject({
      policy: 'exists',
      user: 'exists',
      attachment: 'created',
      'access key': 'created',
      'credentials file': 'created',
    });
    expect(world.fake.iam.users.size).toBe(1);
    expect([...world.fake.iam.policies.values()].map((policy) => policy.name)).toEqual([
      'AlexaSkillMailAccess',
      'AlexaSkillMailGuard',
      'AlexaSkillMailBoundary',
    ]);
    const keys = world.fake.iam.users.get(USER)!.accessKeys;
    expect(keys).toHaveLength(1);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(keys[0]!.accessKeyId);
  });
});
