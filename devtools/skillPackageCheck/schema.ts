// Validates skill.json and the interaction models against Amazon's own schema: the Swagger 2
// document that the ask-smapi-model package ships (spec.json), with Ajv. The spec is used as
// published; what is Swagger rather than JSON Schema in it is declared to Ajv, not edited out.

import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { PackageFile, Problem } from '../interaction-model/skillPackage.ts';

const MANIFEST_DEFINITION = 'v1.skill.Manifest.SkillManifestEnvelope';
const INTERACTION_MODEL_DEFINITION = 'v1.skill.interactionModel.InteractionModelData';
const SPEC_ID = 'ask-smapi-model';

interface SwaggerSpec {
  readonly definitions: Record<string, unknown>;
}

// ajv-formats is CommonJS: `module.exports` is the plugin, with itself again as `.default`.
const addFormats = addFormatsModule.default;

/** Walks the definitions for the vendor keywords (x-isEnum, x-inheritsFrom …) and the formats they name. */
function swaggerExtras(definitions: unknown): { keywords: Set<string>; formats: Set<string> } {
  const keywords = new Set<string>();
  const formats = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) keywords.add(key);
      if (key === 'format' && typeof value === 'string') formats.add(value);
      walk(value);
    }
  };
  walk(definitions);
  return { keywords, formats };
}

function createValidators(): { manifest: ValidateFunction; interactionModel: ValidateFunction } {
  const spec = createRequire(import.meta.url)('ask-smapi-model/spec.json') as SwaggerSpec;
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const { keywords, formats } = swaggerExtras(spec.definitions);
  // Swagger 2's `discriminator` is a property name (JSON Schema has none); `example` documents.
  // Neither constrains a value, so Ajv is told they exist rather than having them removed.
  ajv.addVocabulary([...keywords, 'discriminator', 'example']);
  // Some formats are prose ("Amazon Common Identifier", "ISO 4217 format"): they describe, not constrain.
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  // Only the definitions: the paths and the rest of the Swagger document are not JSON Schema.
  ajv.addSchema({ $id: SPEC_ID, definitions: spec.definitions });
  const compile = (name: string) => {
    const validate = ajv.getSchema(`${SPEC_ID}#/definitions/${name}`);
    if (!validate) throw new Error(`ask-smapi-model's spec.json has no definition ${name}.`);
    return validate;
  };
  return { manifest: compile(MANIFEST_DEFINITION), interactionModel: compile(INTERACTION_MODEL_DEFINITION) };
}

let validators: ReturnType<typeof createValidators> | undefined;

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      data,
    );
}

/** "/manifest/permissions/0/name: "alexa::profile:emial:read" is not an allowed value; did you mean "alexa::profile:email:read"?" */
function describe(error: ErrorObject, data: unknown): string {
  const where = error.instancePath || '(the whole file)';
  if (error.keyword === 'enum') {
    const value = valueAt(data, error.instancePath);
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.filter(
      (item): item is string => typeof item === 'string',
    );
    const closest =
      typeof value === 'string'
        ? allowed
            .map((item) => ({ item, distance: levenshtein(value, item) }))
            .sort((a, b) => a.distance - b.distance)[0]
        : undefined;
    const hint =
      closest && closest.distance <= Math.max(3, Math.floor(closest.item.length / 4))
        ? `; did you mean "${closest.item}"?`
        : '.';
    return `${where}: ${JSON.stringify(value)} is not one of the values Amazon's schema allows${hint}`;
  }
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}".`;
  return `${where} ${error.message ?? 'is invalid'}.`;
}

function check(validate: ValidateFunction, file: PackageFile, definition: string): Problem[] {
  if (validate(file.data)) return [];
  return (validate.errors ?? []).map((error) => ({
    file: file.file,
    problem: `Does not match ${definition}: ${describe(error, file.data)}`,
  }));
}

export function manifestSchemaProblems(file: PackageFile): Problem[] {
  validators ??= createValidators();
  return check(validators.manifest, file, MANIFEST_DEFINITION);
}

export function interactionModelSchemaProblems(file: PackageFile): Problem[] {
  validators ??= createValidators();
  return check(validators.interactionModel, file, INTERACTION_MODEL_DEFINITION);
}
