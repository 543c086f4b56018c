// A run with another --from (a typo fixed, a new address) or --region keeps the key: it scopes the
// policy to the new sender (a new default version, the old one deleted), rewrites the key file's
// sender and region with the same key, and asks for a redeploy, since the deployed skill embeds the old ones.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { credentialsCsvPath, readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { policyDocumentIn, statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const USER = 'AlexaSkillMailSender';
const POLICY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;

describe('a run with another --from', () => {
  const world = useProvisionWorld();

  it('shows in a dry run that it updates the policy and the key file and creates no key, changing nothing', async () => {
    await world.run(['--from', 'sender@exmaple.com', '--out', world.outFile]);
    const written = await readFile(world.outFile, 'utf8');
    const before = world.fake.mutatingCalls().length;

    const dryRun = await world.run(['--from', 'sender@example.com', '--out', world.outFile, '--dry-run']);

    expect(dryRun.code).toBe(0);
    expect(statuses(dryRun.stdout)).toMatchObject({
      policy: 'would update',
      'access key': 'exists',
      'credentials file': 'would update',
    });
    expect(dryRun.stdout).toMatch(
      /credentials file {3}would update {2}\S+AlexaSkillMailSender\.json: SES_FROM_ADDRESS s\*\*\*@exmaple\.com → s\*\*\*@example\.com; the key is kept\n/,
    );
    expect(world.fake.mutatingCalls()).toHaveLength(before);
    expect(await readFile(world.outFile, 'utf8')).toBe(written);
  });

  it('scopes the policy to the new sender, keeps the key, rewrites the file’s sender and asks for a redeploy', async () => {
    await world.run(['--from', 'sender@exmaple.com', '--out', world.outFile]);
    const first = await readCredentialsFile(world.outFile);
    const csv = await readFile(credentialsCsvPath(world.outFile), 'utf8');
    const before = world.fake.mutatingCalls().length;

    const result = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(statuses(result.stdout)).toMatchObject({
      policy: 'updated',
      'access key': 'exists',
      'credentials file': 'updated',
    });
    const calls = world.fake
      .mutatingCalls()
      .slice(before)
      .map((call) => call.action);
    expect(calls).not.toContain('CreateAccessKey');
    expect(calls).toEqual(expect.arrayContaining(['CreatePolicyVersion', 'DeletePolicyVersion']));

    expect(world.fake.iam.users.get(USER)!.accessKeys.map((key) => key.accessKeyId)).toEqual([first.SES_ACCESS_KEY_ID]);
    expect(world.fake.iam.policies.get(POLICY_ARN)!.versions).toHaveLength(1);
    expect(policyDocumentIn(world)).toEqual(
      buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: 'sender@example.com' }),
    );
    expect(await readCredentialsFile(world.outFile)).toEqual({ ...first, SES_FROM_ADDRESS: 'sender@example.com' });
    expect(await readFile(credentialsCsvPath(world.outFile), 'utf8')).toBe(csv);
    const file = `ALEXA_MAILER_CREDENTIALS_FILE=${world.outFile}`;
    expect(result.stdout).toContain(
      `Next: deploy the skill again (\`${file} npx ask deploy\`, or \`${file} npm run hosted -- --into DIR\` for an Alexa-hosted skill) so that it sends as s***@example.com through SES in us-east-1: the deployed skill still sends as s***@exmaple.com in us-east-1, which the policy no longer allows.`,
    );

    const again = await world.run(['--from', 'sender@example.com', '--out', world.outFile]);
    expect(statuses(again.stdout)).toMatchObject({ policy: 'exists', 'credentials file': 'exists' });
    expect(again.stdout).toContain('Nothing to change');
  });

  it('moves the file to another region with the same key', async () => {
    await world.run(['--from', 'sender@example.com', '--out', world.outFile]);
    const first = await readCredentialsFile(world.outFile);

    const result = await world.run(['--from', 'sender@example.com', '--region', 'eu-west-1', '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /credentials file {3}updated {7}\S+: SES_REGION us-east-1 → eu-west-1; the key is kept/,
    );
    expect(await readCredentialsFile(world.outFile)).toEqual({ ...first, SES_REGION: 'eu-west-1' });
    expect(world.fake.iam.users.get(USER)!.accessKeys).toHaveLength(1);
  });
});
