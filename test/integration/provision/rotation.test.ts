// Key rotation in two phases, against the in-memory IAM/STS: --rotate-key adds the new key
// and leaves the old one working for the deployed skill; --retire-old-key deletes the old
// one only once IAM has seen the new key sign a request (or with --yes), and never a key
// this tool did not create. Signing is done with the real SDK and the keys' own secrets,
// as the redeployed skill would.

import { readFile, rm, stat } from 'node:fs/promises';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { credentialsCsvPath, readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { parseCommand } from '../../../ops/provision/options.ts';
import { savedKeysPath } from '../../../ops/savedKeys.ts';
import type { FakeAccessKey } from '../../../testkit/aws/iam/state.ts';
import { shownKeyId, statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const USER_ARN = 'arn:aws:iam::123456789012:user/AlexaSkillMailSender';

/** Who the stand-in says signed a request made with this key, or the error code it answered. */
async function signWith(key: FakeAccessKey): Promise<string> {
  const sts = new STSClient({
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '(no ARN)';
  } catch (error) {
    return (error as { Code?: string; name: string }).Code ?? (error as Error).name;
  } finally {
    sts.destroy();
  }
}

describe('key rotation', () => {
  const world = useProvisionWorld();
  const keys = () => world.fake.iam.users.get(USER)?.accessKeys ?? [];
  const mutatingSince = (index: number) =>
    world.fake.calls
      .slice(index)
      .filter((call) => call.mutating)
      .map((call) =>
        `${call.action} ${call.params.AccessKeyId ?? call.params['TagKeys.member.1'] ?? ''} ${call.params.Status ?? ''}`.trim(),
      );

  /** Provisions, then rotates; returns the two keys and what the rotation printed. */
  async function provisionAndRotate() {
    expect((await world.run(['--from', FROM, '--out', world.outFile])).code).toBe(0);
    const oldKey = keys()[0]!;
    const rotation = await world.run(['--from', FROM, '--out', world.outFile, '--rotate-key']);
    expect(rotation.code).toBe(0);
    const newKey = keys().find((key) => key !== oldKey)!;
    return { oldKey, newKey, rotation };
  }

  it('--rotate-key adds a second working key, writes it to the private file, and leaves the old key active', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const oldKey = keys()[0]!;
    const callsBefore = world.fake.calls.length;

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--rotate-key']);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(keys()).toHaveLength(2);
    const newKey = keys()[1]!;
    expect(keys().map((key) => key.status)).toEqual(['Active', 'Active']);
    expect(mutatingSince(callsBefore)).toEqual(['CreateAccessKey', 'TagUser']);
    expect(await readCredentialsFile(world.outFile)).toEqual({
      SES_ACCESS_KEY_ID: newKey.accessKeyId,
      SES_SECRET_ACCESS_KEY: newKey.secretAccessKey,
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: FROM,
    });
    expect(await readFile(credentialsCsvPath(world.outFile), 'utf8')).toBe(
      `Access key ID,Secret access key\n${newKey.accessKeyId},${newKey.secretAccessKey}\n`,
    );
    expect((await stat(world.outFile)).mode & 0o777).toBe(0o600);
    expect((await stat(credentialsCsvPath(world.outFile))).mode & 0o777).toBe(0o600);
    const tags = world.fake.iam.users.get(USER)!.tags;
    expect(tags.get(oldKey.accessKeyId)).toMatch(/^Saved by alexa-ses-mailer/);
    expect(tags.get(newKey.accessKeyId)).toMatch(/^Saved by alexa-ses-mailer/);

    // The deployed skill still has the old key: it must keep working until the redeploy.
    expect(await signWith(oldKey)).toBe(USER_ARN);
    expect(await signWith(newKey)).toBe(USER_ARN);

    expect(statuses(result.stdout)).toMatchObject({
      'access key': 'created',
      'credentials file': 'updated',
      'old access key': 'exists',
    });
    expect(result.stdout).toContain(
      `${oldKey.accessKeyId} (active) is kept, so the deployed skill keeps sending until it is redeployed with the new key`,
    );
    expect(result.stdout).toContain(
      `Next: redeploy the skill now (\`ALEXA_MAILER_CREDENTIALS_FILE=${world.outFile} npx ask deploy\`) so that it sends with the new key ${newKey.accessKeyId}; the old key ${oldKey.accessKeyId} stays active until you retire it`,
    );
    expect(result.stdout).toContain(
      `Then, once the redeployed skill has sent a mail, retire the old key: \`npm run provision -- --retire-old-key --out ${world.outFile}\``,
    );
  });

  it('--rotate-key --dry-run plans the new key and keeps the old one, calling no mutating API', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const before = await readFile(world.outFile, 'utf8');
    const callsBefore = world.fake.calls.length;

    const result = await world.run(['--from', FROM, '--out', world.outFile, '--rotate-key', '--dry-run']);

    expect(result.code).toBe(0);
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(statuses(result.stdout)).toMatchObject({
      'access key': 'would create',
      'credentials file': 'would update',
      'old access key': 'exists',
    });
    expect(keys()).toHaveLength(1);
    expect(await readFile(world.outFile, 'utf8')).toBe(before);
  });

  it('--rotate-key refuses a third key while the previous rotation is unfinished, and says how to finish it', async () => {
    const { oldKey, newKey } = await provisionAndRotate();
    const callsBefore = world.fake.calls.length;

    const again = await world.run(['--from', FROM, '--out', world.outFile, '--rotate-key']);

    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `${USER} already has two access keys, ${newKey.accessKeyId} (in ${world.outFile}) and ${oldKey.accessKeyId} (left from the last --rotate-key), and IAM allows no third; finish that rotation first (\`ALEXA_MAILER_CREDENTIALS_FILE=${world.outFile} npx ask deploy\` if the skill does not have the new key yet, then \`npm run provision -- --retire-old-key --out ${world.outFile}\`), then run --rotate-key again.`,
    );
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(world.fake.calls.slice(callsBefore).map((call) => call.action)).not.toContain('CreateAccessKey');
    expect(keys()).toHaveLength(2);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(newKey.accessKeyId);
  });

  it('a plain run between the two phases changes nothing and reminds that the old key is still there', async () => {
    const { oldKey } = await provisionAndRotate();
    const callsBefore = world.fake.calls.length;

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(statuses(result.stdout)['old access key']).toBe('warning');
    expect(result.stdout).toContain(
      `then retire the old key ${oldKey.accessKeyId}: \`npm run provision -- --retire-old-key --out ${world.outFile}\``,
    );
  });

  it('--retire-old-key refuses while the new key has never signed a request, and changes nothing', async () => {
    const { oldKey, newKey } = await provisionAndRotate();
    const callsBefore = world.fake.calls.length;

    const result = await world.run(['--retire-old-key', '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `The new key ${newKey.accessKeyId} has never been used, so the deployed skill may still be sending with ${oldKey.accessKeyId}; redeploy (\`ALEXA_MAILER_CREDENTIALS_FILE=${world.outFile} npx ask deploy\`), let the skill send one mail and run this again, or pass --yes to retire the old key anyway.`,
    );
    expect(statuses(result.stdout)['new key in use']).toBe('warning');
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(keys().map((key) => key.status)).toEqual(['Active', 'Active']);
    expect(await signWith(oldKey)).toBe(USER_ARN);
  });

  it('--retire-old-key, run exactly as the rotation printed it, deletes the old key once the new one has signed a request', async () => {
    const { oldKey, newKey, rotation } = await provisionAndRotate();
    const printed = /retire the old key: `npm run provision -- ([^`]+)`/.exec(rotation.stdout)?.[1];
    expect(printed).toBeDefined();
    const fileBefore = await readFile(world.outFile, 'utf8');
    expect(await signWith(newKey)).toBe(USER_ARN); // the redeployed skill sends with it
    const callsBefore = world.fake.calls.length;

    const result = await world.run(printed!.split(' '));

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(mutatingSince(callsBefore)).toEqual([
      `UpdateAccessKey ${oldKey.accessKeyId} Inactive`,
      `DeleteAccessKey ${oldKey.accessKeyId}`,
      `UntagUser ${oldKey.accessKeyId}`,
    ]);
    expect(keys().map((key) => key.accessKeyId)).toEqual([newKey.accessKeyId]);
    expect(world.fake.iam.users.get(USER)!.tags.has(oldKey.accessKeyId)).toBe(false);
    expect(await readFile(world.outFile, 'utf8')).toBe(fileBefore);
    expect(await signWith(oldKey)).toBe('InvalidClientTokenId');
    expect(await signWith(newKey)).toBe(USER_ARN);
    expect(statuses(result.stdout)).toEqual({
      account: 'checked',
      'access key': 'exists',
      'new key in use': 'checked',
      'old access key': 'deleted',
    });
    expect(result.stdout).toMatch(
      new RegExp(`${newKey.accessKeyId} last used \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(sts in us-east-1\\)`),
    );
    expect(result.stdout).toContain(
      `Done: ${oldKey.accessKeyId} is deleted; the key this tool keeps for ${USER} is ${newKey.accessKeyId}`,
    );

    const again = await world.run(['--retire-old-key', '--out', world.outFile]);
    expect(again.code).toBe(0);
    expect(statuses(again.stdout)['old access key']).toBe('skipped');
    expect(again.stdout).toContain('Nothing to retire');
  });

  it('--retire-old-key --yes retires the old key even though the new one was never used', async () => {
    const { oldKey, newKey } = await provisionAndRotate();

    const result = await world.run(['--retire-old-key', '--out', world.outFile, '--yes']);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)).toMatchObject({ 'new key in use': 'warning', 'old access key': 'deleted' });
    expect(keys().map((key) => key.accessKeyId)).toEqual([newKey.accessKeyId]);
    expect(await signWith(oldKey)).toBe('InvalidClientTokenId');
  });

  it('--retire-old-key --dry-run shows what it would delete and calls no mutating API', async () => {
    const { oldKey, newKey } = await provisionAndRotate();
    const callsBefore = world.fake.calls.length;

    const unused = await world.run(['--retire-old-key', '--out', world.outFile, '--dry-run']);

    expect(unused.code).toBe(0);
    expect(statuses(unused.stdout)).toMatchObject({ 'new key in use': 'warning', 'old access key': 'would delete' });
    expect(unused.stdout).toContain(`${oldKey.accessKeyId} (active, never used): deactivate, then delete`);
    expect(unused.stdout).toContain(`A real run would refuse while ${newKey.accessKeyId} has never been used`);

    await signWith(newKey);
    const used = await world.run(['--retire-old-key', '--out', world.outFile, '--dry-run']);

    expect(used.code).toBe(0);
    expect(statuses(used.stdout)).toMatchObject({ 'new key in use': 'checked', 'old access key': 'would delete' });
    expect(used.stdout).toContain(
      'Dry run: nothing was changed. Run the same command without --dry-run to retire these keys.',
    );
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(keys().map((key) => key.status)).toEqual(['Active', 'Active']);
  });

  it('--retire-old-key never deletes a key this tool did not create, even on the user it created', async () => {
    await world.run(['--from', FROM, '--out', world.outFile]);
    const ours = keys()[0]!;
    const byHand = world.fake.iam.addAccessKey(USER); // an administrator's own key for the user
    await signWith(ours);
    const callsBefore = world.fake.calls.length;

    const result = await world.run(['--retire-old-key', '--out', world.outFile, '--yes']);

    expect(result.code).toBe(0);
    expect(mutatingSince(callsBefore)).toEqual([]);
    expect(keys().map((key) => [key.accessKeyId, key.status])).toEqual([
      [ours.accessKeyId, 'Active'],
      [byHand.accessKeyId, 'Active'],
    ]);
    expect(result.stdout).toContain(`${shownKeyId(byHand.accessKeyId)} was not saved by this tool: left in place`);
    expect(result.stdout).toContain(`Nothing to retire: ${ours.accessKeyId} is the only key this tool created.`);
  });

  it('--retire-old-key leaves the old key alone when the record beside the key file is gone (nothing says this tool made it)', async () => {
    const { oldKey, newKey } = await provisionAndRotate();
    await rm(savedKeysPath(world.outFile));
    await signWith(newKey);

    const result = await world.run(['--retire-old-key', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(keys().map((key) => key.accessKeyId)).toEqual([oldKey.accessKeyId, newKey.accessKeyId]);
    expect(statuses(result.stdout)).toMatchObject({ 'other access key': 'skipped', 'old access key': 'skipped' });
  });

  it('--retire-old-key --json prints one document with the kept key and the steps, never the secret', async () => {
    const { oldKey, newKey } = await provisionAndRotate();
    await signWith(newKey);

    const result = await world.run(['--retire-old-key', '--out', world.outFile, '--json']);

    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { steps: { step: string; status: string; detail: string }[] };
    expect(document).toMatchObject({
      ok: true,
      mode: 'retire-old-key',
      dryRun: false,
      changed: true,
      accessKeyId: newKey.accessKeyId,
      credentialsFile: world.outFile,
    });
    expect(document.steps.map((step) => `${step.step}: ${step.status}`)).toEqual([
      'account: checked',
      'access key: exists',
      'new key in use: checked',
      'old access key: deleted',
    ]);
    expect(document.steps[3]!.detail).toContain(oldKey.accessKeyId);
    expect(result.stdout).not.toContain(newKey.secretAccessKey);
    expect(result.stdout).not.toContain(oldKey.secretAccessKey);

    const afterwards = await world.run(['--retire-old-key', '--out', world.outFile, '--json', '--dry-run']);
    expect(JSON.parse(afterwards.stdout)).toMatchObject({
      ok: true,
      changed: false,
      steps: [
        { step: 'account' },
        { step: 'access key', status: 'exists' },
        { step: 'old access key', status: 'skipped' },
      ],
    });
  });

  it('--retire-old-key refuses without a credentials file, since it would not know which key to keep', async () => {
    await provisionAndRotate();

    const result = await world.run(['--retire-old-key', '--out', `${world.folder}/missing.json`]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `${world.folder}/missing.json does not exist, so there is no new key to keep; pass the --out FILE that --rotate-key wrote.`,
    );
    expect(keys()).toHaveLength(2);
  });

  it('names iam:GetAccessKeyLastUsed when the administrator lacks it', async () => {
    await provisionAndRotate();
    world.fake.deny('iam:GetAccessKeyLastUsed');

    const result = await world.run(['--retire-old-key', '--out', world.outFile]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Access denied: your AWS credentials lack the permission iam:GetAccessKeyLastUsed, needed to check that the new access key is in use before the old one is retired (--retire-old-key); docs/provisioning.md lists every permission this command needs.',
    );
    expect(keys()).toHaveLength(2);
  });

  it('will not rotate and retire in one run, which is what would cut off the deployed skill', async () => {
    const result = await world.run(['--from', FROM, '--rotate-key', '--retire-old-key']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--retire-old-key takes only --region, --profile, --out, --dry-run, --yes and --json; run it after --rotate-key and a redeploy, not with them.',
    );
    expect(world.fake.calls).toEqual([]);
    expect(() => parseCommand(['--retire-old-key', '--teardown'], {})).toThrow('--teardown takes only');
  });
});
