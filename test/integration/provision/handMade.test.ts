// --adopt-hand-made against the fake account: the blog note's user, policy and key CSV become a
// managed, scoped setup with the same key, and what must not be taken over is refused unchanged.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { MANAGED_TAG } from '../../../ops/provision/names.ts';
import { buildMailAccessPolicy } from '../../../ops/provision/policyDocument.ts';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { policyDocumentIn, shownKeyId, useProvisionWorld } from '../../helpers/provisionHarness.ts';

const FROM = 'sender@example.com';
const USER = 'AlexaSkillMailSender';
const POLICY_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy/AlexaSkillMailAccess`;
/** The blog note's document, exactly as it tells its readers to paste it. */
const BLOG_DOCUMENT =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:SendMail","ses:SendRawEmail"],"Resource":"*"}]}';

describe('npm run provision -- --adopt-hand-made', () => {
  const world = useProvisionWorld();

  /** The blog's setup: the user, its policy attached, and the key the console showed once. */
  function blogSetup() {
    world.fake.iam.addUser(USER);
    world.fake.iam.addPolicy('AlexaSkillMailAccess', BLOG_DOCUMENT);
    world.fake.iam.users.get(USER)!.attachedPolicies.add(POLICY_ARN);
    return world.fake.iam.addAccessKey(USER);
  }

  async function csvFile(text: string): Promise<string> {
    const path = join(world.folder, 'AlexaSkillMailSender_accessKeys.csv');
    await writeFile(path, text);
    return path;
  }

  /** The real run, without asking, keeping the key of this CSV file. */
  function adoptWith(csvPath: string) {
    return world.run(['--from', FROM, '--out', world.outFile, '--adopt-hand-made', '--import-key', csvPath, '--yes']);
  }

  const layouts = {
    'the current layout, with a byte order mark': (id: string, secret: string) =>
      `\uFEFFAccess key ID,Secret access key\r\n${id},${secret}\r\n`,
    'the older layout with the user name': (id: string, secret: string) =>
      `User name,Password,Access key ID,Secret access key,Console login link\n${USER},,${id},${secret},https://${LOCAL_ACCOUNT_ID}.signin.aws.amazon.com/console\n`,
  };

  for (const [layout, csv] of Object.entries(layouts)) {
    it(`turns the blog's setup into a managed, scoped one with the same key (${layout})`, async () => {
      const key = blogSetup();
      const csvPath = await csvFile(csv(key.accessKeyId, key.secretAccessKey));
      const args = ['--from', FROM, '--out', world.outFile, '--adopt-hand-made', '--import-key', csvPath];

      const dryRun = await world.run([...args, '--dry-run']);
      expect(dryRun.code).toBe(0);
      expect(dryRun.stdout).toContain(
        'ses:SendMail is no SES action (a misspelling of ses:SendEmail), so it grants nothing',
      );
      expect(dryRun.stdout).toContain('it does not allow ses:SendEmail');
      expect(dryRun.stdout).toContain('it allows sending on any resource ("*")');
      expect(dryRun.stdout).toContain(`${USER}: no managed-by tag`);
      expect(dryRun.stdout).toContain(
        `${key.accessKeyId} from ${csvPath}: one of ${USER}'s keys, and sts:GetCallerIdentity signed with its secret names ${USER}`,
      );
      expect(world.fake.mutatingCalls()).toEqual([]);

      const result = await world.run([...args, '--yes']);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Done: AlexaSkillMailSender can send mail as`);
      expect(policyDocumentIn(world)).toEqual(
        buildMailAccessPolicy({ region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID, fromAddress: FROM }),
      );
      const policy = world.fake.iam.policies.get(POLICY_ARN)!;
      expect(policy.versions).toHaveLength(1);
      expect(policy.tags.get(MANAGED_TAG.Key)).toBe(MANAGED_TAG.Value);
      expect(world.fake.iam.users.get(USER)!.tags.get(MANAGED_TAG.Key)).toBe(MANAGED_TAG.Value);
      expect(world.fake.iam.users.get(USER)!.accessKeys.map((each) => each.accessKeyId)).toEqual([key.accessKeyId]);
      const file = await readCredentialsFile(world.outFile);
      expect([file.SES_ACCESS_KEY_ID, file.SES_SECRET_ACCESS_KEY]).toEqual([key.accessKeyId, key.secretAccessKey]);

      const again = await world.run(['--from', FROM, '--out', world.outFile]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Nothing to change');
    });
  }

  it('asks on the terminal first, and changes nothing unless the answer is yes', async () => {
    const key = blogSetup();
    const csvPath = await csvFile(`Access key ID,Secret access key\n${key.accessKeyId},${key.secretAccessKey}\n`);
    const terminal = (answer: string) => Object.assign(Readable.from([answer]), { isTTY: true });
    const args = ['--from', FROM, '--out', world.outFile, '--adopt-hand-made', '--import-key', csvPath];

    const declined = await world.run(args, { stdin: terminal('no\n') });

    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain(
      `This makes ${USER} and AlexaSkillMailAccess this tool's: the policy gets this tool's document (its hand-made versions are deleted), and --teardown will delete both.`,
    );
    expect(declined.stderr).toContain('Adoption cancelled: nothing was changed.');
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect((await world.run(args)).stderr).toContain('--adopt-hand-made asks for confirmation on a terminal');
  });

  it('refuses a wrong secret, changing nothing', async () => {
    const key = blogSetup();
    const csvPath = await csvFile(`Access key ID,Secret access key\n${key.accessKeyId},${'x'.repeat(40)}\n`);

    const result = await adoptWith(csvPath);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the secret access key in the CSV file is not the secret of ${key.accessKeyId}`);
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('refuses an inactive key, whose secret STS cannot check, changing nothing', async () => {
    const key = blogSetup();
    key.status = 'Inactive';
    const csvPath = await csvFile(`Access key ID,Secret access key\n${key.accessKeyId},${key.secretAccessKey}\n`);

    const result = await adoptWith(csvPath);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the key ${key.accessKeyId} is inactive, so its secret cannot be checked`);
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it("refuses another user's key, changing nothing", async () => {
    blogSetup();
    world.fake.iam.addUser('Someone');
    const other = world.fake.iam.addAccessKey('Someone');
    const csvPath = await csvFile(`Access key ID,Secret access key\n${other.accessKeyId},${other.secretAccessKey}\n`);

    const result = await adoptWith(csvPath);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the key ${other.accessKeyId} in ${csvPath} is not one of ${USER}'s keys`);
    expect(world.fake.mutatingCalls()).toEqual([]);
  });

  it('refuses a policy another user holds too, changing nothing', async () => {
    const key = blogSetup();
    world.fake.iam.addUser('Someone');
    world.fake.iam.users.get('Someone')!.attachedPolicies.add(POLICY_ARN);
    const csvPath = await csvFile(`Access key ID,Secret access key\n${key.accessKeyId},${key.secretAccessKey}\n`);

    const result = await adoptWith(csvPath);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Nothing was changed: AlexaSkillMailAccess is attached to the user Someone as well as AlexaSkillMailSender',
    );
    expect(world.fake.mutatingCalls()).toEqual([]);
    expect(policyDocumentIn(world)).toEqual(JSON.parse(BLOG_DOCUMENT));
  });

  it('lists a second key on the user and keeps it only with --keep-key, never with --adopt', async () => {
    const key = blogSetup();
    const second = world.fake.iam.addAccessKey(USER);
    const csvPath = await csvFile(`Access key ID,Secret access key\n${key.accessKeyId},${key.secretAccessKey}\n`);
    const args = ['--from', FROM, '--out', world.outFile, '--adopt-hand-made', '--import-key', csvPath, '--yes'];

    const refused = await world.run(args);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${shownKeyId(second.accessKeyId)} (active) was not saved by this tool`);
    expect(world.fake.mutatingCalls()).toEqual([]);

    const adopted = await world.run([...args, '--adopt']);
    expect(adopted.code).toBe(1);
    expect(world.fake.mutatingCalls()).toEqual([]);

    const kept = await world.run([...args, '--keep-key', second.accessKeyId]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`${shownKeyId(second.accessKeyId)} (active) was not saved by this tool`);
    expect((await readCredentialsFile(world.outFile)).SES_ACCESS_KEY_ID).toBe(key.accessKeyId);
  });
});
