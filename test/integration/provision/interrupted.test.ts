// A provisioning run killed half-way (here: while IAM is attaching the policy, right after
// it created the user) leaves a partial account; running the command again finishes the
// job with exactly one user, one policy and one key. The first run is the command in its own
// process, killed with SIGKILL, as a closed laptop lid or Ctrl-\ would. Between CreateAccessKey
// and the key file, Ctrl-C waits for the file, and a key left by a kill there is deleted by the
// next run (or by --teardown). The killed runs are dist/provision.cjs, built once: the same code
// in one file, which a process starts for a fifth of what tsx's loader costs (timeouts.test.ts
// runs `node --import tsx ops/provision/main.ts` itself).

import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { pendingKeyPath } from '../../../ops/pendingKey.ts';
import { useProvisionBundle } from '../../helpers/provisionBundle.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const USER = 'AlexaSkillMailSender';

const built = useProvisionBundle();

describe('a run interrupted after the user was created', () => {
  const world = useProvisionWorld();

  it('is finished by running the command again', async () => {
    world.fake.hold('AttachUserPolicy');
    const run = startProvisioning(world.outFile);

    await world.fake.nextRequest('AttachUserPolicy');
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');

    expect(statuses(run.output.stdout)).toMatchObject({ policy: 'created', user: 'created' });
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

/** The provisioning command, as the built dist/provision.cjs, in its own process, with its output collected. */
function startProvisioning(outFile: string) {
  const child = spawn(process.execPath, [built().bundle, '--from', 'sender@example.com', '--out', outFile], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  const stderrSays = (text: string) =>
    new Promise<void>((resolve) => {
      const listen = (chunk: Buffer) => {
        output.stderr += chunk.toString();
        if (output.stderr.includes(text)) {
          child.stderr.off('data', listen);
          resolve();
        }
      };
      child.stderr.on('data', listen);
    });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, stderrSays, exited };
}

describe('a run interrupted between CreateAccessKey and the key file', () => {
  const world = useProvisionWorld();

  it('leaves a key that the next run says nobody holds and deletes, instead of advising --adopt', async () => {
    const letGo = world.fake.holdAnswer('CreateAccessKey');
    const run = startProvisioning(world.outFile);
    await world.fake.nextRequest('CreateAccessKey');
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    letGo(); // for the next run's CreateAccessKey; the killed one's answer goes nowhere

    const [orphan] = world.fake.iam.users.get(USER)!.accessKeys;
    expect(orphan).toBeDefined();
    await expect(stat(world.outFile)).rejects.toThrow();

    const again = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `  unsaved key        warning       ${orphan!.accessKeyId} was created by a run interrupted at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC before it wrote \\S+AlexaSkillMailSender\\.json, so nobody holds its secret: it is deleted\\n`,
      ),
    );
    expect(again.stdout).toContain(
      `  unsaved key        deleted       ${orphan!.accessKeyId}, which nobody could use\n`,
    );
    expect(again.stdout).not.toContain('--adopt');
    expect(statuses(again.stdout)).toMatchObject({ 'access key': 'created', 'credentials file': 'created' });
    const keys = world.fake.iam.users.get(USER)!.accessKeys;
    expect(keys.map((key) => key.accessKeyId)).not.toContain(orphan!.accessKeyId);
    expect(keys).toHaveLength(1);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(keys[0]!.accessKeyId);

    const third = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);
    expect(third.stdout).not.toContain('unsaved key');
    expect(statuses(third.stdout)['access key']).toBe('exists');
  });

  it('still refuses a key someone else made meanwhile, which the interrupted run did not', async () => {
    world.fake.holdAnswer('CreateAccessKey');
    const run = startProvisioning(world.outFile);
    await world.fake.nextRequest('CreateAccessKey');
    run.child.kill('SIGKILL');
    await run.exited;
    // A second key, dated within the same minutes: two candidates, so neither is taken for the run's.
    world.fake.iam.addAccessKey(USER);

    const again = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);

    expect(again.code).toBe(1);
    expect(statuses(again.stdout)['other access key']).toBe('refused');
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(2);
  });

  it('leaves a key that --teardown deletes with the rest, and the note with the key file', async () => {
    const letGo = world.fake.holdAnswer('CreateAccessKey');
    const run = startProvisioning(world.outFile);
    await world.fake.nextRequest('CreateAccessKey');
    run.child.kill('SIGKILL');
    await run.exited;
    letGo();
    const [orphan] = world.fake.iam.users.get(USER)!.accessKeys;

    const removed = await world.run(['--teardown', '--yes', '--out', world.outFile]);

    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(
      `  access key         deleted       ${orphan!.accessKeyId} (made by an interrupted run and never saved: nobody holds its secret)\n`,
    );
    expect(world.fake.iam.users.size).toBe(0);
    await expect(stat(pendingKeyPath(world.outFile))).rejects.toThrow();
  });

  it('writes the key file when Ctrl-C comes in that window, then stops', async () => {
    const letGo = world.fake.holdAnswer('CreateAccessKey');
    const run = startProvisioning(world.outFile);
    await world.fake.nextRequest('CreateAccessKey');
    const deferred = run.stderrSays('Interrupted: finishing');
    run.child.kill('SIGINT');
    await deferred;
    letGo();

    expect((await run.exited).signal).toBe('SIGINT');
    expect(run.output.stderr).toContain('AlexaSkillMailSender.json for the new access key first, then stopping.');
    const keys = world.fake.iam.users.get(USER)!.accessKeys;
    expect(keys).toHaveLength(1);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(keys[0]!.accessKeyId);

    const again = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);
    expect(again.code).toBe(0);
    expect(statuses(again.stdout)['access key']).toBe('exists');
    expect(again.stdout).not.toContain('unsaved key');
  });
});
