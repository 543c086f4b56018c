// What a mail is, and its MIME form for SendRawEmail. MIME, base64 folding and
// RFC 2047/2231 encoding are nodemailer's MailComposer's job, not ours.

import { headerSafe } from './headers.ts';

/** What the messages of a locale write; everything else about a mail is decided here. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** File name of the attached note, when the user dictated one. */
  readonly noteFileName: string;
}

export interface OutgoingMail {
  readonly from: string;
  /** Always the requesting account's own profile address: see handlers/sendEmail.ts. */
  readonly to: string;
  readonly content: MailContent;
  /** The dictated note, attached as a text file. A mail with an attachment goes through SendRawEmail. */
  readonly attachedNote?: string;
}

interface SafeHeaders {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
}

export function safeHeaders(mail: OutgoingMail): SafeHeaders {
  return { from: headerSafe(mail.from), to: headerSafe(mail.to), subject: headerSafe(mail.content.subject) };
}

/** Builds the complete RFC 5322 message. Loaded only on the path that sends an attachment. */
export async function composeRawMessage(mail: OutgoingMail): Promise<Buffer> {
  const { MailComposer } = await import('./mailComposer.ts');
  const headers = safeHeaders(mail);
  const composer = new MailComposer({
    from: headers.from,
    to: headers.to,
    subject: headers.subject,
    text: mail.content.text,
    html: mail.content.html,
    // Nothing we send points at a file or URL; refuse it outright rather than trust that.
    disableFileAccess: true,
    disableUrlAccess: true,
    attachments:
      mail.attachedNote === undefined
        ? []
        : [
            {
              filename: mail.content.noteFileName,
              content: mail.attachedNote,
              contentType: 'text/plain; charset=utf-8',
            },
          ],
  });
  return composer.compile().build();
}
