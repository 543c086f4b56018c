// Secrets and personal data: no AWS credential in any file git would commit nor in the branch's
// history, the key's file written mode 0600 (never through a planted file or link) and git-ignored,
// and the suite-wide capture of everything printed and logged (test/setup.ts) really in place and
// able to catch a leak. Credentials below are generated at run time, so no file holds one.

import { execFile, spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFinding, scanProjectForSecrets } from '../../../devtools/repositoryChecks/secretScan.ts';
import { createLogger } from '../../../lambda/log.ts';
import { credentialsCsvPath, DEFAULT_CREDENTIALS_FILE, writeCredentialsFile } from '../../../ops/credentialsFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { intentRequest } from '../../../testkit/envelopes.ts';
import { PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { skillUnderTest } from '../../../testkit/skillHarness.ts';
import { findAddressesInLogLines, findSecretsInOutput } from '../../helpers/leaks.ts';
import { capturedOutput } from '../../helpers/outputCapture.ts';
import { realLookingKeyPair } from '../../helpers/realLookingKey.ts';

const run = promisify(execFile);

function credentialsOf(key: { id: string; secret: string }) {
  return {
    SES_ACCESS_KEY_ID: key.id,
    SES_SECRET_ACCESS_KEY: key.secret,
    SES_REGION: 'us-east-1',
    SES_FROM_ADDRESS: 'sender@example.com',
  };
}

describe('the files git would commit', () => {
  it('hold no AWS credential, not even a fake one, and no archive; nor did any commit of the branch', async () => {
    const { filesScanned, commitsScanned, findings } = await scanProjectForSecrets(PROJECT_ROOT);
    expect(filesScanned).toBeGreaterThan(50);
    expect(commitsScanned).toBeGreaterThan(0);
    expect(findings.map(describeFinding)).toEqual([]);
  });
});

describe('the credentials file of the provisioning script', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-credentials-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A private folder for the key, and a file of someone else's outside it that anyone may write. */
  async function keyFolderAndForeignFile(name: string) {
    const folder = join(dir, name);
    await mkdir(folder, { mode: 0o700 });
    const elsewhere = join(dir, `${name}-somebody-elses.txt`);
    await writeFile(elsewhere, 'not yours\n', { mode: 0o666 });
    return { folder, path: join(folder, 'AlexaSkillMailSender.json'), elsewhere };
  }

  it('is written mode 0600, with its CSV twin, in a folder of mode 0700', async () => {
    const key = realLookingKeyPair();
    const path = join(dir, '.secrets', 'AlexaSkillMailSender.json');
    const { json, csv } = await writeCredentialsFile(path, credentialsOf(key));

    expect((await stat(json)).mode & 0o777).toBe(0o600);
    expect((await stat(csv)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, '.secrets'))).mode & 0o777).toBe(0o700);
  });

  it('is written afresh under its own name, whatever was planted at the temporary name it once used', async () => {
    const key = realLookingKeyPair();
    const { path, elsewhere } = await keyFolderAndForeignFile('planted');
    // The predictable name an earlier version wrote to: a link to a file elsewhere, and a file
    // another user owns (when the tests run as root and can make one).
    await symlink(elsewhere, `${path}.${process.pid}.tmp`);
    const planted = `${credentialsCsvPath(path)}.${process.pid}.tmp`;
    await writeFile(planted, 'planted\n', { mode: 0o666 });
    if (process.getuid?.() === 0) await chown(planted, 65534, 65534);

    await writeCredentialsFile(path, credentialsOf(key));

    for (const written of [path, credentialsCsvPath(path)]) {
      const found = await lstat(written);
      expect(found.isFile(), written).toBe(true);
      expect(found.uid).toBe(process.getuid?.());
      expect(found.mode & 0o777).toBe(0o600);
      expect(await readFile(written, 'utf8')).toContain(key.secret);
    }
    expect(await readFile(elsewhere, 'utf8')).toBe('not yours\n');
    expect(await readFile(planted, 'utf8')).toBe('planted\n');
  });

  it('replaces a link at its own name instead of writing through it', async () => {
    const key = realLookingKeyPair();
    const { folder, path, elsewhere } = await keyFolderAndForeignFile('linked');
    await symlink(elsewhere, path);

    await writeCredentialsFile(path, credentialsOf(key));

    expect((await lstat(path)).isFile()).toBe(true);
    expect(await readFile(elsewhere, 'utf8')).toBe('not yours\n');
    expect(await readdir(folder)).toEqual(['AlexaSkillMailSender.json', 'AlexaSkillMailSender_accessKeys.csv']);
  });

  it('refuses a folder that is a link to another one, and tightens a folder of its own that others can read', async () => {
    const key = realLookingKeyPair();
    const credentials = credentialsOf(key);
    const open = join(dir, 'open');
    await mkdir(open, { mode: 0o755 });
    await chmod(open, 0o755);
    const linked = join(dir, 'linked-folder');
    await symlink(open, linked);

    await expect(writeCredentialsFile(join(linked, 'key.json'), credentials)).rejects.toThrow(
      /linked-folder is a link or a file, not a folder; remove it and run again\.$/,
    );
    expect(await readdir(open)).toEqual([]);

    await writeCredentialsFile(join(open, 'key.json'), credentials);
    expect((await stat(open)).mode & 0o777).toBe(0o700);
  });

  // Only root can give a folder to another user; run as anyone else, a user's own folders are all theirs.
  it.runIf(process.getuid?.() === 0)('refuses a folder another user owns', async () => {
    const foreign = join(dir, 'foreign');
    await mkdir(foreign, { mode: 0o700 });
    await chown(foreign, 65534, 65534);

    await expect(writeCredentialsFile(join(foreign, 'key.json'), credentialsOf(realLookingKeyPair()))).rejects.toThrow(
      /foreign is not owned by the running user; remove it and run again\.$/,
    );
    expect(await readdir(foreign)).toEqual([]);
  });

  it.each([DEFAULT_CREDENTIALS_FILE, credentialsCsvPath(DEFAULT_CREDENTIALS_FILE)])(
    'is git-ignored at %s',
    async (path) => {
      // `git check-ignore` exits 0 only when the path is ignored.
      const { stdout } = await run('git', ['check-ignore', '--no-index', relative(PROJECT_ROOT, path)], {
        cwd: PROJECT_ROOT,
      });
      expect(stdout.trim()).toBe(relative(PROJECT_ROOT, path));
    },
  );
});

describe('the capture of everything the suite prints and logs', () => {
  let outbox: SesStandIn;
  let profile: ProfileApi;
  beforeAll(async () => {
    [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi({ email: 'hanako@example.jp' })]);
  });
  afterAll(async () => {
    await Promise.all([outbox.close(), profile.close()]);
  });

  it("sees the lines the skill logs to a test's own sink, and what the default sink prints", async () => {
    const skill = skillUnderTest({ sesUrl: outbox.url });
    await skill.invoke(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));
    createLogger().info('capture-check', { note: 'printed by the default sink' });

    const captured = capturedOutput();
    expect(skill.logs.length).toBeGreaterThan(0);
    expect(captured?.skillLogLines).toEqual(expect.arrayContaining(skill.logs));
    expect(captured?.printed.join('')).toContain('"event":"capture-check"');
  });

  it('holds back what a file writes straight to stdout, shows it when a test fails, and scans it', async () => {
    // Two files run by vitest with this suite's setup file, as `npm test` runs any: the logger's
    // default sink writes to stdout exactly as the built bundle's does inside a test worker.
    const folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-capture-'));
    try {
      const logModule = JSON.stringify(join(PROJECT_ROOT, 'lambda/log.ts'));
      await writeFile(
        join(folder, 'quiet.test.ts'),
        `import { createLogger } from ${logModule};
it('logs as the bundle does', () => {
  createLogger().info('mail-sent', { to: 'taro@example.com' });
  console.info('a console line, which vitest labels');
});
it('fails after a write', () => {
  process.stdout.write('held until the failure\\n');
  expect('answer').toBe('another answer');
});
`,
      );
      await writeFile(
        join(folder, 'leaky.test.ts'),
        `it('prints an unmasked log line', () => {
  process.stdout.write(JSON.stringify({ level: 'info', event: 'x', to: 'hanako@example.jp' }) + '\\n');
});
`,
      );
      const config = {
        // One worker that runs file after file, as the suite's own integration project does.
        test: {
          root: folder,
          globals: true,
          pool: 'forks',
          isolate: false,
          maxWorkers: 1,
          setupFiles: [join(PROJECT_ROOT, 'test/setup.ts')],
        },
      };
      await writeFile(join(folder, 'vitest.config.mjs'), `export default ${JSON.stringify(config)};`);
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
      const child = spawn(
        process.execPath,
        [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(folder, 'vitest.config.mjs')],
        { cwd: PROJECT_ROOT, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let terminal = '';
      child.stdout.on('data', (chunk: Buffer) => (terminal += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (terminal += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

      expect(code).toBe(1);
      // The passing test's log line stays out of the report; the console line is vitest's to show.
      expect(terminal).not.toContain('"event":"mail-sent"');
      expect(terminal).toContain('a console line, which vitest labels');
      expect(terminal).toContain(
        'stderr | quiet.test.ts > fails after a write\nWhat this test wrote to stdout and stderr (held back by test/setup.ts):\nheld until the failure\n',
      );
      // Held, yet scanned: the unmasked address fails its file, and is named only masked.
      expect(terminal).toContain(
        'skill log line printed to stdout, JSON line 1: a full email address (h***@example.jp)',
      );
      expect(terminal).not.toContain('hanako@');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('would fail a file whose output holds a secret, naming where and never the value', () => {
    const key = realLookingKeyPair();
    const output = `starting\nconfigured with ${key.secret}\nSES_SECRET_ACCESS_KEY=${PLACEHOLDER_KEY.secretAccessKey}\n`;
    const leaks = findSecretsInOutput(
      output,
      [{ label: 'the placeholder secret key', value: PLACEHOLDER_KEY.secretAccessKey }],
      'stdout',
    );
    expect(leaks).toEqual([
      {
        where: 'stdout line 3',
        what: `the placeholder secret key (${PLACEHOLDER_KEY.secretAccessKey.length} characters)`,
      },
      { where: 'stdout line 2', what: 'a secret-shaped value (40 characters)' },
    ]);
    expect(JSON.stringify(leaks)).not.toContain(key.secret);
  });

  it('would fail a file whose skill log holds a full address, escaped or not, but not a masked one', () => {
    const lines = [
      '{"level":"info","event":"mail-sent","to":"h***@example.jp"}',
      '{"level":"error","event":"mail-failed","errorMessage":"Email address is not verified: hanako@example.jp"}',
      JSON.stringify({ level: 'warn', event: 'x', detail: 'line\nhanako@example.jp' }),
    ];
    expect(findAddressesInLogLines(lines, 'skill log')).toEqual([
      { where: 'skill log line 2', what: 'a full email address (h***@example.jp)' },
      { where: 'skill log line 3', what: 'a full email address (h***@example.jp)' },
    ]);
  });

  // Masking whole: a narrower pattern would keep "taro+a" or "yamada" and still look masked.
  const UNUSUAL_ADDRESSES = ['taro+alexa@example.com', '"taro yamada"@example.com', 'taro@例え.jp'];

  it.each(UNUSUAL_ADDRESSES)('would fail a file whose skill log holds %s masked only in part', (address) => {
    const at = address.lastIndexOf('@');
    const partly = [`${address.slice(0, at - 2)}***${address.slice(at)}`, address.replace(/@/, '***@'), address];
    for (const text of partly) {
      expect(findAddressesInLogLines([JSON.stringify({ level: 'info', event: 'x', to: text })], 'skill log')).toEqual([
        { where: 'skill log line 1', what: expect.stringContaining('a full email address') },
      ]);
    }
  });

  it.each(UNUSUAL_ADDRESSES)('masks %s whole in every log line, in a field and inside free text', (address) => {
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line));
    logger.error('mail-failed', { to: address, errorMessage: `Email address is not verified: ${address}.` });

    const domain = address.slice(address.lastIndexOf('@'));
    const entry = JSON.parse(lines[0]!) as { to: string; errorMessage: string };
    expect(entry.to).toMatch(new RegExp(`^t?\\*\\*\\*${domain}$`, 'u'));
    expect(entry.errorMessage).toBe(`Email address is not verified: ${entry.to}.`);
    for (const part of ['taro', 'alexa', 'yamada']) expect(lines[0]).not.toContain(part);
    expect(findAddressesInLogLines(lines, 'skill log')).toEqual([]);
  });
});
