// Reads the ASK CLI skill package (skill.json and interactionModels/custom/LOCALE.json): whole,
// with every unreadable file as a problem, for the checks; one locale at a time for the simulator.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SKILL_PACKAGE_DIR, shownPath } from '../../ops/paths.ts';

const MANIFEST_FILE = 'skill.json';
const MODELS_DIR = 'interactionModels/custom';

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

interface SkillPackage {
  readonly dir: string;
  readonly manifest?: PackageFile;
  readonly models: readonly ModelFile[];
  readonly problems: readonly Problem[];
}

/** The part of an interaction model the simulator reads; Amazon's own type (ask-smapi-model) fits it. */
export interface LanguageModel {
  readonly invocationName: string;
  readonly intents: readonly IntentDefinition[];
  readonly types?: readonly SlotTypeDefinition[];
}

export interface IntentDefinition {
  readonly name: string;
  readonly slots?: readonly { readonly name: string; readonly type?: string }[];
  readonly samples?: readonly string[];
}

export interface SlotTypeDefinition {
  readonly name: string;
  readonly values?: readonly { readonly name: { readonly value: string; readonly synonyms?: readonly string[] } }[];
}

function readJson(path: string): { data: unknown } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
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

/** Every file of the package, and a problem for each that cannot be read or parsed, so one run reports all. */
export function readSkillPackage(dir: string = SKILL_PACKAGE_DIR): SkillPackage {
  const problems: Problem[] = [];
  const manifestPath = shownPath(join(dir, MANIFEST_FILE));
  const manifestJson = readJson(join(dir, MANIFEST_FILE));
  if ('problem' in manifestJson)
    problems.push({ file: manifestPath, problem: `The skill manifest ${manifestJson.problem}.` });

  const models: ModelFile[] = [];
  const modelsDir = join(dir, MODELS_DIR);
  const modelNames = filesIn(modelsDir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (modelNames.length === 0)
    problems.push({ file: shownPath(modelsDir), problem: 'There is no interaction model (LOCALE.json) here.' });
  for (const name of modelNames) {
    const path = join(modelsDir, name);
    const json = readJson(path);
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

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function modelPath(locale: string, dir: string): string {
  return join(dir, MODELS_DIR, `${locale}.json`);
}

type ManifestLocales = Record<string, { readonly name?: string } | undefined>;

/** The manifest's locales; a manifest the simulator cannot read stops it with one sentence. */
function manifestLocales(dir: string): ManifestLocales {
  const path = join(dir, MANIFEST_FILE);
  const json = readJson(path);
  if ('problem' in json) throw new Error(`The skill manifest ${shownPath(path)} ${json.problem}.`);
  const manifest = json.data as { manifest?: { publishingInformation?: { locales?: ManifestLocales } } } | null;
  return manifest?.manifest?.publishingInformation?.locales ?? {};
}

/** The locales of the skill manifest that also have an interaction model. */
export function skillLocales(dir: string = SKILL_PACKAGE_DIR): string[] {
  return Object.keys(manifestLocales(dir)).filter((locale) => existsSync(modelPath(locale, dir)));
}

/** The skill's public name in a locale ("Mail Sender", 「メールセンダー」). */
export function skillName(locale: string, dir: string = SKILL_PACKAGE_DIR): string | undefined {
  return manifestLocales(dir)[locale]?.name;
}

export function readLanguageModel(locale: string, dir: string = SKILL_PACKAGE_DIR): LanguageModel {
  const path = modelPath(locale, dir);
  const json = readJson(path);
  if ('problem' in json) {
    throw new Error(
      json.problem === 'is missing'
        ? `There is no interaction model for ${locale} (${shownPath(path)} is missing).`
        : `The interaction model ${shownPath(path)} ${json.problem}.`,
    );
  }
  const model = (json.data as { interactionModel?: { languageModel?: Partial<LanguageModel> } } | null)
    ?.interactionModel?.languageModel;
  if (!model?.invocationName || !Array.isArray(model.intents)) {
    throw new Error(`${shownPath(path)} has no interactionModel.languageModel with an invocationName and intents.`);
  }
  return model as LanguageModel;
}
