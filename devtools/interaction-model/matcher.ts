// From what a user says to what Alexa sends, as the locale's interaction model decides: for the
// simulator, and for the check that the manifest's example phrases reach the skill.

import { SKILL_PACKAGE_DIR } from '../../ops/paths.ts';
import type { SlotValueMap } from '../../testkit/envelopes.ts';
import { type AlexaLanguage, escapeRegExp, languageOf } from './language.ts';
import {
  type IntentDefinition,
  type LanguageModel,
  readLanguageModel,
  type SlotTypeDefinition,
} from './skillPackage.ts';

const FALLBACK_INTENT = 'AMAZON.FallbackIntent';

interface IntentMatch {
  readonly intent: string;
  /** Every slot the intent declares; a slot the user did not fill is present with no value, as Alexa sends it. */
  readonly slots: SlotValueMap;
}

export type Resolution =
  /** "open mail sender": a LaunchRequest in a new session. */
  | { readonly kind: 'launch' }
  /** An IntentRequest: a one-shot ("ask mail sender to …", new session) or a line inside the session. */
  | ({ readonly kind: 'intent'; readonly oneShot: boolean } & IntentMatch)
  /** Outside a session, words that match a sample of the skill without its name: Alexa may ask the skill (CanFulfillIntentRequest). */
  | ({ readonly kind: 'name-free' } & IntentMatch)
  /** "exit" inside a session: Alexa ends it and sends SessionEndedRequest. */
  | { readonly kind: 'exit' }
  /** Outside a session, words that neither name the skill nor match its samples: Alexa answers them itself. */
  | { readonly kind: 'not-for-skill' };

export interface Matcher {
  readonly locale: string;
  readonly invocationName: string;
  /** Resolves one line the user says; `inSession` is true while the skill's session is open. */
  resolve(utterance: string, options?: { readonly inSession?: boolean }): Resolution;
  /** Two things to say to the skill: a one-shot and a launch. */
  examples(): readonly [string, string];
}

const PUNCTUATION_AND_SYMBOLS = /[\p{P}\p{S}]+/gu;

/**
 * Lower case, NFKC (full-width letters and half-width kana folded), punctuation (、。！？ too) removed,
 * spaces collapsed, and none at all for languages written without them: so 「牛乳を買うというメールを
 * 送って」 fills {note} with 牛乳を買う.
 */
export function normalizeUtterance(text: string, language: AlexaLanguage): string {
  const words = text.normalize('NFKC').toLowerCase().replace(PUNCTUATION_AND_SYMBOLS, ' ').replace(/\s+/gu, ' ').trim();
  return language.spaced ? words : words.replace(/ /g, '');
}

interface CompiledSample {
  readonly intent: string;
  readonly pattern: RegExp;
  readonly slotNames: readonly string[];
  /** Characters the sample fixes: the more, the more specific the match. */
  readonly literalLength: number;
  readonly fromModel: boolean;
}

/** AMAZON.SearchQuery takes the rest of the phrase; a custom type, only its values and synonyms. */
function slotPattern(type: string | undefined, types: readonly SlotTypeDefinition[], language: AlexaLanguage): string {
  if (type === 'AMAZON.SearchQuery') return '(.+)';
  const custom = types.find((candidate) => candidate.name === type);
  if (custom?.values?.length) {
    const phrases = custom.values
      .flatMap(({ name }) => [name.value, ...(name.synonyms ?? [])])
      .map((phrase) => normalizeUtterance(phrase, language))
      .filter((phrase) => phrase.length > 0)
      .sort((a, b) => b.length - a.length);
    return `(${phrases.map(escapeRegExp).join('|')})`;
  }
  return '(.+?)';
}

function compileSample(
  sample: string,
  intent: IntentDefinition,
  types: readonly SlotTypeDefinition[],
  language: AlexaLanguage,
  fromModel: boolean,
): CompiledSample {
  const pieces: string[] = [];
  const slotNames: string[] = [];
  let literalLength = 0;
  for (const part of sample.split(/(\{[^}]+\})/u)) {
    const slot = /^\{([^}]+)\}$/u.exec(part)?.[1];
    if (slot !== undefined) {
      const type = intent.slots?.find((candidate) => candidate.name === slot)?.type;
      pieces.push(slotPattern(type, types, language));
      slotNames.push(slot);
      continue;
    }
    const literal = normalizeUtterance(part, language);
    if (!literal) continue;
    pieces.push(escapeRegExp(literal));
    literalLength += literal.length;
  }
  const pattern = new RegExp(`^${pieces.join(language.spaced ? ' ' : '')}$`, 'u');
  return { intent: intent.name, pattern, slotNames, literalLength, fromModel };
}

function compileSamples(model: LanguageModel, language: AlexaLanguage): CompiledSample[] {
  const types = model.types ?? [];
  const compiled = model.intents.flatMap((intent) => [
    ...(intent.samples ?? []).map((sample) => compileSample(sample, intent, types, language, true)),
    ...(language.builtInSamples[intent.name] ?? []).map((sample) =>
      compileSample(sample, intent, types, language, false),
    ),
  ]);
  // Most specific first: more fixed text, then fewer slots, then the model's own samples before Alexa's built-in phrases.
  return compiled.sort(
    (a, b) =>
      b.literalLength - a.literalLength ||
      a.slotNames.length - b.slotNames.length ||
      Number(b.fromModel) - Number(a.fromModel),
  );
}

/**
 * "open INVOCATION" is a LaunchRequest; "ask INVOCATION to …" / 「INVOCATIONで…」 carry the rest as a
 * one-shot IntentRequest; inside a session a line is matched against every sample utterance with its
 * slots filled; a line that matches nothing is AMAZON.FallbackIntent, as Alexa does.
 */
export function createMatcher(model: LanguageModel, locale: string): Matcher {
  const language = languageOf(locale);
  const samples = compileSamples(model, language);
  const invocationName = normalizeUtterance(model.invocationName, language);
  const launchPatterns = language.launchPatterns(invocationName);
  const oneShotPatterns = language.oneShotPatterns(invocationName);
  const exitPhrases = new Set(language.exitPhrases);
  const declares = (name: string) => model.intents.some((intent) => intent.name === name);
  const wakeWord = new RegExp(
    `^(?:${language.wakeWords.map(escapeRegExp).join('|')})${language.spaced ? ' ' : ''}`,
    'u',
  );

  const clean = (utterance: string) => normalizeUtterance(utterance, language).replace(wakeWord, '');

  const withDeclaredSlots = (intentName: string, filled: Record<string, string>): SlotValueMap => {
    const declared = model.intents.find((intent) => intent.name === intentName)?.slots ?? [];
    return Object.fromEntries(declared.map((slot) => [slot.name, filled[slot.name]]));
  };

  const matchNormalized = (text: string, customOnly = false): IntentMatch | undefined => {
    for (const sample of samples) {
      if (customOnly && sample.intent.startsWith('AMAZON.')) continue;
      const found = sample.pattern.exec(text);
      if (!found) continue;
      const filled = Object.fromEntries(sample.slotNames.map((name, index) => [name, found[index + 1] ?? '']));
      return { intent: sample.intent, slots: withDeclaredSlots(sample.intent, filled) };
    }
    return undefined;
  };

  const fallback = (): IntentMatch => ({ intent: FALLBACK_INTENT, slots: {} });

  const oneShot = (text: string): Resolution | undefined => {
    for (const pattern of oneShotPatterns) {
      const rest = pattern.exec(text)?.groups?.rest;
      if (!rest) continue;
      const connector = language.connectors.find((word) => rest.startsWith(`${word} `));
      const candidates = connector ? [rest.slice(connector.length + 1), rest] : [rest];
      for (const candidate of candidates) {
        const match = matchNormalized(candidate);
        if (match) return { kind: 'intent', oneShot: true, ...match };
      }
      // The skill was named but the request matches none of its samples: Alexa still sends it, as a fallback.
      return declares(FALLBACK_INTENT) ? { kind: 'intent', oneShot: true, ...fallback() } : { kind: 'launch' };
    }
    return undefined;
  };

  return {
    locale,
    invocationName,
    resolve(utterance, { inSession = false } = {}) {
      const text = clean(utterance);
      if (!text) return inSession ? { kind: 'intent', oneShot: false, ...fallback() } : { kind: 'not-for-skill' };
      if (launchPatterns.some((pattern) => pattern.test(text))) return { kind: 'launch' };
      const invoked = oneShot(text);
      if (invoked) return invoked;
      if (inSession) {
        if (exitPhrases.has(text)) return { kind: 'exit' };
        return { kind: 'intent', oneShot: false, ...(matchNormalized(text) ?? fallback()) };
      }
      const nameFree = language.nameFree ? matchNormalized(text, true) : undefined;
      return nameFree ? { kind: 'name-free', ...nameFree } : { kind: 'not-for-skill' };
    },
    examples() {
      const custom = model.intents
        .filter((intent) => !intent.name.startsWith('AMAZON.'))
        .flatMap((intent) => intent.samples ?? []);
      // A sample without slots reads best; otherwise the first one, with each slot named in its place.
      const sample = (custom.find((candidate) => !candidate.includes('{')) ?? custom[0] ?? '').replace(
        /\{([^}]+)\}/g,
        '$1',
      );
      return language.examples(model.invocationName, normalizeUtterance(sample, language));
    },
  };
}

const matchers = new Map<string, Matcher>();

/** The matcher of a locale, driven by skill-package/interactionModels/custom/LOCALE.json (read once). */
export function matcherFor(locale: string, skillPackageDir: string = SKILL_PACKAGE_DIR): Matcher {
  const key = `${skillPackageDir}\u0000${locale}`;
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = createMatcher(readLanguageModel(locale, skillPackageDir), locale);
    matchers.set(key, matcher);
  }
  return matcher;
}

/**
 * What Alexa would send for these words said to a device with no session open.
 * An example phrase reaches the skill when the result is a launch or an intent other than AMAZON.FallbackIntent:
 * resolveUtterance('Alexa, ask mail sender to send me an email', 'en-US') → { kind: 'intent', intent: 'SendEmailIntent', … }.
 */
export function resolveUtterance(
  utterance: string,
  locale: string,
  options: { readonly inSession?: boolean; readonly skillPackageDir?: string } = {},
): Resolution {
  return matcherFor(locale, options.skillPackageDir).resolve(utterance, { inSession: options.inSession ?? false });
}

/** True when the words open the skill or reach one of its intents other than the fallback. */
export function reachesSkill(resolution: Resolution): boolean {
  if (resolution.kind === 'launch') return true;
  return resolution.kind === 'intent' && resolution.intent !== FALLBACK_INTENT;
}

/** "LaunchRequest", "SendEmailIntent (one-shot) note=buy milk", … for messages and test names. */
export function describeResolution(resolution: Resolution): string {
  switch (resolution.kind) {
    case 'launch':
      return 'LaunchRequest';
    case 'exit':
      return 'SessionEndedRequest (exit)';
    case 'not-for-skill':
      return 'not for the skill';
    case 'intent':
    case 'name-free': {
      const slots = Object.entries(resolution.slots)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => ` ${name}=${value}`)
        .join('');
      const how = resolution.kind === 'name-free' ? ' (name-free)' : resolution.oneShot ? ' (one-shot)' : '';
      return `${resolution.intent}${how}${slots}`;
    }
  }
}
