// What Alexa knows about a language that an interaction model does not say: wake words, the
// phrases that open a skill or carry a request to it, "exit", the built-in intents' phrases.

/** Every phrase is written normalized (matcher.ts): lower case, no punctuation, and for Japanese no spaces. */
export interface AlexaLanguage {
  /** True when words are separated by spaces (English), false when they are not (Japanese). */
  readonly spaced: boolean;
  /** Whether Alexa offers name-free interaction (CanFulfillIntentRequest) in this language: English only. */
  readonly nameFree: boolean;
  readonly wakeWords: readonly string[];
  /** Said inside a session, these end it: Alexa sends SessionEndedRequest (USER_INITIATED), not an intent. */
  readonly exitPhrases: readonly string[];
  /** Alexa's own utterances for the built-in intents a model declares. */
  readonly builtInSamples: Readonly<Record<string, readonly string[]>>;
  /** Phrases that open the skill with no request: a LaunchRequest. Each matches the whole utterance. */
  launchPatterns(invocation: string): readonly RegExp[];
  /** Phrases that name the skill and carry a request (a one-shot); the request is the `rest` group. */
  oneShotPatterns(invocation: string): readonly RegExp[];
  /** Words that may join the invocation and the request ("ask X to …"); tried stripped, then kept. */
  readonly connectors: readonly string[];
  /** Two things a new user can say: a one-shot with the given sample, and a plain launch. */
  examples(invocation: string, sample: string): readonly [string, string];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const english: AlexaLanguage = {
  spaced: true,
  nameFree: true,
  wakeWords: ['alexa', 'echo', 'computer'],
  exitPhrases: ['exit', 'quit'],
  builtInSamples: {
    'AMAZON.HelpIntent': [
      'help',
      'help me',
      'what can you do',
      'what can i say',
      'what do i say',
      'how does this work',
      'how do i use this',
    ],
    'AMAZON.StopIntent': ['stop', 'stop it', 'off', 'shut up', 'be quiet', 'that s enough'],
    'AMAZON.CancelIntent': ['cancel', 'never mind', 'nevermind', 'forget it', 'cancel that'],
    'AMAZON.NavigateHomeIntent': ['go home', 'home', 'go to the home screen'],
    'AMAZON.YesIntent': ['yes', 'yeah', 'yep', 'sure', 'yes please', 'ok', 'okay', 'please do'],
    'AMAZON.NoIntent': ['no', 'nope', 'no thanks', 'no thank you', 'not now'],
  },
  launchPatterns: (invocation) => {
    const name = escapeRegExp(invocation);
    return [
      new RegExp(
        `^(?:(?:open|launch|start|start playing|begin|load|run|use|play|resume|do|talk to|ask|tell) )?(?:the )?${name}$`,
        'u',
      ),
    ];
  },
  oneShotPatterns: (invocation) => {
    const name = escapeRegExp(invocation);
    return [
      new RegExp(`^(?:ask|tell) (?:the )?${name} (?<rest>.+)$`, 'u'),
      new RegExp(`^(?:open|launch|start|begin|load|run|use|talk to) (?:the )?${name} (?:and|to) (?<rest>.+)$`, 'u'),
      new RegExp(`^(?<rest>.+) (?:using|with|from|on|in|by) (?:the )?${name}$`, 'u'),
    ];
  },
  connectors: ['to', 'for', 'about', 'if', 'whether', 'that', 'and'],
  examples: (invocation, sample) => [`ask ${invocation} to ${sample}`, `open ${invocation}`],
};

const japanese: AlexaLanguage = {
  spaced: false,
  nameFree: false,
  wakeWords: ['アレクサ', 'alexa', 'エコー', 'コンピューター'],
  exitPhrases: ['終了', '終了して'],
  builtInSamples: {
    'AMAZON.HelpIntent': [
      'ヘルプ',
      'ヘルプをお願い',
      '助けて',
      'たすけて',
      '使い方',
      '使い方を教えて',
      '何ができるの',
      'なにができるの',
      'どうすればいいの',
    ],
    'AMAZON.StopIntent': [
      'ストップ',
      '止めて',
      'とめて',
      '止まって',
      'やめて',
      '停止',
      '黙って',
      '終わり',
      'おわり',
      'もういい',
    ],
    'AMAZON.CancelIntent': ['キャンセル', 'キャンセルして', '取り消し', '取り消して', 'なんでもない', 'やっぱりいい'],
    'AMAZON.NavigateHomeIntent': ['ホーム', 'ホームに戻って', 'ホーム画面に戻って'],
    'AMAZON.YesIntent': ['はい', 'うん', 'ええ', 'お願い', 'お願いします', 'そうして', 'いいよ'],
    'AMAZON.NoIntent': ['いいえ', 'いや', 'ううん', 'いらない', '結構です', 'けっこうです'],
  },
  launchPatterns: (invocation) => {
    const name = escapeRegExp(invocation);
    return [
      new RegExp(
        `^${name}(?:を?(?:開いて|ひらいて|開く|起動して|起動|スタートして|スタート|始めて|はじめて|始める|開始して|開始|使って|つかって|実行して|実行|再開して|再開|呼んで|よんで)|につないで|に話して|と話して|と話したい)?$`,
        'u',
      ),
    ];
  },
  oneShotPatterns: (invocation) => {
    const name = escapeRegExp(invocation);
    return [
      // 「メールセンダーでメールを送って」「メールセンダーを使ってメールを送って」
      new RegExp(`^${name}(?:で|に|を使って|をつかって|を開いて|をひらいて|を起動して)(?<rest>.+)$`, 'u'),
      // 「メールを送ってとメールセンダーに頼んで」
      new RegExp(
        `^(?<rest>.+?)(?:って|と)?${name}(?:に|で)(?:聞いて|きいて|頼んで|たのんで|お願いして|伝えて)(?:みて|ください)?$`,
        'u',
      ),
    ];
  },
  connectors: [],
  examples: (invocation, sample) => [`${invocation}で${sample}`, `${invocation}を開いて`],
};

const LANGUAGES: Readonly<Record<string, AlexaLanguage>> = { en: english, ja: japanese };

/** The language of a locale such as en-US or ja-JP. */
export function languageOf(locale: string): AlexaLanguage {
  const language = LANGUAGES[locale.split('-')[0]?.toLowerCase() ?? ''];
  if (!language)
    throw new Error(
      `The simulator does not speak the language of ${locale}; it knows ${Object.keys(LANGUAGES).join(', ')}.`,
    );
  return language;
}
