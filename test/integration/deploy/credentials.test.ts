// The credentials path, from the provisioning output to the handler's configuration, and the
// promise that goes with it: no secret in any file git tracks.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesGitWouldCommit } from '../../../devtools/repositoryChecks/secretScan.ts';
import { AMAZON_API_ORIGINS } from '../../../lambda/apiOrigins.ts';
import { loadConfig } from '../../../lambda/config.ts';
import { withDeployConfig } from '../../../lambda/deployConfig.ts';
import { DEFAULT_CREDENTIALS_FILE } from '../../../ops/credentialsFile.ts';
import { gatherEmbeddedConfig } from '../../../ops/deploy/embeddedConfig.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { copyProject, type ProjectCopy, writeJson } from '../../helpers/projectCopy.ts';

const run = promisify(execFile);
const SKILL_ID = 'amzn1.ask.skill.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const fakeSecret = `fake-${randomBytes(18).toString('hex')}`;
const provisioningOutput = {
  SES_ACCESS_KEY_ID: 'FAKE-DEPLOY-KEY-FAKE',
  SES_SECRET_ACCESS_KEY: fakeSecret,
  SES_REGION: 'ap-northeast-1',
  SES_FROM_ADDRESS: 'sender@example.com',
  // What the provisioning script may add beside the variables; none of it belongs in the bundle.
  createdAt: '2025-01-01T00:00:00Z',
};

let dir: string;
const credentialsFile = () => join(dir, 'AlexaSkillMailSender.json');
const askStatesFile = () => join(dir, 'ask-states.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-credentials-'));
  await writeJson(credentialsFile(), provisioningOutput);
  await writeJson(askStatesFile(), {
    askcliStatesVersion: '2020-03-31',
    profiles: { default: { skillId: SKILL_ID, skillMetadata: { lastDeployHash: 'x' } } },
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('from the provisioning output to the handler’s configuration', () => {
  it('embeds exactly the skill’s variables and the skill ID, and the skill reads them as its configuration', async () => {
    const { values } = await gatherEmbeddedConfig({
      credentialsFile: credentialsFile(),
      askStatesFile: askStatesFile(),
    });
    expect(values).toEqual({
      SES_ACCESS_KEY_ID: 'FAKE-DEPLOY-KEY-FAKE',
      SES_SECRET_ACCESS_KEY: fakeSecret,
      SES_REGION: 'ap-northeast-1',
      SES_FROM_ADDRESS: 'sender@example.com',
      SKILL_ID: SKILL_ID,
    });
    // Lambda always sets AWS_REGION to the function's region; the SES region still comes from provisioning.
    const config = loadConfig(withDeployConfig({ AWS_REGION: 'us-east-1' }, values));
    expect(config).toEqual({
      mail: {
        fromAddress: 'sender@example.com',
        region: 'ap-northeast-1',
        credentials: { accessKeyId: 'FAKE-DEPLOY-KEY-FAKE', secretAccessKey: fakeSecret },
      },
      limits: { perUserPerDay: 10, perDay: 0 },
      skillId: SKILL_ID,
      apiOrigins: AMAZON_API_ORIGINS,
      problems: [],
    });
  });

  it('embeds the limit table of the provisioning output, and a daily cap given to the build', async () => {
    const withTable = join(dir, 'with-table.json');
    await writeJson(withTable, { ...provisioningOutput, MAIL_LIMIT_TABLE: 'AlexaSkillMailLimit' });
    const { values, summary } = await gatherEmbeddedConfig({
      credentialsFile: withTable,
      askStatesFile: askStatesFile(),
      limits: { perUserPerDay: '5' },
    });
    expect(values).toMatchObject({ MAIL_LIMIT_TABLE: 'AlexaSkillMailLimit', MAIL_LIMIT_PER_USER_PER_DAY: '5' });
    expect(summary).toContain(`MAIL_LIMIT_TABLE AlexaSkillMailLimit (from ${withTable})`);
    expect(summary).toContain('MAIL_LIMIT_PER_USER_PER_DAY 5 (from the environment)');
    expect(loadConfig(withDeployConfig({}, values)).limits).toEqual({
      perUserPerDay: 5,
      perDay: 0,
      table: 'AlexaSkillMailLimit',
    });
    // The function's own variables still win, each on its own.
    expect(loadConfig(withDeployConfig({ MAIL_LIMIT_PER_USER_PER_DAY: '0' }, values)).limits).toEqual({
      perUserPerDay: 0,
      perDay: 0,
      table: 'AlexaSkillMailLimit',
    });

    const { summary: without } = await gatherEmbeddedConfig({
      credentialsFile: credentialsFile(),
      askStatesFile: askStatesFile(),
    });
    expect(without).toContain(
      'MAIL_LIMIT_TABLE not set: each Lambda container counts the daily cap alone (npm run provision -- --limit-table NAME)',
    );
  });

  it('refuses a daily cap the skill would not take, before the deploy', async () => {
    await expect(
      gatherEmbeddedConfig({
        credentialsFile: credentialsFile(),
        askStatesFile: askStatesFile(),
        limits: { perUserPerDay: 'ten' },
      }),
    ).rejects.toThrow('MAIL_LIMIT_PER_USER_PER_DAY "ten" is not a whole number from 0 (no cap) to 10000.');
  });

  it('embeds the configuration set provisioning recorded, which the skill then names on every send', async () => {
    const withSet = join(dir, 'with-set.json');
    await writeJson(withSet, { ...provisioningOutput, SES_CONFIGURATION_SET: 'skill-mail' });
    const { values, summary } = await gatherEmbeddedConfig({
      credentialsFile: withSet,
      askStatesFile: askStatesFile(),
    });
    expect(values.SES_CONFIGURATION_SET).toBe('skill-mail');
    expect(summary).toContain('SES_CONFIGURATION_SET skill-mail');
    expect(loadConfig(withDeployConfig({}, values)).mail?.configurationSet).toBe('skill-mail');

    const without = await gatherEmbeddedConfig({ credentialsFile: credentialsFile(), askStatesFile: askStatesFile() });
    expect(without.summary).toContain(
      'SES_CONFIGURATION_SET not set: SES reports no bounces or complaints to you (docs/deliverability.md)',
    );
    const malformed = join(dir, 'malformed-set.json');
    await writeJson(malformed, { ...provisioningOutput, SES_CONFIGURATION_SET: 'skill mail' });
    await expect(gatherEmbeddedConfig({ credentialsFile: malformed, askStatesFile: askStatesFile() })).rejects.toThrow(
      'SES_CONFIGURATION_SET "skill mail" is not a configuration set name',
    );
  });

  it('summarises what it embeds without the secret', async () => {
    const { summary } = await gatherEmbeddedConfig({
      credentialsFile: credentialsFile(),
      askStatesFile: askStatesFile(),
    });
    expect(summary.join('\n')).not.toContain(fakeSecret);
    expect(summary.join('\n')).not.toContain('sender@example.com');
    expect(summary).toContain('SES_SECRET_ACCESS_KEY (hidden)');
  });

  it('lets each variable set in the Lambda environment win, and takes the key pair from one source only', () => {
    const embedded = { ...provisioningOutput, SKILL_ID };
    expect(
      loadConfig(withDeployConfig({ SES_FROM_ADDRESS: 'console@example.com', SKILL_ID: '' }, embedded)).mail
        ?.fromAddress,
    ).toBe('console@example.com');
    const rotated = loadConfig(
      withDeployConfig({ SES_ACCESS_KEY_ID: 'ROTATED-KEY-ID-NOT-REAL', SES_SECRET_ACCESS_KEY: 'rotated' }, embedded),
    );
    expect(rotated.mail?.credentials).toEqual({ accessKeyId: 'ROTATED-KEY-ID-NOT-REAL', secretAccessKey: 'rotated' });
    // Half a pair in the environment is reported, never completed with the other key's secret.
    const half = loadConfig(withDeployConfig({ SES_ACCESS_KEY_ID: 'ROTATED-KEY-ID-NOT-REAL' }, embedded));
    expect(half.mail).toBeUndefined();
    expect(half.problems.join(' ')).toContain('SES_SECRET_ACCESS_KEY is not set');
  });

  it('embeds nothing in an ordinary build: the module is empty outside the deploy build', async () => {
    const { DEPLOY_CONFIG } = await import('../../../lambda/deployConfig.ts');
    expect(DEPLOY_CONFIG).toEqual({});
    expect(withDeployConfig({ SES_REGION: 'eu-west-1' })).toEqual({ SES_REGION: 'eu-west-1' });
  });

  it('refuses a provisioning output the skill could not send with, naming the file and the problem', async () => {
    const broken = join(dir, 'broken.json');
    await writeJson(broken, { ...provisioningOutput, SES_REGION: 'Tokyo' });
    await expect(gatherEmbeddedConfig({ credentialsFile: broken, askStatesFile: askStatesFile() })).rejects.toThrow(
      `${broken} would leave the skill unable to send mail: SES_REGION "Tokyo" is not an AWS region name.`,
    );
    const incomplete = join(dir, 'incomplete.json');
    await writeJson(incomplete, { SES_ACCESS_KEY_ID: 'FAKE-DEPLOY-KEY-FAKE' });
    await expect(gatherEmbeddedConfig({ credentialsFile: incomplete, askStatesFile: askStatesFile() })).rejects.toThrow(
      `${incomplete} has no SES_SECRET_ACCESS_KEY`,
    );
  });

  it('refuses to embed no skill ID, before any deploy or when several ASK CLI profiles make it a guess', async () => {
    await expect(
      gatherEmbeddedConfig({ credentialsFile: credentialsFile(), askStatesFile: join(dir, 'absent.json') }),
    ).rejects.toThrow(
      /^No skill ID to embed \(.*absent\.json does not exist yet: the skill has not been deployed\), and a skill without one sends no mail: deploy with `npx ask deploy`/,
    );
    const several = join(dir, 'several.json');
    await writeJson(several, {
      profiles: { default: { skillId: SKILL_ID }, work: { skillId: 'amzn1.ask.skill.other' } },
    });
    await expect(gatherEmbeddedConfig({ credentialsFile: credentialsFile(), askStatesFile: several })).rejects.toThrow(
      'skill IDs for several ASK CLI profiles (default, work)), and a skill without one sends no mail',
    );
    const chosen = await gatherEmbeddedConfig({
      credentialsFile: credentialsFile(),
      askStatesFile: several,
      skillId: 'amzn1.ask.skill.other',
    });
    expect(chosen.values.SKILL_ID).toBe('amzn1.ask.skill.other');
    expect(chosen.summary.at(-1)).toBe('SKILL_ID amzn1.ask.skill.other (from SKILL_ID in the environment)');
  });
});

// The generic scan (anything shaped like an AWS key in any file git would commit) is in
// reliability/secrets.test.ts and `npm run check:secrets`; this one knows where the provisioning
// output goes and looks for its exact secret, in a copy of the project that holds a generated one.
describe('no secret in any file git would commit', () => {
  let project: ProjectCopy;
  beforeAll(async () => {
    project = await copyProject();
    await run('git', ['init', '--quiet'], { cwd: project.dir });
    await writeJson(join(project.dir, relative(PROJECT_ROOT, DEFAULT_CREDENTIALS_FILE)), provisioningOutput);
  });
  afterAll(() => project?.remove());

  /** The files git would commit in the copy (its link to the real node_modules aside), and those holding the secret. */
  async function committedFiles(): Promise<{ files: string[]; holdingTheSecret: string[] }> {
    const files = (await filesGitWouldCommit(project.dir)).filter((file) => file !== 'node_modules');
    const holdingTheSecret: string[] = [];
    for (const file of files)
      if ((await readFile(join(project.dir, file), 'utf8')).includes(fakeSecret)) holdingTheSecret.push(file);
    return { files, holdingTheSecret };
  }

  it('holds the provisioning output’s key in none, with the output where `npm run provision` writes it', async () => {
    const { files, holdingTheSecret } = await committedFiles();
    expect(files).toContain('package.json');
    expect(files).not.toContain('.secrets/AlexaSkillMailSender.json');
    expect(holdingTheSecret).toEqual([]);
  });

  it('finds the key once it is pasted into a file git would commit', async () => {
    await writeFile(join(project.dir, 'notes.md'), `the key, for later: ${fakeSecret}\n`);
    expect((await committedFiles()).holdingTheSecret).toEqual(['notes.md']);
  });

  it('.gitignore keeps the provisioning output and ASK CLI’s state and zip out of git', async () => {
    const { stdout } = await run(
      'git',
      [
        'check-ignore',
        '--no-index',
        '.secrets/AlexaSkillMailSender.json',
        '.ask/ask-states.json',
        '.ask/lambda/build.zip',
      ],
      { cwd: PROJECT_ROOT },
    );
    expect(stdout.trim().split('\n')).toEqual([
      '.secrets/AlexaSkillMailSender.json',
      '.ask/ask-states.json',
      '.ask/lambda/build.zip',
    ]);
  });
});
