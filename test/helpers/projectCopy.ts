// A throwaway copy of the project as a fresh clone plus `npm install` would look (the files
// git tracks or would track, and node_modules), where ASK CLI's own code builder runs the
// build hook as `ask deploy` does. Nothing here writes into the real project.

import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { filesGitWouldCommit } from '../../devtools/repositoryChecks/secretScan.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';

const run = promisify(execFile);

export interface ProjectCopy {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function copyProject(): Promise<ProjectCopy> {
  const dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-project-'));
  for (const file of await filesGitWouldCommit(PROJECT_ROOT)) {
    const from = join(PROJECT_ROOT, file);
    // A file deleted in the working tree but still tracked is not part of a fresh clone's install.
    if (
      !(await access(from).then(
        () => true,
        () => false,
      ))
    )
      continue;
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await copyFile(from, join(dir, file));
  }
  await symlink(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

export interface CodeBuild {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** ask-cli's uniqueCodeList: [{ src, build: { folder, file }, buildFlow, regionsList }]. */
  readonly codeList?: {
    src: string;
    build: { folder: string; file: string };
    buildFlow: string;
    regionsList: string[];
  }[];
}

// What `ask deploy` does for the code step (commands/deploy → helper.buildSkillCode): load
// ask-resources.json and .ask/ask-states.json, then SkillCodeController.buildCode, which
// copies code.default.src into .ask/ and picks the build flow (hooks/build.sh → CustomBuildFlow).
const ASK_BUILD_SCRIPT = `
const path = require('node:path');
const lib = path.join(process.argv[1], 'node_modules/ask-cli/dist/lib');
const ResourcesConfig = require(path.join(lib, 'model/resources-config'));
const SkillCodeController = require(path.join(lib, 'controllers/skill-code-controller'));
new ResourcesConfig(path.join(process.cwd(), 'ask-resources.json'));
new SkillCodeController({ profile: 'default', doDebug: false }).buildCode((error, codeList) => {
  if (error) { console.error(String(error)); process.exit(1); }
  console.log('CODE_LIST ' + JSON.stringify(codeList));
});`;

export async function runAskCodeBuilder(projectDir: string, env: NodeJS.ProcessEnv = process.env): Promise<CodeBuild> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['-e', ASK_BUILD_SCRIPT, projectDir], {
      cwd: projectDir,
      env,
    });
    const line = stdout.split('\n').find((text) => text.startsWith('CODE_LIST '));
    return { code: 0, stdout, stderr, ...(line ? { codeList: JSON.parse(line.slice('CODE_LIST '.length)) } : {}) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Every file under dir (node_modules left out), relative to dir. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .filter((path) => !path.startsWith('node_modules'));
}

/** The paths among `paths` that the project's .gitignore leaves visible to git. Read-only git. */
export async function notIgnored(paths: string[]): Promise<string[]> {
  const child = execFile('git', ['check-ignore', '--no-index', '--stdin', '-z'], { cwd: PROJECT_ROOT });
  const output = new Promise<string>((resolve) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    // Exit code 1 means "none ignored": not an error here.
    child.on('close', () => resolve(text));
  });
  child.stdin?.end(paths.join('\0'));
  const ignored = new Set((await output).split('\0').filter(Boolean));
  return paths.filter((path) => !ignored.has(path));
}
