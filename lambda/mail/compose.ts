// What a mail is, its MIME form for SendRawEmail and its From for SendEmail. MIME, base64
// folding and RFC 2047/2231 encoding are nodemailer's job (MailComposer, MimeNode), not ours.

import { headerSafe } from './headers.ts';

/** What the messages of a locale write; everything else about a mail is decided here. */
export interface MailContent {
  /** The From header's display name; the address is always the configured sender's. */
  readonly senderName: string;
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
  /** The bare sender address: SES checks it against the policy's ses:FromAddress. */
  readonly from: string;
  readonly senderName: string;
  readonly to: string;
  readonly subject: string;
}

export function safeHeaders(mail: OutgoingMail): SafeHeaders {
  return {
    from: headerSafe(mail.from),
    senderName: headerSafe(mail.content.senderName),
    to: headerSafe(mail.to),
    subject: headerSafe(mail.content.subject),
  };
}

/** SendEmail's Source for one sender address, per display name, as MimeNode encoded them at build time. */
export interface PrebuiltFrom {
  readonly address: string;
  readonly byName: Readonly<Record<string, string>>;
}

// Replaced by esbuild's define when the build knows the sender (a deploy build embeds it:
// ops/build/prebuiltFrom.ts); an undeclared global everywhere else.
declare const __PREBUILT_FROM__: PrebuiltFrom | undefined;
const PREBUILT_FROM = typeof __PREBUILT_FROM__ === 'undefined' ? undefined : __PREBUILT_FROM__;

/** What MimeNode encodes as the From, at run time and at build time alike. */
export function fromHeaderValue(senderName: string, address: string): { name: string; address: string } {
  return { name: headerSafe(senderName), address: headerSafe(address) };
}

/**
 * SendEmail's Source: the display name and the address, as the From header of a raw message
 * carries them. SES does not speak SMTPUTF8, so a non-ASCII name must arrive as an RFC 2047
 * encoded-word; nodemailer's MimeNode encodes it exactly as MailComposer does for SendRawEmail.
 * A deploy build has done so for its sender and every locale's name, so that a cold first mail
 * loads no MIME code (MimeNode is most of MailComposer's chunk); any other sender is encoded here.
 */
export async function encodedFrom(mail: OutgoingMail, prebuilt = PREBUILT_FROM): Promise<string> {
  const value = fromHeaderValue(mail.content.senderName, mail.from);
  if (prebuilt?.address === value.address && Object.hasOwn(prebuilt.byName, value.name))
    return prebuilt.byName[value.name]!;
  const { MimeNode } = await import('./mailComposer.ts');
  return MimeNode.encodeHeaderValue('From', value);
}

/** Builds the complete RFC 5322 message. Loaded only on the path that sends an attachment. */
export async function composeRawMessage(mail: OutgoingMail): Promise<Buffer> {
  const { MailComposer } = await import('./mailComposer.ts');
  const headers = safeHeaders(mail);
  const composer = new MailComposer({
    from: { name: headers.senderName, address: headers.from },
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
