// The one rule for what may reach a listener or a mail header: letters, marks, numbers, punctuation,
// symbols and spaces. Never controls, format characters (bidi overrides such as U+202E, zero-width
// ones), line or paragraph separators, lone surrogates, private-use or unassigned code points:
// SSML (XML) cannot hold some of them, and the others change how the text around them reads.

const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]/gu;

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
