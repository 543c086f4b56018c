// `npm run hosted`: the tree it writes for an Alexa-hosted skill's repository, what it embeds (a
// role, never a key unless asked), and how it treats a clone of that repository (a local bare
// repository standing in for CodeCommit).

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanProjectForSecrets } from '../../../devtools/repositoryChecks/secretScan.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { runBuiltCommand, runTsxCommand } from '../../helpers/tsxCommand.ts';

const git = async (dir: string, ...args: string[]) =>
  (await promisify(execFile)('git', ['-C', dir, ...args], { encoding: 'utf8' })).stdout;

const ROLE_ARN = 'arn:aws:iam::123456789012:role/AlexaSkillMailSenderRole';
// Shaped like a real key, made up for this run: the secret scan must see it for what it would be.
const alphabet = (chars: string, length: number) =>
  Array.from(randomBytes(length), (byte) => chars[byte % chars.length]).join('');
const KEY = {
  id: `AKIA${alphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
  secret: alphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+', 40),
};

let folder: string;
let credentialsFile: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-export-'));
  credentialsFile = join(folder, 'AlexaSkillMailSender.json');
  // Today's provisioning output: a key, and no role yet.
  await writeFile(
    credentialsFile,
    JSON.stringify({
      SES_ACCESS_KEY_ID: KEY.id,
      SES_SECRET_ACCESS_KEY: KEY.secret,
      SES_REGION: 'us-east-1',
      SES_FROM_ADDRESS: 'sender@example.com',
    }),
  );
  process.env.GIT_AUTHOR_NAME = process.env.GIT_COMMITTER_NAME = 'Test';
  process.env.GIT_AUTHOR_EMAIL = process.env.GIT_COMMITTER_EMAIL = 'test@example.com';
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

// The first export goes the way npm starts the command; every other run, from its bundle made once.
const hostedAsNpmRunsIt = (...args: string[]) =>
  runTsxCommand('ops/hosted/main.ts', ['--credentials-file', credentialsFile, ...args]);
const hosted = (...args: string[]) =>
  runBuiltCommand('ops/hosted/main.ts', ['--credentials-file', credentialsFile, ...args]);
const roleFlags = ['--role-arn', ROLE_ARN, '--external-id', 'export-test-external-id'];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !path.startsWith('.git/'))
    .sort();
}

describe('npm run hosted -- --out DIR', () => {
  it('writes one bundle, a package.json with nothing to install, and a manifest naming no endpoint; no key', async () => {
    const out = join(folder, 'role');
    const run = await hostedAsNpmRunsIt('--out', out, '--skill-id', LOCAL_SKILL_ID, ...roleFlags);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`SES_ROLE_ARN ${ROLE_ARN} (from --role-arn)`);
    expect(run.stdout).toContain('SES_FROM_ADDRESS s***@example.com');
    expect(await filesUnder(out)).toEqual([
      'lambda/index.js',
      'lambda/index.js.LEGAL.txt',
      'lambda/package.json',
      'skill-package/interactionModels/custom/en-US.json',
      'skill-package/interactionModels/custom/ja-JP.json',
      'skill-package/skill.json',
    ]);
    const pkg = JSON.parse(await readFile(join(out, 'lambda/package.json'), 'utf8'));
    expect(pkg.main).toBe('index.js');
    expect(pkg.dependencies).toBeUndefined();
    const manifest = JSON.parse(await readFile(join(out, 'skill-package/skill.json'), 'utf8'));
    expect(manifest.manifest.apis.custom.endpoint).toBeUndefined();

    const bundle = await readFile(join(out, 'lambda/index.js'), 'utf8');
    expect(bundle).toContain(ROLE_ARN);
    expect(bundle).not.toContain(KEY.id);
    expect(bundle).not.toContain(KEY.secret);
    // The project's own secret scan, over the tree as git would commit it.
    await git(out, 'init', '--quiet');
    expect((await scanProjectForSecrets(out)).findings).toEqual([]);
  });

  it('embeds the key only with --embed-key, after saying why the role is the safe choice', async () => {
    const out = join(folder, 'key');
    const run = await hosted('--out', out, '--skill-id', LOCAL_SKILL_ID, '--embed-key');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Warning: --embed-key writes the AlexaSkillMailSender access key/);
    expect(run.stderr).toContain("lives in Amazon's repository and in its history for good");
    expect(run.stdout).not.toContain(KEY.secret);
    expect(await readFile(join(out, 'lambda/index.js'), 'utf8')).toContain(KEY.id);
    await git(out, 'init', '--quiet');
    const findings = (await scanProjectForSecrets(out)).findings;
    expect(findings.map((finding) => [finding.file, finding.rule])).toContainEqual([
      'lambda/index.js',
      'access-key-id',
    ]);
  });

  it('refuses without a skill ID, in one sentence, and writes nothing', async () => {
    // A clone whose .ask/ names no skill; the project's own .ask/ is never read for a clone.
    const clone = join(folder, 'clone-without-skill-id');
    await mkdir(clone);
    await git(clone, 'init', '--quiet');
    const run = await hosted('--into', clone, ...roleFlags);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^The export failed: No skill ID to embed \(.* pass --skill-id amzn1\.ask\.skill\.…/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(clone)).toEqual(['.git']);
  });

  it('explains itself with --help, and a wrong option in one sentence', async () => {
    const help = await runBuiltCommand('ops/hosted/main.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run hosted -- \(--out DIR \| --into DIR\) \[options\]/);
    expect(help.stdout).toContain('--embed-key');
    const neither = await runBuiltCommand('ops/hosted/main.ts', []);
    expect(neither.code).toBe(2);
    expect(neither.stderr.split('\n')[0]).toBe('Give one of --out DIR and --into DIR.');
  });

  it('refuses a role and a key at once', async () => {
    const run = await hosted('--out', join(folder, 'both'), '--embed-key', ...roleFlags);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      '--embed-key embeds a key instead of a role: leave out --role-arn and --external-id.',
    );
  });
});

describe('npm run hosted -- --into DIR', () => {
  let bare: string;
  let clone: string;

  beforeAll(async () => {
    bare = join(folder, 'codecommit.git');
    clone = join(folder, 'clone');
    await mkdir(bare);
    await git(bare, 'init', '--quiet', '--bare', '--initial-branch=master');
    await promisify(execFile)('git', ['clone', '--quiet', bare, clone]);
    // What `ask init --hosted-skill-id` leaves: the hosted template, and the skill ID in .ask/.
    await mkdir(join(clone, 'lambda'));
    await mkdir(join(clone, '.ask'));
    await writeFile(join(clone, 'lambda/index.js'), '// the hosted template\n');
    await writeFile(join(clone, 'lambda/util.js'), '// the hosted template\n');
    await writeFile(
      join(clone, '.ask/ask-states.json'),
      JSON.stringify({ askcliStatesVersion: '2020-03-31', profiles: { default: { skillId: LOCAL_SKILL_ID } } }),
    );
    await git(clone, 'add', '--all');
    await git(clone, 'commit', '--quiet', '-m', 'Initial template');
    await git(clone, 'push', '--quiet', 'origin', 'master');
  });

  it('replaces lambda/ and skill-package/, commits, and with --push pushes master', async () => {
    const run = await hosted('--into', clone, ...roleFlags);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`SKILL_ID ${LOCAL_SKILL_ID} (from ${join(clone, '.ask/ask-states.json')})`);
    expect(run.stdout).toContain(`cd ${clone} && git push origin master`);
    expect((await git(clone, 'log', '--format=%s')).split('\n')[0]).toBe(
      'Mail sender: the skill built by `npm run hosted` of alexa-ses-mailer',
    );
    expect(await filesUnder(join(clone, 'lambda'))).toEqual(['index.js', 'index.js.LEGAL.txt', 'package.json']);
    expect(await git(clone, 'status', '--porcelain')).toBe('');

    // The same build again: nothing to commit; then pushed.
    const again = await hosted('--into', clone, '--push', ...roleFlags);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('the clone already holds this build');
    expect((await git(bare, 'log', '--format=%s', 'master')).split('\n')[0]).toBe(
      'Mail sender: the skill built by `npm run hosted` of alexa-ses-mailer',
    );
  });

  it('refuses a clone with uncommitted changes, and leaves them as they were', async () => {
    await writeFile(join(clone, 'lambda/index.js'), '// my own edit\n');
    const run = await hosted('--into', clone, ...roleFlags);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has uncommitted changes: commit or discard them first/);
    expect(await readFile(join(clone, 'lambda/index.js'), 'utf8')).toBe('// my own edit\n');
    await git(clone, 'checkout', '--', 'lambda/index.js');
  });

  it('refuses a folder that is not a git clone', async () => {
    const plain = join(folder, 'plain');
    await mkdir(plain);
    const run = await hosted('--into', plain, '--skill-id', LOCAL_SKILL_ID, ...roleFlags);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not a git clone: make one with `npx ask init --hosted-skill-id ID`/);
  });
});
