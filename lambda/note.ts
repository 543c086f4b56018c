// The dictated note: body content only, never a header, so it keeps line breaks but
// loses control characters, and is capped so one utterance cannot make a huge mail.

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
