// The mail the skill sends, in text and HTML: the one place its layout is written. The words are
// each locale's (en.ts, ja.ts beside it); the dictated note goes in as given, escaped for HTML.

import type { MailContent } from '../mail/compose.ts';
import { escapeMarkup } from './markup.ts';

/** What a locale writes for the mail; the layout around them is the template's. */
export interface MailWords {
  /** The From header's display name. */
  readonly senderName: string;
  readonly subject: (withNote: boolean) => string;
  readonly greeting: (givenName: string | undefined) => string;
  readonly intro: string;
  /** The line above the note. */
  readonly noteHeading: string;
  /** The line below the note, saying it is attached too. */
  readonly noteAttached: string;
  readonly footer: string;
  readonly noteFileName: string;
}

export interface MailContentInput {
  readonly givenName?: string | undefined;
  readonly note?: string | undefined;
}

export function mailTemplate(words: MailWords): (input: MailContentInput) => MailContent {
  return ({ givenName, note }) => {
    const greeting = words.greeting(givenName);
    const noteLines = note ? ['', words.noteHeading, note, '', words.noteAttached] : [];
    return {
      senderName: words.senderName,
      subject: words.subject(Boolean(note)),
      text: [greeting, '', words.intro, ...noteLines, '', words.footer, ''].join('\n'),
      html: [
        `<p>${escapeMarkup(greeting)}</p>`,
        `<p>${escapeMarkup(words.intro)}</p>`,
        note
          ? `<p>${escapeMarkup(words.noteHeading)}</p><blockquote style="white-space:pre-wrap">${escapeMarkup(note)}</blockquote><p>${escapeMarkup(words.noteAttached)}</p>`
          : '',
        `<p style="color:#666">${escapeMarkup(words.footer)}</p>`,
      ].join(''),
      noteFileName: words.noteFileName,
    };
  };
}
