// The dictated note: body content only, never a header, so it keeps line breaks but
// loses control characters, and is capped so one utterance cannot make a huge mail.
// Alexa reads back only its start, cut between words, so a misheard note is noticed.

import { withoutInvisible } from './characters.ts';

const NOTE_MAX_CHARS = 2_000;

// Every control character (C0, DEL, C1) but the line feed and the tab.
const CONTROL_EXCEPT_NEWLINE_AND_TAB = /[^\P{Cc}\n\t]/gu;

export function cleanNote(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const cleaned = raw.replace(CONTROL_EXCEPT_NEWLINE_AND_TAB, ' ').trim();
  if (!cleaned) return undefined;
  // Array.from counts code points, so a cut never splits a surrogate pair.
  const chars = Array.from(cleaned);
  return chars.length <= NOTE_MAX_CHARS ? cleaned : `${chars.slice(0, NOTE_MAX_CHARS).join('')}…`;
}

/** What Alexa reads back of a note: plain text (not yet escaped for SSML), and whether it is the whole note. */
export interface SpokenNote {
  readonly text: string;
  readonly complete: boolean;
}

// About five seconds of speech in either language: a check of what was heard, not a reading of the mail.
const SPOKEN_NOTE_MAX_WORDS = 12;
const SPOKEN_NOTE_MAX_CHARS = 80;

// Punctuation that would end the sentence Alexa is in the middle of ("…your note: buy milk.").
const TRAILING_PUNCTUATION = /[\s.,;:!?。、！？…]+$/u;

/**
 * The start of the note, at most 12 words and 80 characters, cut between words as the locale
 * splits them (Intl.Segmenter, so a Japanese note is cut between words too, not mid-word).
 * Undefined when nothing in it can be spoken (punctuation alone).
 */
export function spokenNote(note: string, locale: string): SpokenNote | undefined {
  const flat = withoutInvisible(note, ' ').replace(/\s+/g, ' ').trim();
  let text = '';
  let words = 0;
  let complete = true;
  for (const { segment, isWordLike } of new Intl.Segmenter(locale, { granularity: 'word' }).segment(flat)) {
    const tooLong = text.length + segment.length > SPOKEN_NOTE_MAX_CHARS;
    if (isWordLike && (words === SPOKEN_NOTE_MAX_WORDS || tooLong)) {
      // A first word longer than the whole allowance (a pasted link) is cut inside it.
      if (words === 0) text = Array.from(segment).slice(0, SPOKEN_NOTE_MAX_CHARS).join('');
      complete = false;
      break;
    }
    if (isWordLike) words++;
    text += segment;
  }
  const spoken = text.replace(TRAILING_PUNCTUATION, '');
  return /[\p{L}\p{N}]/u.test(spoken) ? { text: spoken, complete } : undefined;
}
