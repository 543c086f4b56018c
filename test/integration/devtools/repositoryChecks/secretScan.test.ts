// `npm run check:secrets` on a throwaway git repository: a key in a file git would commit, in the
// history of the branch after it left the tree, or inside a committed archive fails the check with
// the place named and the key masked; a clean repository passes.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFinding, scanProjectForSecrets } from '../../../../devtools/repositoryChecks/secretScan.ts';
import { realLookingKeyPair } from '../../../helpers/realLookingKey.ts';
import { runTsxCommand } from '../../../helpers/tsxCommand.ts';

const run = promisify(execFile);

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'alexa-mailer-secret-scan-'));
  await git('init', '--quiet');
});
afterEach(() => rm(repo, { recursive: true, force: true }));

/** git in the throwaway repository, whatever the user's own configuration says about signing or hooks. */
async function git(...args: string[]): Promise<string> {
  const identity = ['-c', 'user.name=Scan Test', '-c', 'user.email=scan-test@example.invalid'];
  const settings = ['-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null'];
  const { stdout } = await run('git', [...identity, ...settings, ...args], { cwd: repo });
  return stdout.trim();
}

async function commitFile(file: string, content: string | Buffer, message: string): Promise<string> {
  await writeFile(join(repo, file), content);
  await git('add', file);
  await git('commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD');
}

async function scan(): Promise<string[]> {
  return (await scanProjectForSecrets(repo)).findings.map(describeFinding);
}

describe('the secret scan', () => {
  it('reports a key in a new file and in a tracked one, but not in a git-ignored file, and never prints the secret', async () => {
    const key = realLookingKeyPair();
    await writeFile(join(repo, '.gitignore'), '.secrets/\n');
    await mkdir(join(repo, '.secrets'));
    await writeFile(
      join(repo, '.secrets/key.json'),
      JSON.stringify({ SES_ACCESS_KEY_ID: key.id, SES_SECRET_ACCESS_KEY: key.secret }),
    );
    await writeFile(
      join(repo, 'config.ts'),
      `export const region = 'us-east-1';\nexport const id = '${key.id}';\nexport const other = '${key.secret}';\n`,
    );
    await writeFile(join(repo, 'notes.md'), `aws_secret_access_key = ${key.secret}\n`);

    const described = await scan();

    expect(described).toEqual([
      expect.stringMatching(/^config\.ts:2: an AWS access key ID \(AKIA…..\)$/),
      'config.ts:3: a secret-shaped value next to an access key ID (40 characters)',
      'notes.md:1: a secret access key assigned to a secret’s name (40 characters)',
    ]);
    expect(described.join('\n')).not.toContain(key.secret);
    expect(described.join('\n')).not.toContain(key.id);
  });

  it('fails on a key that left the tree but stays in the history, naming the commit and the file', async () => {
    const key = realLookingKeyPair();
    await commitFile('README.md', '# A project\n', 'Start');
    const leaked = await commitFile(
      'settings.ini',
      `[default]\nregion = us-east-1\naws_access_key_id = ${key.id}\naws_secret_access_key = ${key.secret}\n`,
      'Add settings',
    );
    await commitFile('settings.ini', '[default]\nregion = us-east-1\n', 'Remove the key');

    const { code, stdout, stderr } = await runTsxCommand('devtools/repositoryChecks/main.ts', [
      'secrets',
      '--dir',
      repo,
    ]);

    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    const at = `commit ${leaked.slice(0, 12)}, settings.ini`;
    expect(stdout.split('\n')).toEqual([
      'Scanning every file git would commit, and the history of this branch, for credentials and archives…',
      expect.stringMatching(new RegExp(`^  ${at}:3: an AWS access key ID \\(AKIA…..\\)$`)),
      `  ${at}:4: a secret access key assigned to a secret’s name (40 characters)`,
      'Secret scan failed: 2 finding(s) in 2 files and 3 commits; remove them from the files and from the git history (a key that was ever pushed must also be deactivated); tests use placeholders that are not shaped like keys.',
      '',
    ]);
    expect(stdout).not.toContain(key.secret);
    expect(stdout).not.toContain(key.id);
  });

  it('names a file of the history whose name git quotes', async () => {
    const key = realLookingKeyPair();
    const added = await commitFile('notes "draft".txt', `id ${key.id}\n`, 'Add notes');
    await git('rm', '--quiet', 'notes "draft".txt');
    await git('commit', '--quiet', '-m', 'Remove notes');

    expect(await scan()).toEqual([
      expect.stringMatching(new RegExp(`^commit ${added.slice(0, 12)}, notes "draft"\\.txt:1: an AWS access key ID`)),
    ]);
  });

  it('refuses a committed zip, names the key inside it, and still does once the zip is deleted', async () => {
    const key = realLookingKeyPair();
    const zip = new AdmZip();
    zip.addFile('build/config.json', Buffer.from(JSON.stringify({ id: key.id }, null, 2)));
    zip.addFile('build/index.js', Buffer.from('exports.handler = () => {};\n'));
    const added = await commitFile('bundle.zip', zip.toBuffer(), 'Add the bundle');

    expect(await scan()).toEqual([
      'bundle.zip: an archive, refused: no reviewer reads inside one; commit its files instead (a zip archive)',
      expect.stringMatching(/^bundle\.zip → build\/config\.json:2: an AWS access key ID \(AKIA…..\)$/),
      `commit ${added.slice(0, 12)}, bundle.zip: an archive, refused: no reviewer reads inside one; commit its files instead (a zip archive)`,
      expect.stringMatching(
        new RegExp(`^commit ${added.slice(0, 12)}, bundle\\.zip → build/config\\.json:2: an AWS access key ID`),
      ),
    ]);

    await git('rm', '--quiet', 'bundle.zip');
    await git('commit', '--quiet', '-m', 'Remove the bundle');
    expect(await scan()).toEqual([
      expect.stringMatching(new RegExp(`^commit ${added.slice(0, 12)}, bundle\\.zip: an archive, refused`)),
      expect.stringMatching(new RegExp(`^commit ${added.slice(0, 12)}, bundle\\.zip → build/config\\.json:2: an AWS`)),
    ]);
  });

  it('refuses a zip whatever its name, and a gzipped tar, reading the key inside', async () => {
    const key = realLookingKeyPair();
    const zip = new AdmZip();
    zip.addFile('notes.txt', Buffer.from('nothing to see\n'));
    await writeFile(join(repo, 'picture.png'), zip.toBuffer());
    await mkdir(join(repo, 'inner'));
    await writeFile(join(repo, 'inner/key.txt'), `aws_secret_access_key = ${key.secret}\n`);
    await run('tar', ['-czf', join(repo, 'backup.tgz'), '-C', repo, 'inner/key.txt']);
    await rm(join(repo, 'inner'), { recursive: true });

    expect(await scan()).toEqual([
      'backup.tgz: an archive, refused: no reviewer reads inside one; commit its files instead (a gzip archive)',
      expect.stringMatching(
        /^backup\.tgz → \(unpacked\):\d+: a secret access key assigned to a secret’s name \(40 characters\)$/,
      ),
      'picture.png: an archive, refused: no reviewer reads inside one; commit its files instead (a zip archive)',
    ]);
  });

  it('passes a clean repository, with its history', async () => {
    await commitFile('README.md', '# A project\n', 'Start');
    await commitFile('config.ts', "export const region = 'us-east-1';\n", 'Add the region');

    const { code, stdout } = await runTsxCommand('devtools/repositoryChecks/main.ts', ['secrets', '--dir', repo]);

    expect(code).toBe(0);
    expect(stdout).toContain('Secret scan passed: no credential and no archive in 2 files and 2 commits.');
  });
});
