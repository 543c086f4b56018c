// The raw MIME message for SendRawEmail, as a mail client would read it.

import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeRawMessage } from '../../../lambda/mail/compose.ts';
import { headerSafe } from '../../../lambda/mail/headers.ts';
import { en } from '../../../lambda/messages/en.ts';
import { ja } from '../../../lambda/messages/ja.ts';

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
    expect(JSON.stringify(parsed.to)).toContain('taro@example.com');
    expect(JSON.stringify(parsed.to)).not.toContain('attacker');
  });
});

describe('headerSafe', () => {
  it('removes line breaks and control characters', () => {
    expect(headerSafe('Subject\r\nBcc: x@y.z\u0000\u2028end')).toBe('Subject Bcc: x@y.z end');
  });
});
