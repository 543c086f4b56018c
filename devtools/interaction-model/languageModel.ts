// What the simulator reads from the ASK CLI project: the locales of skill-package/skill.json
// and the interaction model of each locale.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MODELS_DIR, DEFAULT_SKILL_PACKAGE_DIR as SKILL_PACKAGE_DIR } from './skillPackage.ts';

export { SKILL_PACKAGE_DIR };

export interface SlotDefinition {
  readonly name: string;
  readonly type: string;
}

export interface IntentDefinition {
  readonly name: string;
  readonly slots?: readonly SlotDefinition[];
  readonly samples?: readonly string[];
}

export interface SlotTypeDefinition {
  readonly name: string;
  readonly values?: readonly { readonly name: { readonly value: string; readonly synonyms?: readonly string[] } }[];
}

export interface LanguageModel {
  readonly invocationName: string;
  readonly intents: readonly IntentDefinition[];
  readonly types?: readonly SlotTypeDefinition[];
}

export function interactionModelPath(locale: string, skillPackageDir: string = SKILL_PACKAGE_DIR): string {
  return join(skillPackageDir, MODELS_DIR, `${locale}.json`);
}

type ManifestLocales = Record<string, { readonly name?: string } | undefined>;

function manifestLocales(skillPackageDir: string): ManifestLocales {
  const manifest = JSON.parse(readFileSync(join(skillPackageDir, 'skill.json'), 'utf8')) as {
    manifest?: { publishingInformation?: { locales?: ManifestLocales } };
  };
  return manifest.manifest?.publishingInformation?.locales ?? {};
}

/** The locales of the skill manifest that also have an interaction model. */
export function skillLocales(skillPackageDir: string = SKILL_PACKAGE_DIR): string[] {
  return Object.keys(manifestLocales(skillPackageDir)).filter((locale) =>
    existsSync(interactionModelPath(locale, skillPackageDir)),
  );
}

/** The skill's public name in a locale ("Mail Sender", 「メールセンダー」). */
export function skillName(locale: string, skillPackageDir: string = SKILL_PACKAGE_DIR): string | undefined {
  return manifestLocales(skillPackageDir)[locale]?.name;
}

export function readLanguageModel(locale: string, skillPackageDir: string = SKILL_PACKAGE_DIR): LanguageModel {
  const path = interactionModelPath(locale, skillPackageDir);
  if (!existsSync(path)) throw new Error(`There is no interaction model for ${locale} (${path} is missing).`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as {
    interactionModel?: { languageModel?: Partial<LanguageModel> };
  };
  const model = file.interactionModel?.languageModel;
  if (!model?.invocationName || !Array.isArray(model.intents)) {
    throw new Error(`${path} has no interactionModel.languageModel with an invocationName and intents.`);
  }
  return model as LanguageModel;
}
