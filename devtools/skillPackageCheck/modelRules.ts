// The interaction model rules that Amazon's schema cannot express: they relate one part of a
// model to another (a sample to its slots, an intent to the others) or one locale to another.
// Each takes models that already passed the schema.

import type { v1 } from 'ask-smapi-model';
import type { ModelFile, Problem } from '../interaction-model/skillPackage.ts';
import { invocationNameProblems } from './invocationName.ts';

type LanguageModel = v1.skill.interactionModel.LanguageModel;

/** Built-in intents this skill relies on: Help, Cancel and Stop are required for certification, NavigateHome on screens, Fallback for what no sample matches. */
const REQUIRED_BUILT_IN_INTENTS = [
  'AMAZON.HelpIntent',
  'AMAZON.CancelIntent',
  'AMAZON.StopIntent',
  'AMAZON.NavigateHomeIntent',
  'AMAZON.FallbackIntent',
];

export function languageModelOf(file: ModelFile): LanguageModel {
  return (file.data as v1.skill.interactionModel.InteractionModelData).interactionModel.languageModel;
}

const SLOT_REFERENCE = /\{([^{}]*)\}/g;

/** How Alexa compares samples: case, spacing and the names of slots do not make two samples different. */
function sampleKey(sample: string): string {
  return sample.toLowerCase().replace(SLOT_REFERENCE, '{}').replace(/\s+/g, ' ').trim();
}

export function modelProblems(file: ModelFile): Problem[] {
  const model = languageModelOf(file);
  const problems: string[] = [...invocationNameProblems(file.locale, model.invocationName)];
  const intentNames = new Set(model.intents.map((intent) => intent.name));
  const typeNames = new Set((model.types ?? []).map((type) => type.name));
  const firstIntentOf = new Map<string, string>();

  for (const intent of model.intents) {
    const declared = new Set((intent.slots ?? []).map((slot) => slot.name));
    for (const slot of intent.slots ?? []) {
      // The schema leaves `type` optional; Alexa does not.
      if (!slot.type) problems.push(`The slot {${slot.name}} of ${intent.name} has no type.`);
      else if (!slot.type.startsWith('AMAZON.') && !typeNames.has(slot.type)) {
        problems.push(
          `The slot {${slot.name}} of ${intent.name} has the type "${slot.type}", which is neither built in (AMAZON.…) nor defined under types.`,
        );
      }
    }
    if (!intent.name.startsWith('AMAZON.') && (intent.samples ?? []).length === 0)
      problems.push(`${intent.name} has no sample utterances.`);
    for (const sample of intent.samples ?? []) {
      for (const [, slotName] of sample.matchAll(SLOT_REFERENCE)) {
        if (!declared.has(slotName ?? ''))
          problems.push(
            `The sample "${sample}" of ${intent.name} uses the slot {${slotName}}, which ${intent.name} does not declare.`,
          );
      }
      const key = sampleKey(sample);
      const owner = firstIntentOf.get(key);
      if (owner === undefined) firstIntentOf.set(key, intent.name);
      else if (owner !== intent.name)
        problems.push(`The sample "${sample}" is in both ${owner} and ${intent.name}: Alexa could send either.`);
      else problems.push(`The sample "${sample}" appears twice in ${intent.name}.`);
    }
  }
  for (const name of REQUIRED_BUILT_IN_INTENTS)
    if (!intentNames.has(name)) problems.push(`The built-in intent ${name} is missing.`);
  return problems.map((problem) => ({ file: file.file, problem }));
}

/** Every locale must offer the same intents with the same slots: the handlers are shared. */
export function crossLocaleProblems(files: readonly ModelFile[]): Problem[] {
  const problems: Problem[] = [];
  const fileName = (file: ModelFile) => file.file.replace(/.*\//, '');
  const all = files.map((file) => ({
    file,
    slots: new Map(
      languageModelOf(file).intents.map((intent) => [
        intent.name,
        (intent.slots ?? [])
          .map((slot) => slot.name)
          .sort()
          .join(', '),
      ]),
    ),
  }));
  for (const { file, slots } of all) {
    const missing = new Map<string, ModelFile>();
    for (const other of all) {
      if (other.file === file) continue;
      for (const [name, otherSlots] of other.slots) {
        const mine = slots.get(name);
        if (mine === undefined) {
          if (!missing.has(name)) missing.set(name, other.file);
        } else if (mine !== otherSlots && file.locale < other.file.locale) {
          problems.push({
            file: file.file,
            problem: `${name} declares the slots {${mine}} here but {${otherSlots}} in ${fileName(other.file)}.`,
          });
        }
      }
    }
    for (const [name, owner] of missing) {
      problems.push({
        file: file.file,
        problem: `${name} is missing, but ${fileName(owner)} has it: every locale must offer the same intents.`,
      });
    }
  }
  return problems;
}
