// Writes the tree an Alexa-hosted skill's repository holds, lambda/ and skill-package/, into a new
// folder (--out) or over those two folders of a clone of that repository (--into), and commits
// there: git is run as the user would run it, so their identity and hooks apply.

import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SKILL_PACKAGE_DIR, shownPath } from '../paths.ts';
import { buildHostedLambda } from './bundle.ts';

const run = promisify(execFile);

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/**
 * skill-package/ as the project keeps it, with a manifest that names no endpoint: the hosted
 * service owns the skill's Lambda and its ARN, and a manifest that named another would point the
 * skill away from it.
 */
async function writeSkillPackage(target: string): Promise<void> {
  await cp(SKILL_PACKAGE_DIR, target, { recursive: true });
  const manifestFile = join(target, 'skill.json');
  const skill = JSON.parse(await readFile(manifestFile, 'utf8')) as {
    manifest?: { apis?: { custom?: { endpoint?: unknown; regions?: unknown } } };
  };
  const custom = skill.manifest?.apis?.custom;
  if (custom) {
    delete custom.endpoint;
    delete custom.regions;
  }
  await writeFile(manifestFile, `${JSON.stringify(skill, null, 2)}\n`);
}

export async function writeHostedTree(dir: string, embedded: Readonly<Record<string, string>>): Promise<void> {
  await buildHostedLambda(join(dir, 'lambda'), embedded);
  await writeSkillPackage(join(dir, 'skill-package'));
}

/** --out: a new folder, or an empty one; never one with files of someone else's in it. */
export async function exportTo(dir: string, embedded: Readonly<Record<string, string>>): Promise<void> {
  const present = await readdir(dir).catch(() => [] as string[]);
  if (present.length > 0)
    throw new ExportError(`${shownPath(dir)} is not empty: give --out a new folder, or use --into for a clone.`);
  await mkdir(dir, { recursive: true });
  await writeHostedTree(dir, embedded);
}

/** git's own first line of complaint (no identity, a rejected push…) becomes the one sentence of the error. */
async function git(dir: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', dir, ...args], { encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const said = String((error as { stderr?: unknown }).stderr ?? '')
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean);
    throw new ExportError(`git ${args[0]} failed in ${shownPath(dir)}${said ? `: ${said}` : ''}`);
  }
}

/** Refuses anything but the top of a git work tree with nothing uncommitted. */
export async function checkClone(dir: string): Promise<void> {
  let top: string;
  try {
    top = (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new ExportError(
      `${shownPath(dir)} is not a git clone: make one with \`npx ask init --hosted-skill-id ID\` (docs/hosted.md).`,
    );
  }
  if ((await realpath(top)) !== (await realpath(dir)))
    throw new ExportError(`${shownPath(dir)} is inside the clone at ${top}: give --into the clone's top folder.`);
  if ((await git(dir, ['status', '--porcelain'])).trim())
    throw new ExportError(
      `${shownPath(dir)} has uncommitted changes: commit or discard them first, so that nothing of yours is replaced unseen.`,
    );
}

/** --into: replaces lambda/ and skill-package/ of the clone and commits; false when nothing changed. */
export async function exportInto(dir: string, embedded: Readonly<Record<string, string>>): Promise<boolean> {
  await checkClone(dir);
  await rm(join(dir, 'lambda'), { recursive: true, force: true });
  await rm(join(dir, 'skill-package'), { recursive: true, force: true });
  await writeHostedTree(dir, embedded);
  await git(dir, ['add', '--all', '--', 'lambda', 'skill-package']);
  if (!(await git(dir, ['status', '--porcelain'])).trim()) return false;
  await git(dir, [
    'commit',
    '--quiet',
    '-m',
    'Mail sender: the skill built by `npm run hosted` of alexa-ses-mailer',
    '-m',
    'lambda/index.js holds the whole skill and its configuration; skill-package/ its interaction models and manifest.',
  ]);
  return true;
}

/** The hosted repository's development branch: pushing it deploys the development stage. */
export const HOSTED_BRANCH = 'master';

export async function pushClone(dir: string): Promise<void> {
  await git(dir, ['push', 'origin', HOSTED_BRANCH]);
}
