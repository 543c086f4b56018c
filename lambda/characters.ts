// The one rule for what may reach a listener or a mail header: letters, marks, numbers, punctuation,
// symbols and spaces. Never controls, format characters (bidi overrides such as U+202E, zero-width
// ones), line or paragraph separators, lone surrogates, private-use or unassigned code points, nor
// the letters and symbols that are drawn as nothing (Hangul fillers, the Braille blank): SSML (XML)
// cannot hold some of them, and the others change how the text around them reads, or read as nothing.
// A zero-width joiner inside an emoji sequence (👨‍👩‍👧) stays: there it is part of one picture.

// Each character of these classes, unless it is a zero-width joiner between two pictographs (each
// perhaps with its skin tone or emoji presentation); the last five are the Hangul fillers
// (default-ignorable letters) and the blank Braille pattern, which no renderer draws.
const INVISIBLE =
  /(?!(?<=\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F)*)\u200D(?=\p{Extended_Pictographic}))[\p{C}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** `text` with each such character replaced (by nothing, unless a replacement is given). */
export function withoutInvisible(text: string, replacement = ''): string {
  return text.replace(INVISIBLE, replacement);
}

export function hasInvisible(text: string): boolean {
  return withoutInvisible(text) !== text;
}

/** The first character as a reader sees it (a grapheme: an emoji, a letter with its accent), never half of one. */
export function firstCharacter(text: string): string {
  const [first] = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(withoutInvisible(text));
  return first?.segment ?? '';
}
