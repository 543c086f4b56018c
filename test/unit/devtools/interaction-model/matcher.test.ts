// The matcher, driven by the interaction model files: every sample of every intent of both
// locales resolves to its own intent with its slot value; invocation phrases open the skill
// or carry a one-shot; paraphrases fall back; case and punctuation do not matter.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { languageOf } from '../../../../devtools/interaction-model/language.ts';
import {
  createMatcher,
  describeResolution,
  matcherFor,
  type Resolution,
  reachesSkill,
  resolveUtterance,
} from '../../../../devtools/interaction-model/matcher.ts';
import {
  type LanguageModel,
  readLanguageModel,
  skillLocales,
} from '../../../../devtools/interaction-model/skillPackage.ts';
import { SKILL_PACKAGE_DIR } from '../../../../ops/paths.ts';

const NOTE = { 'en-US': 'buy milk', 'ja-JP': '牛乳を買う' } as const;
type Locale = keyof typeof NOTE;

const LOCALES = skillLocales() as Locale[];

function fill(sample: string, locale: Locale): { text: string; slots: Record<string, string> } {
  const slots: Record<string, string> = {};
  const text = sample.replace(/\{([^}]+)\}/g, (_, name: string) => {
    slots[name] = NOTE[locale];
    return NOTE[locale];
  });
  return { text, slots };
}

function oneShotOf(sample: string, locale: Locale): string {
  return locale === 'en-US' ? `ask mail sender to ${sample}` : `メールセンダーで${sample}`;
}

function intentOf(resolution: Resolution): string | undefined {
  return resolution.kind === 'intent' || resolution.kind === 'name-free' ? resolution.intent : undefined;
}

describe('the skill package', () => {
  it('has interaction models for en-US and ja-JP', () => {
    expect(LOCALES.sort()).toEqual(['en-US', 'ja-JP']);
  });
});

describe.each(LOCALES)('every sample utterance of %s', (locale) => {
  const model = readLanguageModel(locale);
  const matcher = matcherFor(locale);
  const samples = model.intents.flatMap((intent) => (intent.samples ?? []).map((sample) => ({ intent, sample })));

  it('has samples to check', () => {
    expect(samples.length).toBeGreaterThan(10);
  });

  it.each(samples.map(({ intent, sample }) => [intent.name, sample, intent] as const))(
    '%s: "%s" resolves to its own intent inside a session',
    (_name, sample, intent) => {
      const { text, slots } = fill(sample, locale);
      const resolution = matcher.resolve(text, { inSession: true });
      expect(resolution).toMatchObject({ kind: 'intent', intent: intent.name, oneShot: false });
      if (resolution.kind !== 'intent') return;
      // Every declared slot is present; the filled ones carry what was said.
      expect(Object.keys(resolution.slots).sort()).toEqual((intent.slots ?? []).map((slot) => slot.name).sort());
      for (const slot of intent.slots ?? []) expect(resolution.slots[slot.name]).toBe(slots[slot.name]);
    },
  );

  it.each(samples.map(({ intent, sample }) => [intent.name, sample] as const))(
    '%s: "%s" resolves as a one-shot with the invocation name',
    (name, sample) => {
      const { text, slots } = fill(sample, locale);
      const resolution = resolveUtterance(oneShotOf(text, locale), locale);
      expect(resolution).toMatchObject({ kind: 'intent', intent: name, oneShot: true });
      if (resolution.kind === 'intent')
        for (const [slot, value] of Object.entries(slots)) expect(resolution.slots[slot]).toBe(value);
    },
  );
});

describe('invocation phrases', () => {
  it.each([
    ['en-US', 'open mail sender'],
    ['en-US', 'Alexa, launch Mail Sender.'],
    ['en-US', 'start the mail sender'],
    ['en-US', 'talk to mail sender'],
    ['en-US', 'ask mail sender'],
    ['en-US', 'mail sender'],
    ['ja-JP', 'アレクサ、メールセンダーを開いて'],
    ['ja-JP', 'メールセンダーを起動して'],
    ['ja-JP', 'メールセンダーをスタート'],
    ['ja-JP', 'メールセンダー'],
  ] as const)('%s "%s" is a LaunchRequest', (locale, phrase) => {
    expect(resolveUtterance(phrase, locale)).toEqual({ kind: 'launch' });
  });

  it.each([
    ['en-US', 'Alexa, ask mail sender to send me an email', undefined],
    ['en-US', 'tell mail sender to email me', undefined],
    ['en-US', 'tell mail sender send me an email', undefined],
    ['en-US', 'tell mail sender that i want an email', undefined],
    ['en-US', 'open mail sender and send me an email', undefined],
    ['en-US', 'send me an email using mail sender', undefined],
    ['en-US', 'ask mail sender to send me an email saying buy milk', 'buy milk'],
    ['ja-JP', 'アレクサ、メールセンダーでメールを送って', undefined],
    ['ja-JP', 'メールセンダーを使ってメールして', undefined],
    ['ja-JP', 'メールを送ってとメールセンダーに頼んで', undefined],
    ['ja-JP', 'アレクサ、メールセンダーで牛乳を買うというメールを送って', '牛乳を買う'],
  ] as const)('%s "%s" is a one-shot SendEmailIntent', (locale, phrase, note) => {
    expect(resolveUtterance(phrase, locale)).toEqual({
      kind: 'intent',
      oneShot: true,
      intent: 'SendEmailIntent',
      slots: { note },
    });
  });

  it('resolves a one-shot the model does not know to the fallback intent, as Alexa does', () => {
    expect(resolveUtterance('ask mail sender to order a pizza', 'en-US')).toMatchObject({
      kind: 'intent',
      intent: 'AMAZON.FallbackIntent',
      oneShot: true,
    });
    expect(resolveUtterance('メールセンダーでピザを注文して', 'ja-JP')).toMatchObject({
      kind: 'intent',
      intent: 'AMAZON.FallbackIntent',
      oneShot: true,
    });
  });

  it('opens a new session when the invocation name is said inside one', () => {
    expect(resolveUtterance('open mail sender', 'en-US', { inSession: true })).toEqual({ kind: 'launch' });
    expect(resolveUtterance('ask mail sender to email me', 'en-US', { inSession: true })).toMatchObject({
      oneShot: true,
    });
  });

  it.each(LOCALES)('lets every example phrase of the %s manifest reach the skill', (locale) => {
    const manifest = JSON.parse(readFileSync(join(SKILL_PACKAGE_DIR, 'skill.json'), 'utf8')) as {
      manifest: { publishingInformation: { locales: Record<string, { examplePhrases: string[] }> } };
    };
    const phrases = manifest.manifest.publishingInformation.locales[locale]?.examplePhrases ?? [];
    expect(phrases.length).toBeGreaterThan(0);
    for (const phrase of phrases)
      expect(
        reachesSkill(resolveUtterance(phrase, locale)),
        `${phrase} → ${describeResolution(resolveUtterance(phrase, locale))}`,
      ).toBe(true);
  });
});

describe('inside a session', () => {
  it.each([
    ['en-US', 'help', 'AMAZON.HelpIntent'],
    ['en-US', 'What can I say?', 'AMAZON.HelpIntent'],
    ['en-US', 'stop', 'AMAZON.StopIntent'],
    ['en-US', 'cancel', 'AMAZON.CancelIntent'],
    ['en-US', 'never mind', 'AMAZON.CancelIntent'],
    ['en-US', 'go home', 'AMAZON.NavigateHomeIntent'],
    ['ja-JP', 'ヘルプ', 'AMAZON.HelpIntent'],
    ['ja-JP', '何ができるの？', 'AMAZON.HelpIntent'],
    ['ja-JP', 'ストップ', 'AMAZON.StopIntent'],
    ['ja-JP', 'やめて', 'AMAZON.StopIntent'],
    ['ja-JP', 'キャンセル', 'AMAZON.CancelIntent'],
    ['ja-JP', 'ホームに戻って', 'AMAZON.NavigateHomeIntent'],
  ] as const)('%s "%s" is the built-in %s', (locale, phrase, intent) => {
    expect(resolveUtterance(phrase, locale, { inSession: true })).toEqual({
      kind: 'intent',
      oneShot: false,
      intent,
      slots: {},
    });
  });

  it.each([
    ['en-US', 'exit'],
    ['en-US', 'Quit!'],
    ['ja-JP', '終了'],
  ] as const)('%s "%s" ends the session (SessionEndedRequest, not an intent)', (locale, phrase) => {
    expect(resolveUtterance(phrase, locale, { inSession: true })).toEqual({ kind: 'exit' });
  });

  it.each([
    ['en-US', 'order a pizza'],
    ['en-US', "what's the weather like"],
    ['en-US', 'play some music'],
    ['en-US', 'send an e-mail to my boss'],
    ['en-US', 'email'],
    ['ja-JP', '天気を教えて'],
    ['ja-JP', 'ピザを注文して'],
    ['ja-JP', '音楽をかけて'],
    ['ja-JP', 'メール'],
  ] as const)('%s "%s" falls back, as Alexa does', (locale, phrase) => {
    expect(resolveUtterance(phrase, locale, { inSession: true })).toEqual({
      kind: 'intent',
      oneShot: false,
      intent: 'AMAZON.FallbackIntent',
      slots: {},
    });
  });

  it('ignores case, punctuation and, in Japanese, spacing', () => {
    expect(intentOf(resolveUtterance('SEND ME AN EMAIL!!!', 'en-US', { inSession: true }))).toBe('SendEmailIntent');
    expect(intentOf(resolveUtterance('ＳＥＮＤ ＭＥ ＡＮ ＥＭＡＩＬ', 'en-US', { inSession: true }))).toBe(
      'SendEmailIntent',
    );
    expect(resolveUtterance('Send me an email, saying: Buy milk.', 'en-US', { inSession: true })).toMatchObject({
      intent: 'SendEmailIntent',
      slots: { note: 'buy milk' },
    });
    expect(resolveUtterance('「牛乳を買う」というメールを送って！', 'ja-JP', { inSession: true })).toMatchObject({
      intent: 'SendEmailIntent',
      slots: { note: '牛乳を買う' },
    });
    expect(resolveUtterance('牛乳を買う というメールを 送って。', 'ja-JP', { inSession: true })).toMatchObject({
      intent: 'SendEmailIntent',
      slots: { note: '牛乳を買う' },
    });
    expect(resolveUtterance('ﾒｰﾙを送って', 'ja-JP', { inSession: true })).toMatchObject({ intent: 'SendEmailIntent' });
  });

  it('takes the rest of the phrase as the note, whatever it is', () => {
    const words = fc.constantFrom(
      'buy',
      'milk',
      'call',
      'mom',
      'at',
      'noon',
      'pick',
      'up',
      'the',
      'kids',
      'email',
      'me',
    );
    fc.assert(
      fc.property(fc.array(words, { minLength: 1, maxLength: 8 }), (note) => {
        const said = note.join(' ');
        expect(resolveUtterance(`send me an email saying ${said}`, 'en-US', { inSession: true })).toMatchObject({
          intent: 'SendEmailIntent',
          slots: { note: said },
        });
      }),
    );
    const kana = fc.string({
      unit: fc.constantFrom(...'あいうえおかきくけこ牛乳卵パン明日買う'.split('')),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(kana, (note) => {
        expect(resolveUtterance(`${note}というメールを送って`, 'ja-JP', { inSession: true })).toMatchObject({
          intent: 'SendEmailIntent',
          slots: { note },
        });
      }),
    );
  });
});

describe('outside a session', () => {
  it('asks the skill by name-free interaction when the words match one of its own samples', () => {
    expect(resolveUtterance('send me an email', 'en-US')).toEqual({
      kind: 'name-free',
      intent: 'SendEmailIntent',
      slots: { note: undefined },
    });
    // Amazon offers name-free interaction in English locales only.
    expect(resolveUtterance('メールを送って', 'ja-JP')).toEqual({ kind: 'not-for-skill' });
  });

  it('leaves other words, even built-in ones like "help", to Alexa herself', () => {
    expect(resolveUtterance('what time is it', 'en-US')).toEqual({ kind: 'not-for-skill' });
    expect(resolveUtterance('help', 'en-US')).toEqual({ kind: 'not-for-skill' });
    expect(resolveUtterance('天気を教えて', 'ja-JP')).toEqual({ kind: 'not-for-skill' });
  });
});

describe('a model with a custom slot type', () => {
  const model: LanguageModel = {
    invocationName: 'colour picker',
    intents: [
      {
        name: 'PickIntent',
        slots: [{ name: 'colour', type: 'ColourType' }],
        samples: ['pick {colour}', 'i like {colour} best'],
      },
      { name: 'AMAZON.FallbackIntent', samples: [] },
    ],
    types: [
      {
        name: 'ColourType',
        values: [{ name: { value: 'red', synonyms: ['crimson'] } }, { name: { value: 'dark blue' } }],
      },
    ],
  };
  const matcher = createMatcher(model, 'en-US');

  it('fills the slot only with the type’s values and synonyms', () => {
    expect(matcher.resolve('pick crimson', { inSession: true })).toMatchObject({
      intent: 'PickIntent',
      slots: { colour: 'crimson' },
    });
    expect(matcher.resolve('I like dark blue best', { inSession: true })).toMatchObject({
      intent: 'PickIntent',
      slots: { colour: 'dark blue' },
    });
    expect(matcher.resolve('pick green', { inSession: true })).toMatchObject({ intent: 'AMAZON.FallbackIntent' });
  });

  it('offers examples built from the model', () => {
    expect(createMatcher(model, 'en-US').examples()).toEqual([
      'ask colour picker to pick colour',
      'open colour picker',
    ]);
    expect(matcherFor('en-US').examples()).toEqual(['ask mail sender to send me an email', 'open mail sender']);
    expect(matcherFor('ja-JP').examples()).toEqual(['メールセンダーでメールを送って', 'メールセンダーを開いて']);
  });

  it('refuses a locale whose language it does not know', () => {
    expect(() => createMatcher(model, 'fr-FR')).toThrow(/does not speak the language of fr-FR/);
    expect(languageOf('en-GB').spaced).toBe(true);
  });
});
