// Reads an ASK CLI skill package (skill.json and interactionModels/custom/LOCALE.json) for the
// checks, keeping each file's path and raw JSON; a file that cannot be read or parsed becomes
// a problem instead of an exception, so one run reports everything that is wrong.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, shownPath } from '../../ops/paths.ts';

export const DEFAULT_SKILL_PACKAGE_DIR = join(PROJECT_ROOT, 'skill-package');
export const MANIFEST_FILE = 'skill.json';
export const MODELS_DIR = 'interactionModels/custom';

/** One thing wrong, in one file (a path as the user would type it). */
export interface Problem {
  readonly file: string;
  readonly problem: string;
}

export interface PackageFile {
  /** Shown in problems: relative to the project when inside it. */
  readonly file: string;
  readonly data: unknown;
}

export interface ModelFile extends PackageFile {
  readonly locale: string;
}

export interface SkillPackage {
  readonly dir: string;
  readonly manifest?: PackageFile;
  readonly models: readonly ModelFile[];
  readonly problems: readonly Problem[];
}

async function readJson(path: string): Promise<{ data: unknown } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      problem:
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'is missing'
          : `cannot be read (${(error as Error).message})`,
    };
  }
  try {
    return { data: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `is not valid JSON: ${(error as Error).message}` };
  }
}

export async function readSkillPackage(dir: string = DEFAULT_SKILL_PACKAGE_DIR): Promise<SkillPackage> {
  const problems: Problem[] = [];
  const manifestPath = shownPath(join(dir, MANIFEST_FILE));
  const manifestJson = await readJson(join(dir, MANIFEST_FILE));
  if ('problem' in manifestJson)
    problems.push({ file: manifestPath, problem: `The skill manifest ${manifestJson.problem}.` });

  const models: ModelFile[] = [];
  const modelsDir = join(dir, MODELS_DIR);
  const names = await readdir(modelsDir).catch(() => [] as string[]);
  const modelNames = names.filter((name) => name.endsWith('.json')).sort();
  if (modelNames.length === 0)
    problems.push({ file: shownPath(modelsDir), problem: 'There is no interaction model (LOCALE.json) here.' });
  for (const name of modelNames) {
    const path = join(modelsDir, name);
    const json = await readJson(path);
    if ('problem' in json) problems.push({ file: shownPath(path), problem: `The interaction model ${json.problem}.` });
    else models.push({ file: shownPath(path), locale: name.slice(0, -'.json'.length), data: json.data });
  }
  return {
    dir,
    ...('data' in manifestJson ? { manifest: { file: manifestPath, data: manifestJson.data } } : {}),
    models,
    problems,
  };
}
