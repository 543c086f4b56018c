// The raw MIME message for SendRawEmail and the From of SendEmail, as a mail client would read them.

import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeRawMessage, encodedFrom } from '../../../../lambda/mail/compose.ts';
import { headerSafe } from '../../../../lambda/mail/headers.ts';
import { MimeNode } from '../../../../lambda/mail/mailComposer.ts';
import { en } from '../../../../lambda/messages/en.ts';
import { EVERY_LOCALE } from '../../../../lambda/messages/index.ts';
import { ja } from '../../../../lambda/messages/ja.ts';
import { prebuiltFrom } from '../../../../ops/build/prebuiltFrom.ts';

describe('composeRawMessage', () => {
  it('encodes a Japanese subject, body and attachment so they decode to the same text', async () => {
    const note = '牛乳と卵を買う。明日の朝までに！';
    const raw = await composeRawMessage({
      from: 'sender@example.com',
      to: 'hanako@example.jp',
      content: ja.mailContent({ givenName: '花子', note }),
      attachedNote: note,
    });

    expect(raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('メールセンダーからのメモ');
    expect(parsed.text).toContain('花子さん、こんにちは。');
    expect(parsed.html).toContain(note);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe('memo.txt');
    expect(parsed.attachments[0]?.content.toString('utf8')).toBe(note);
  });

  it('keeps exactly one recipient and no header from the note', async () => {
    const note = 'hi\r\nBcc: attacker@evil.example\r\n\r\nbody';
    const raw = await composeRawMessage({
      from: 'sender@example.com',
      to: 'taro@example.com',
      content: en.mailContent({ note }),
      attachedNote: note,
    });
    const parsed = await simpleParser(raw);

    expect(parsed.headers.get('bcc')).toBeUndefined();
    expect(parsed.headers.get('cc')).toBeUndefined();
    expect(parsed.to).toMatchObject({ value: [{ address: 'taro@example.com' }] });
    expect(parsed.text).toContain('Bcc: attacker@evil.example');
  });
});

describe('the From display name', () => {
  it.each([
    [en, 'Mail Sender'],
    [ja, 'メールセンダー'],
  ])('is the locale’s sender name in the raw message, with the bare address (%#)', async (messages, name) => {
    const raw = await composeRawMessage({
      from: 'mail-sender@example.com',
      to: 'taro@example.com',
      content: messages.mailContent({ note: 'x' }),
      attachedNote: 'x',
    });
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name, address: 'mail-sender@example.com' }]);
    // Only ASCII on the wire: SES does not take SMTPUTF8.
    expect(raw.toString('latin1')).toMatch(/^From: [\x20-\x7e]+$/m);
  });

  it('reaches SendEmail’s Source as an RFC 2047 encoded-word where the name is not ASCII', async () => {
    const english = await encodedFrom({
      from: 'mail-sender@example.com',
      to: 't@example.com',
      content: en.mailContent({}),
    });
    const japanese = await encodedFrom({
      from: 'mail-sender@example.com',
      to: 't@example.com',
      content: ja.mailContent({}),
    });

    expect(english).toBe('Mail Sender <mail-sender@example.com>');
    expect(japanese).toMatch(/^=\?UTF-8\?[BQ]\?[\x21-\x7e]+\?= <mail-sender@example\.com>$/);
    // Read back as a mail client reads a From header.
    const parsed = await simpleParser(`From: ${japanese}\r\n\r\n`);
    expect(parsed.from?.value).toEqual([{ name: 'メールセンダー', address: 'mail-sender@example.com' }]);
  });

  it('keeps a display name from starting a header of its own, or adding a recipient', async () => {
    const content = { ...en.mailContent({}), senderName: 'Mail Sender\r\nBcc: attacker@evil.example' };
    const source = await encodedFrom({ from: 'mail-sender@example.com', to: 't@example.com', content });
    expect(source).not.toMatch(/[\r\n]/);
    expect(source.endsWith(' <mail-sender@example.com>')).toBe(true);

    const raw = await composeRawMessage({
      from: 'mail-sender@example.com',
      to: 't@example.com',
      content,
      attachedNote: 'x',
    });
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('bcc')).toBeUndefined();
    expect(parsed.from?.value.map((sender) => sender.address)).toEqual(['mail-sender@example.com']);
  });
});

describe('the From a deploy build encodes ahead of time', () => {
  // Addresses MimeNode writes as they are and addresses it rewrites (a domain's case, an IDN).
  const senders = ['mail-sender@example.com', 'Mail.Sender@Example.COM', 'sender@exämple.com'];

  it.each(senders)('is, for %s and every locale, the very string MimeNode makes at run time', async (from) => {
    const prebuilt = prebuiltFrom(from);
    expect(Object.keys(prebuilt.byName)).toHaveLength(EVERY_LOCALE.length);
    for (const messages of EVERY_LOCALE) {
      const mail = { from, to: 't@example.com', content: messages.mailContent({ givenName: 'Taro' }) };
      const atRunTime = MimeNode.encodeHeaderValue('From', { name: messages.skillName, address: from });
      expect(await encodedFrom(mail, prebuilt)).toBe(atRunTime);
      expect(await encodedFrom(mail, undefined)).toBe(atRunTime);
    }
  });

  it('is not used for another sender or another name: those are encoded at run time', async () => {
    const prebuilt = { address: 'mail-sender@example.com', byName: { 'Mail Sender': 'not what MimeNode says' } };
    const content = en.mailContent({});
    expect(await encodedFrom({ from: 'other@example.com', to: 't@example.com', content }, prebuilt)).toBe(
      'Mail Sender <other@example.com>',
    );
    expect(await encodedFrom({ from: 'mail-sender@example.com', to: 't@example.com', content }, prebuilt)).toBe(
      'not what MimeNode says',
    );
    const renamed = { ...content, senderName: 'toString' };
    expect(
      await encodedFrom({ from: 'mail-sender@example.com', to: 't@example.com', content: renamed }, prebuilt),
    ).toBe('toString <mail-sender@example.com>');
  });
});

describe('headerSafe', () => {
  it('removes line breaks and control characters', () => {
    expect(headerSafe('Subject\r\nBcc: x@y.z\u0000\u2028end')).toBe('Subject Bcc: x@y.z end');
  });

  it('removes bidi overrides and other invisible characters, by the rule the speech follows', () => {
    expect(headerSafe('\u202Etxt.exe\u202C Invoice\u2066\u200B from\uFEFF Mail Sender')).toBe(
      'txt.exe Invoice from Mail Sender',
    );
  });
});
