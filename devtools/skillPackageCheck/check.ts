// Every check of a skill package, in the order a person would fix them: files that cannot be
// read, Amazon's schema, then the rules the schema cannot express.

import { SKILL_PACKAGE_DIR } from '../../ops/paths.ts';
import { type Problem, readSkillPackage } from '../interaction-model/skillPackage.ts';
import { examplePhraseProblems, localeProblems } from './manifestRules.ts';
import { crossLocaleProblems, modelProblems } from './modelRules.ts';
import { interactionModelSchemaProblems, manifestSchemaProblems } from './schema.ts';

interface CheckResult {
  /** What was checked: skill.json and each model file, as shown in problems. */
  readonly files: readonly string[];
  readonly problems: readonly Problem[];
}

/**
 * A model rule runs only on a model that passed the schema, so that it can rely on its shape; the
 * manifest rules read only the locales and their example phrases, defensively, so they always run.
 */
export function checkSkillPackage(dir: string = SKILL_PACKAGE_DIR): CheckResult {
  const skillPackage = readSkillPackage(dir);
  const problems: Problem[] = [...skillPackage.problems];

  if (skillPackage.manifest) problems.push(...manifestSchemaProblems(skillPackage.manifest));
  const validModels = skillPackage.models.filter((model) => {
    const found = interactionModelSchemaProblems(model);
    problems.push(...found);
    return found.length === 0;
  });

  for (const model of validModels) problems.push(...modelProblems(model));
  problems.push(...crossLocaleProblems(validModels));
  const manifest = skillPackage.manifest;
  if (manifest)
    problems.push(...localeProblems(manifest, skillPackage.models), ...examplePhraseProblems(manifest, validModels));

  const files = [
    ...(skillPackage.manifest ? [skillPackage.manifest.file] : []),
    ...skillPackage.models.map((model) => model.file),
  ];
  return { files, problems };
}
