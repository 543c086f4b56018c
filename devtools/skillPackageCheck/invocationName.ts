// The invocation name rules Amazon applies at certification and that no schema expresses,
// for English and Japanese.

const ENGLISH_LAUNCH_PHRASES = [
  'open',
  'ask',
  'tell',
  'launch',
  'start',
  'begin',
  'load',
  'resume',
  'run',
  'enable',
  'use',
  'play',
  'talk to',
];
const ENGLISH_WAKE_WORDS = ['alexa', 'amazon', 'echo', 'computer'];
const ENGLISH_FORBIDDEN_WORDS = ['skill', 'app'];
const ENGLISH_TWO_WORD_FILLERS = ['the', 'a', 'an', 'for', 'to', 'of'];

const JAPANESE_LAUNCH_PHRASES = ['起動して', '開いて', '聞いて', '教えて', '読み込んで', '開始して', '有効にして'];
const JAPANESE_WAKE_WORDS = ['アレクサ', 'アマゾン', 'エコー', 'コンピューター', 'コンピュータ'];
const JAPANESE_FORBIDDEN_WORDS = ['スキル', 'アプリ'];

// ー (U+30FC, the long-vowel mark) and 々 are written in katakana and kanji names but belong to no single script.
const JAPANESE_ALLOWED = /^[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}ー々a-z \u3000]+$/u;
const ENGLISH_ALLOWED = /^[a-z'’ .]+$/;

function quoted(items: readonly string[]): string {
  return items.map((item) => `"${item}"`).join(', ');
}

function containsPhrase(words: readonly string[], phrase: string): boolean {
  const parts = phrase.split(' ');
  return words.some((_, start) => parts.every((part, offset) => words[start + offset] === part));
}

/**
 * The developer console's "Invocation name requirements": two or more words of lower-case letters,
 * with only spaces, possessive apostrophes and the periods of abbreviations; numbers spelled out;
 * no launch phrase, no wake word, not "skill" or "app"; two words without an article or preposition.
 */
function englishProblems(name: string): string[] {
  const problems: string[] = [];
  const disallowed = [...new Set([...name].filter((character) => !ENGLISH_ALLOWED.test(character)))];
  if (disallowed.length > 0) {
    problems.push(
      `may contain only lower-case letters, spaces, apostrophes and periods (spell numbers out); it contains ${quoted(disallowed)}`,
    );
  }
  // Words as Alexa hears them: "sam's" is one word, "a. b. c." three.
  const words = name
    .toLowerCase()
    .split(/[\s.]+/)
    .filter(Boolean);
  if (words.length < 2) problems.push('must be at least two words');
  if (words.length === 2) {
    const filler = words.find((word) => ENGLISH_TWO_WORD_FILLERS.includes(word));
    if (filler) problems.push(`of two words may not use an article or preposition such as "${filler}"`);
  }
  const launch = ENGLISH_LAUNCH_PHRASES.filter((phrase) => containsPhrase(words, phrase));
  if (launch.length > 0) problems.push(`may not contain a launch phrase: ${quoted(launch)}`);
  const wake = ENGLISH_WAKE_WORDS.filter((word) => words.includes(word));
  if (wake.length > 0) problems.push(`may not contain a wake word: ${quoted(wake)}`);
  const forbidden = ENGLISH_FORBIDDEN_WORDS.filter((word) => words.includes(word));
  if (forbidden.length > 0) problems.push(`may not contain the word ${quoted(forbidden)}`);
  return problems;
}

/**
 * The console's 呼び出し名の要件: only hiragana, katakana, kanji, lower-case letters and spaces, numbers
 * written out (二十一); no launch phrase, no wake word, not スキル or アプリ. The console also asks for two
 * or more words, but Japanese is written without spaces (Amazon's own example is 「十二星座占い」), so that
 * one is left to a person.
 */
function japaneseProblems(name: string): string[] {
  const problems: string[] = [];
  const disallowed = [...new Set([...name].filter((character) => !JAPANESE_ALLOWED.test(character)))];
  if (disallowed.length > 0) {
    problems.push(
      `may contain only hiragana, katakana, kanji, lower-case letters and spaces (write numbers out, 二十一); it contains ${quoted(disallowed)}`,
    );
  }
  const latinWords: string[] = name.toLowerCase().match(/[a-z]+/g) ?? [];
  const launch = JAPANESE_LAUNCH_PHRASES.filter((phrase) => name.includes(phrase));
  if (launch.length > 0) problems.push(`may not contain a launch phrase: ${quoted(launch)}`);
  const wake: string[] = [
    ...JAPANESE_WAKE_WORDS.filter((word) => name.includes(word)),
    ...ENGLISH_WAKE_WORDS.filter((word) => latinWords.includes(word)),
  ];
  // コンピューター contains コンピュータ: report the word once.
  const reported = wake.filter((word) => !wake.some((other) => other !== word && other.includes(word)));
  if (reported.length > 0) problems.push(`may not contain a wake word: ${quoted(reported)}`);
  const forbidden = JAPANESE_FORBIDDEN_WORDS.filter((word) => name.includes(word));
  if (forbidden.length > 0) problems.push(`may not contain the word ${quoted(forbidden)}`);
  return problems;
}

/** Each problem as a sentence: `The invocation name "alexa mailer" may not contain a wake word: "alexa".` */
export function invocationNameProblems(locale: string, name: string): string[] {
  const subject = `The invocation name ${JSON.stringify(name)}`;
  if (!name.trim()) return [`${subject} is empty.`];
  const problems = locale.startsWith('en-')
    ? englishProblems(name)
    : locale.startsWith('ja-')
      ? japaneseProblems(name)
      : [];
  return problems.map((problem) => `${subject} ${problem}.`);
}
