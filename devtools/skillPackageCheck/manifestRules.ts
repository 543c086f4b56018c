// The skill manifest rules that Amazon's schema cannot express: the manifest's locales and the
// interaction model files must match, and every example phrase in the store listing must
// actually reach the skill, as resolved by the dialog simulator's matcher from the model itself.

import type { v1 } from 'ask-smapi-model';
import { languageOf } from '../interaction-model/language.ts';
import { createMatcher, describeResolution, normalizeUtterance, reachesSkill } from '../interaction-model/matcher.ts';
import type { ModelFile, PackageFile, Problem } from '../interaction-model/skillPackage.ts';
import { languageModelOf } from './modelRules.ts';

type Locales = Record<string, v1.skill.Manifest.SkillManifestLocalizedPublishingInformation>;

// Read defensively: these rules also run on a manifest with schema errors elsewhere in it.
function localesOf(manifest: PackageFile): Locales {
  const locales = (manifest.data as v1.skill.Manifest.SkillManifestEnvelope | null)?.manifest?.publishingInformation
    ?.locales;
  return locales && typeof locales === 'object' ? locales : {};
}

function examplePhrasesOf(listing: unknown): string[] {
  const phrases = (listing as { examplePhrases?: unknown } | null)?.examplePhrases;
  return Array.isArray(phrases) ? phrases.filter((phrase): phrase is string => typeof phrase === 'string') : [];
}

export function localeProblems(manifest: PackageFile, models: readonly ModelFile[]): Problem[] {
  const problems: Problem[] = [];
  const listed = Object.keys(localesOf(manifest));
  const modelled = new Set(models.map((model) => model.locale));
  for (const locale of listed) {
    if (!modelled.has(locale))
      problems.push({
        file: manifest.file,
        problem: `The locale ${locale} is published, but there is no interactionModels/custom/${locale}.json.`,
      });
  }
  for (const model of models) {
    if (!listed.includes(model.locale))
      problems.push({
        file: model.file,
        problem: `The manifest's publishingInformation.locales has no ${model.locale}, so this model is never used.`,
      });
  }
  return problems;
}

/** Models are those that passed the schema; a locale without one has been reported already. */
export function examplePhraseProblems(manifest: PackageFile, models: readonly ModelFile[]): Problem[] {
  const problems: Problem[] = [];
  for (const [locale, listing] of Object.entries(localesOf(manifest))) {
    const model = models.find((candidate) => candidate.locale === locale);
    if (!model) continue;
    const phrases = examplePhrasesOf(listing);
    if (phrases.length === 0) {
      problems.push({
        file: manifest.file,
        problem: `${locale} has no example phrases; the store listing needs at least one.`,
      });
      continue;
    }
    const language = languageOf(locale);
    const first = normalizeUtterance(phrases[0]!, language);
    if (!language.wakeWords.some((word) => first.startsWith(word))) {
      problems.push({
        file: manifest.file,
        problem: `The first ${locale} example phrase "${phrases[0]}" must start with the wake word (${language.wakeWords[0]}).`,
      });
    }
    const matcher = createMatcher(languageModelOf(model), locale);
    for (const phrase of phrases) {
      const resolution = matcher.resolve(phrase, { inSession: false });
      if (reachesSkill(resolution)) continue;
      const why =
        resolution.kind === 'not-for-skill'
          ? `by ${model.file} it names neither the skill nor one of its samples`
          : resolution.kind === 'name-free'
            ? `it does not name the skill, so Alexa would only ask it (CanFulfillIntentRequest) for ${describeResolution(resolution)}`
            : `${model.file} resolves it to ${describeResolution(resolution)}`;
      problems.push({
        file: manifest.file,
        problem: `The ${locale} example phrase "${phrase}" does not reach the skill: ${why}.`,
      });
    }
  }
  return problems;
}
